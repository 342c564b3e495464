import type { ReplyStats } from '../../../workers/shared/chat';
import type { DeviceReport } from '../../../workers/shared/device';
import type { EngineError } from '../../../workers/shared/engineErrors';
import { explainEngineError } from '../engineErrors';
import type { BenchmarkPromptId } from './prompts';
import type { BenchmarkDevice, BenchmarkError, BenchmarkResult, BenchmarkRun } from './types';

/** A measured number, or 0 when the engine could not measure it (never NaN or Infinity in a file). */
const measured = (value: number): number => (Number.isFinite(value) && value > 0 ? value : 0);

/** The device as the run records it. */
export function deviceRecord(report: DeviceReport, userAgent: string): BenchmarkDevice {
  return {
    webgpu: report.webgpu,
    webgpuProblem: report.webgpuProblem ?? null,
    adapter: report.adapter ? { ...report.adapter } : null,
    fallbackAdapter: report.fallbackAdapter,
    features: report.shaderF16 ? ['shader-f16'] : [],
    maxBufferSize: report.maxBufferSize,
    maxStorageBufferBindingSize: report.maxStorageBufferBindingSize,
    hardwareConcurrency: Math.max(1, report.cores),
    crossOriginIsolated: report.crossOriginIsolated,
    userAgent,
  };
}

/** An engine error as the run records it: its name and the app's plain words for it. */
export function benchmarkError(error: EngineError): BenchmarkError {
  const { title, detail } = explainEngineError(error);
  return { name: error.name, title, detail };
}

/** A reply's result from the engine's stats; a reply the user stopped is marked `stopped`. */
export function resultFromStats(modelId: string, promptId: BenchmarkPromptId, stats: ReplyStats, reply: string): BenchmarkResult {
  return {
    modelId,
    promptId,
    status: stats.finishReason === 'abort' ? 'stopped' : 'complete',
    promptTokens: Math.max(0, Math.round(stats.promptTokens)),
    cachedPromptTokens: Math.max(0, Math.round(stats.cachedPromptTokens ?? 0)),
    completionTokens: Math.max(0, Math.round(stats.completionTokens)),
    timeToFirstTokenS: measured(stats.timeToFirstTokenS),
    prefillTokensPerS: measured(stats.prefillTokensPerS),
    decodeTokensPerS: measured(stats.decodeTokensPerS),
    totalS: measured(stats.totalS),
    reply,
    error: null,
  };
}

/** A reply that failed: no numbers, the reason in plain words. */
export function errorResult(modelId: string, promptId: BenchmarkPromptId, error: EngineError, reply = ''): BenchmarkResult {
  return {
    modelId,
    promptId,
    status: 'error',
    promptTokens: 0,
    cachedPromptTokens: 0,
    completionTokens: 0,
    timeToFirstTokenS: 0,
    prefillTokensPerS: 0,
    decodeTokensPerS: 0,
    totalS: 0,
    reply,
    error: benchmarkError(error),
  };
}

/** The numbers the chart can show, each with how to say it. */
export const chartMetrics = {
  decodeTokensPerS: { label: 'Decode speed', unit: 'tokens/s', digits: 1, higherIsBetter: true },
  prefillTokensPerS: { label: 'Prefill speed', unit: 'tokens/s', digits: 0, higherIsBetter: true },
  timeToFirstTokenS: { label: 'Time to first token', unit: 's', digits: 2, higherIsBetter: false },
} as const;

export type ChartMetric = keyof typeof chartMetrics;

/** A metric's value in its unit, e.g. `31.4 tokens/s` or `0.42 s`; `—` when not measured. */
export function formatMetric(metric: ChartMetric, value: number): string {
  const m = chartMetrics[metric];
  return value > 0 ? `${value.toLocaleString('en-US', { minimumFractionDigits: m.digits, maximumFractionDigits: m.digits })} ${m.unit}` : '—';
}

/** Per model: the median of each metric over its measured replies (the run's headline numbers). */
export interface ModelSummary {
  modelId: string;
  replies: number;
  decodeTokensPerS: number;
  prefillTokensPerS: number;
  timeToFirstTokenS: number;
}

/** The median of the positive values, or 0 when there are none. */
export function median(values: number[]): number {
  const v = values.filter((x) => x > 0).sort((a, b) => a - b);
  if (v.length === 0) return 0;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Each model's medians over the replies that produced numbers (stopped ones count for what they measured). */
export function summarizeRun(run: BenchmarkRun): ModelSummary[] {
  return run.models.map((model) => {
    const rows = run.results.filter((r) => r.modelId === model.id && r.status !== 'error');
    return {
      modelId: model.id,
      replies: rows.length,
      decodeTokensPerS: median(rows.map((r) => r.decodeTokensPerS)),
      prefillTokensPerS: median(rows.map((r) => r.prefillTokensPerS)),
      timeToFirstTokenS: median(rows.map((r) => r.timeToFirstTokenS)),
    };
  });
}

/** A run's status in a few words: `Complete`, `Stopped after 4 of 6 replies`, `Running`. */
export function runStatusText(run: BenchmarkRun): string {
  const planned = run.models.length * run.promptIds.length;
  if (run.status === 'running') return 'Running';
  if (run.status === 'stopped') return `Stopped after ${run.results.filter((r) => r.status !== 'stopped').length} of ${planned} replies`;
  return 'Complete';
}
