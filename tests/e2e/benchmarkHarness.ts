import type { Page } from '@playwright/test';
import { longContextTestRepo, startModelHost } from '../fixtures/modelHost';
import { test as base, expect, expectCached, gotoView, startDownload } from './harness';

/**
 * Two tiny random GGUFs trained for 4,096 tokens: the benchmark's document (about 2,900 tokens
 * in the tiny vocabulary) fits, as it does in the real models' windows.
 */
export const benchModels = { a: 'Long-Llama-A-GGUF', b: 'Long-Llama-B-GGUF' } as const;

/** The suite's fixtures, with a host that serves the two long-context test models. */
export const test = base.extend({
  // eslint-disable-next-line no-empty-pattern
  host: async ({}, use) => {
    const host = await startModelHost({ port: 0, repos: [longContextTestRepo(benchModels.a, 11), longContextTestRepo(benchModels.b, 12)] });
    await use(host);
    await host.close();
  },
});
export { expect };

/** Downloads each model from the models view (the last one downloaded is loaded in the chat). */
export async function downloadModels(page: Page, ids: string[]): Promise<void> {
  for (const id of ids) {
    await startDownload(page, id);
    await expectCached(page, id);
  }
}

/** Opens the benchmark view from the header. */
export async function openBenchmark(page: Page): Promise<void> {
  await gotoView(page, 'Benchmark');
  await expect(page.getByTestId('benchmark-view')).toBeVisible();
}

/** The results of the run shown. */
export function results(page: Page) {
  return page.getByTestId('benchmark-results');
}

/** The status of the run shown (`running`, `complete`, `stopped`). */
export function runStatus(page: Page) {
  return page.getByTestId('run-status');
}

/** The table row of a model's reply to a prompt. */
export function resultRow(page: Page, modelId: string, promptId: string) {
  return page.locator(`tbody[data-model="${modelId}"] tr[data-prompt="${promptId}"]`);
}

/** A number of a row, as the app recorded it (the cell's `data-value`). */
export async function metric(row: ReturnType<typeof resultRow>, name: string): Promise<number> {
  return Number(await row.locator(`[data-metric="${name}"]`).getAttribute('data-value'));
}

/** How many engine workers the page runs now (the chat's, and the benchmark's while it runs). */
export function engineWorkers(page: Page): number {
  return page.workers().filter((w) => /engine\.worker/.test(w.url())).length;
}
