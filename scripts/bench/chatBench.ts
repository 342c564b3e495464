import type { BrowserContext, Page } from '@playwright/test';
import { acceptLicence } from './browser';
import { runWllamaDirect, startWllamaPage } from './wllamaDirect';

const benchGguf = 'Bench-Llama-GGUF';
const replyTokens = 500;

export interface ChatBenchResult {
  model: { id: string; threads: number; contextWindow: number };
  app: { sendToFirstTokenMs: number; completionTokens: number; decodePerS: number; streamTokensPerS: number; longTasks: number[] };
  direct: { firstTokenMs: number; completionTokens: number; decodePerS: number; streamTokensPerS: number };
  ratios: { decodeAppVsDirect: number; streamAppVsDirect: number };
  aims: { atLeast095OfDirect: boolean; zeroLongTasksDuringReply: boolean };
}

/** Part 2: a 500-token reply through the whole app against wllama driven directly. */
export async function benchChat(context: BrowserContext, page: Page, hostUrl: string, ggufUrl: string): Promise<ChatBenchResult> {
  const row = page.locator(`[data-model="${benchGguf}"]`);
  await row.getByRole('button', { name: /^Download/ }).click();
  await acceptLicence(page);
  await row.and(page.locator('[data-status="cached"]')).waitFor({ timeout: 300_000 });
  await page.getByLabel('Model', { exact: true }).selectOption(benchGguf);
  await page.getByTestId('model-loader').getByRole('button', { name: /^(Load|Reload)$/ }).click();
  const status = page.getByTestId('engine-status');
  await status.getByText(`Loaded ${benchGguf}`).waitFor({ timeout: 120_000 });
  const threads = Number(/(\d+) thread/.exec((await status.textContent()) ?? '')?.[1] ?? 1);
  // Greedy and long: both sides produce the same tokens.
  for (const [label, value] of [['Temperature', '0'], ['Max new tokens', String(replyTokens)]] as const) {
    const input = page.getByLabel(label, { exact: true });
    await input.fill(value);
    await input.dispatchEvent('change');
  }
  await page.getByLabel('Message', { exact: true }).fill('Tell me a long story.');

  const app = await page.evaluate(async () => {
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
  });
  const completionTokens = Number(/(\d+) completion tokens/.exec(app.stats)?.[1] ?? 0);
  const appDecode = Number(/decode ([\d.]+) tok\/s/.exec(app.stats)?.[1] ?? 0);

  const direct = await startWllamaPage(4290);
  const directPage = await context.newPage();
  await directPage.addInitScript('globalThis.__name ??= (f) => f;');
  try {
    await directPage.goto(direct.url);
    const result = await directPage.evaluate(runWllamaDirect, {
      ggufUrl,
      prompt: app.prompt ?? '<|start_header_id|>user<|end_header_id|>\n\nTell me a long story.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
      maxTokens: replyTokens,
      nCtx: 1024,
      threads,
    });
    const directStream = result.tokens / ((result.totalMs - result.firstTokenMs) / 1000);
    const appStream = completionTokens / (app.streamMs / 1000);
    const decodeRatio = +(appDecode / result.decodePerS).toFixed(3);
    const streamRatio = +(appStream / directStream).toFixed(3);
    void hostUrl;
    return {
      model: { id: benchGguf, threads, contextWindow: 1024 },
      app: { sendToFirstTokenMs: Math.round(app.firstMs), completionTokens, decodePerS: appDecode, streamTokensPerS: +appStream.toFixed(1), longTasks: app.longTasks },
      direct: { firstTokenMs: Math.round(result.firstTokenMs), completionTokens: result.tokens, decodePerS: +result.decodePerS.toFixed(1), streamTokensPerS: +directStream.toFixed(1) },
      ratios: { decodeAppVsDirect: decodeRatio, streamAppVsDirect: streamRatio },
      aims: { atLeast095OfDirect: decodeRatio >= 0.95 && streamRatio >= 0.95, zeroLongTasksDuringReply: app.longTasks.length === 0 },
    };
  } finally {
    await directPage.close();
    await direct.close();
  }
}
