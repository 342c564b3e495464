import type { BenchmarkPromptId } from './prompts';
import { benchmarkPrompt } from './prompts';
import { chartMetrics, formatMetric, type ChartMetric } from './results';
import type { BenchmarkRun } from './types';

/** One bar: a model's reply to one prompt, as a share of the longest bar. */
export interface ChartBar {
  promptId: BenchmarkPromptId;
  label: string;
  value: number;
  valueText: string;
  /** 0..1 of the chart's width. */
  fraction: number;
  /** Top of the bar's label line, in px. */
  y: number;
}

/** A model's group of bars, under its name. */
export interface ChartGroup {
  modelId: string;
  label: string;
  /** Top of the group heading, in px. */
  y: number;
  bars: ChartBar[];
  /** Why there are no bars (the model failed to load), when there are none. */
  note: string | null;
}

/** Everything needed to draw the chart at any width (bar lengths are fractions; rows are px). */
export interface ChartLayout {
  title: string;
  metric: ChartMetric;
  groups: ChartGroup[];
  height: number;
  /** The chart in one paragraph, for screen readers. */
  description: string;
}

/** Row geometry, in px: a group heading, then for each bar a label line and the bar under it. */
export const chartRows = { heading: 26, label: 18, bar: 12, barGap: 10, groupGap: 12 } as const;

/** Lays out a bar chart of one metric: a group per model, a bar per prompt. */
export function chartLayout(run: BenchmarkRun, metric: ChartMetric): ChartLayout {
  const m = chartMetrics[metric];
  const max = Math.max(0, ...run.results.map((r) => r[metric]));
  let y = 0;
  const groups: ChartGroup[] = run.models.map((model) => {
    const group: ChartGroup = { modelId: model.id, label: model.displayName, y, bars: [], note: null };
    y += chartRows.heading;
    for (const r of run.results.filter((x) => x.modelId === model.id && x.status !== 'error')) {
      const value = r[metric];
      const stopped = r.status === 'stopped' ? ' (stopped)' : '';
      group.bars.push({
        promptId: r.promptId,
        label: benchmarkPrompt(r.promptId).label + stopped,
        value,
        valueText: formatMetric(metric, value),
        fraction: max > 0 ? value / max : 0,
        y,
      });
      y += chartRows.label + chartRows.bar + chartRows.barGap;
    }
    if (group.bars.length === 0) {
      group.note = model.error ? `Did not load: ${model.error.title}` : run.status === 'running' ? 'Waiting for its turn' : 'Not run: the run was stopped first';
      y += chartRows.label + chartRows.barGap;
    }
    y += chartRows.groupGap;
    return group;
  });
  const title = `${m.label} (${m.unit}, ${m.higherIsBetter ? 'higher' : 'lower'} is better)`;
  const description = groups
    .map((g) => `${g.label}: ${g.bars.length ? g.bars.map((b) => `${b.label} ${b.valueText}`).join(', ') : (g.note ?? '')}.`)
    .join(' ');
  return { title, metric, groups, height: Math.max(y, 40), description: `${title}. ${description}` };
}

const escapeXml = (text: string): string => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Bar colours by prompt (the same in the app and in the exported image). */
export const promptColours: Record<BenchmarkPromptId, string> = { short: '#2f6fde', summary: '#c2410c', code: '#0f8a5f' };

/**
 * The chart as a standalone SVG document (light colours, system fonts), `width` px wide, with
 * the device and date in a footer: the image "Export image" saves.
 */
export function chartSvgText(layout: ChartLayout, footer: string, width = 720): string {
  const pad = 20;
  const top = 44;
  const inner = width - pad * 2;
  const height = top + layout.height + 40;
  const parts: string[] = [];
  parts.push(`<text x="${pad}" y="28" font-size="16" font-weight="700" fill="#1a1a1a">${escapeXml(layout.title)}</text>`);
  for (const g of layout.groups) {
    parts.push(`<text x="${pad}" y="${top + g.y + 16}" font-size="14" font-weight="600" fill="#1a1a1a">${escapeXml(g.label)}</text>`);
    if (g.note) parts.push(`<text x="${pad}" y="${top + g.y + chartRows.heading + 13}" font-size="13" fill="#555">${escapeXml(g.note)}</text>`);
    for (const b of g.bars) {
      const y = top + b.y;
      parts.push(`<text x="${pad}" y="${y + 13}" font-size="13" fill="#333">${escapeXml(b.label)}</text>`);
      parts.push(`<text x="${pad + inner}" y="${y + 13}" font-size="13" fill="#333" text-anchor="end">${escapeXml(b.valueText)}</text>`);
      parts.push(`<rect x="${pad}" y="${y + chartRows.label}" width="${inner}" height="${chartRows.bar}" rx="3" fill="#ececec"/>`);
      parts.push(`<rect x="${pad}" y="${y + chartRows.label}" width="${(inner * b.fraction).toFixed(1)}" height="${chartRows.bar}" rx="3" fill="${promptColours[b.promptId]}"/>`);
    }
  }
  parts.push(`<text x="${pad}" y="${height - 16}" font-size="11" fill="#555">${escapeXml(footer)}</text>`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" role="img">` +
    `<title>${escapeXml(layout.title)}</title><desc>${escapeXml(layout.description)}</desc>` +
    `<rect width="100%" height="100%" fill="#ffffff"/>${parts.join('')}</svg>\n`
  );
}
