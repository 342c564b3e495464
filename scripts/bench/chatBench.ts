import type { BrowserContext, Page } from '@playwright/test';
import { acceptLicence } from './browser';
import { runWllamaDirect, startWllamaPage } from './wllamaDirect';

const benchGguf = 'Bench-Llama-GGUF';
const replyTokens = 500;
const runs = 3;

export interface ChatBenchResult {
  model: { id: string; threads: number; contextWindow: number };
  /** Replies per side; the figures are medians. */
  runs: number;
  app: { sendToFirstTokenMs: number; completionTokens: number; decodePerS: number; streamTokensPerS: number; longTasks: number[] };
  direct: { firstTokenMs: number; completionTokens: number; decodePerS: number; streamTokensPerS: number };
  ratios: { decodeAppVsDirect: number; streamAppVsDirect: number };
  aims: { atLeast095OfDirect: boolean; zeroLongTasksDuringReply: boolean };
}

/** Part 2: a 500-token reply through the whole app against wllama driven directly. */
export async function benchChat(context: BrowserContext, page: Page, hostUrl: string, ggufUrl: string): Promise<ChatBenchResult> {
  // Download and load are one flow: Download, then the model is ready in the chat.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Models' }).click();
  const row = page.locator(`li[data-model="${benchGguf}"]`);
  await row.getByRole('button', { name: /^Download/ }).click();
  await acceptLicence(page);
  await row.and(page.locator('[data-status="cached"]')).waitFor({ timeout: 300_000 });
  await page.locator(`[data-testid="engine-status"][data-state="ready"][data-model-id="${benchGguf}"]`).waitFor({ timeout: 120_000 });
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Chat' }).click();
  const threads = Number(/(\d+) thread/.exec((await page.getByTestId('artifact-engine').textContent()) ?? '')?.[1] ?? 1);
  // Greedy and long: both sides produce the same tokens.
  await page.getByRole('button', { name: 'Chat settings' }).click();
  for (const [label, value] of [['Temperature', '0'], ['Max new tokens', String(replyTokens)]] as const) {
    const input = page.getByLabel(label, { exact: true });
    await input.fill(value);
    await input.dispatchEvent('change');
  }
  await page.getByTestId('chat-settings').getByRole('button', { name: 'Done' }).click();
  // Three replies per side, medians reported: one run on a shared 2-core machine is noise.
  // Each reply leaves no room for the one before in the window, so every prompt is the same.
  const appRuns: AppRun[] = [];
  for (let run = 0; run < runs; run++) {
    await page.getByLabel('Message', { exact: true }).fill('Tell me a long story.');
    appRuns.push(await page.evaluate(measureAppReply));
  }
  const app = {
    firstMs: median(appRuns.map((r) => r.firstMs)),
    decode: median(appRuns.map((r) => Number(/decode ([\d.]+) tok\/s/.exec(r.stats)?.[1] ?? 0))),
    stream: median(appRuns.map((r) => Number(/(\d+) completion tokens/.exec(r.stats)?.[1] ?? 0) / (r.streamMs / 1000))),
    completionTokens: Number(/(\d+) completion tokens/.exec(appRuns[0].stats)?.[1] ?? 0),
    longTasks: appRuns.flatMap((r) => r.longTasks),
    prompt: appRuns[appRuns.length - 1].prompt,
  };
  const direct = await startWllamaPage(4290);
  const directPage = await context.newPage();
  await directPage.addInitScript('globalThis.__name ??= (f) => f;');
  try {
    await directPage.goto(direct.url);
    const results = await directPage.evaluate(runWllamaDirect, {
      ggufUrl,
      prompt: app.prompt ?? '<|start_header_id|>user<|end_header_id|>\n\nTell me a long story.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
      maxTokens: replyTokens,
      nCtx: 1024,
      threads,
      runs,
    });
    const directDecode = median(results.map((r) => r.decodePerS));
    const directStream = median(results.map((r) => r.tokens / ((r.totalMs - r.firstTokenMs) / 1000)));
    const decodeRatio = +(app.decode / directDecode).toFixed(3);
    const streamRatio = +(app.stream / directStream).toFixed(3);
    return {
      model: { id: benchGguf, threads, contextWindow: 1024 },
      runs,
      app: { sendToFirstTokenMs: Math.round(app.firstMs), completionTokens: app.completionTokens, decodePerS: app.decode, streamTokensPerS: +app.stream.toFixed(1), longTasks: app.longTasks },
      direct: { firstTokenMs: Math.round(median(results.map((r) => r.firstTokenMs))), completionTokens: results[0].tokens, decodePerS: +directDecode.toFixed(1), streamTokensPerS: +directStream.toFixed(1) },
      ratios: { decodeAppVsDirect: decodeRatio, streamAppVsDirect: streamRatio },
      aims: { atLeast095OfDirect: decodeRatio >= 0.95 && streamRatio >= 0.95, zeroLongTasksDuringReply: app.longTasks.length === 0 },
    };
  } finally {
    await directPage.close();
    await direct.close();
  }
}

interface AppRun {
  firstMs: number;
  streamMs: number;
  stats: string;
  longTasks: number[];
  prompt: string | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs in the app's page: clicks Send, times the first token and the end of the reply. */
async function measureAppReply(): Promise<AppRun> {
    const w = window as unknown as { __longTasks: { duration: number }[] };
    const before = document.querySelectorAll('[data-role="assistant"]').length;
    w.__longTasks = [];
    const sendButton = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Send') as HTMLButtonElement;
    const started = performance.now();
    sendButton.click();
    const reply = (): HTMLElement | undefined => [...document.querySelectorAll<HTMLElement>('[data-role="assistant"]')][before];
    const until = (test: () => boolean): Promise<number> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (test()) resolve(performance.now());
          else requestAnimationFrame(check);
        };
        check();
      });
    const firstAt = await until(() => (reply()?.querySelector('[data-testid="message-body"]')?.textContent ?? '').length > 0);
    const endAt = await until(() => reply()?.dataset.status !== undefined && reply()?.dataset.status !== 'streaming');
    const stats = reply()?.querySelector('[data-testid="reply-stats"]')?.textContent ?? '';
    return {
      firstMs: firstAt - started,
      streamMs: endAt - firstAt,
      stats,
      longTasks: w.__longTasks.map((t) => Math.round(t.duration)),
      prompt: document.querySelector('[data-testid="raw-prompt"]')?.textContent ?? null,
    };
}
