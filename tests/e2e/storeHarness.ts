/**
 * The store's browser tests run against a Hugging Face–like host (LFS files 302 to a CDN on a
 * second port, small files 307, paginated tree, unpinned entries) and drive the app only
 * through the helpers here and in harness.ts, so a new page layout changes these files alone.
 */
import type { Page } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../playwright.config';
import { defaultTestRepos, startModelHost, unpinnedSuffix, type ModelHost, type TestRepo } from '../fixtures/modelHost';
import { test as base, expect, expectModelReady, expectReady, gotoView, modelRow, openApp as openAppAt } from './harness';

export { expect, expectCached, expectModelReady, idbContents, modelRow, startDownload, storedChunkedSha256 } from './harness';

/** Opens the app pointed at the host, on its models view (where the store shows). */
export async function openApp(page: Page, host: ModelHost): Promise<void> {
  await openAppAt(page, host);
  await gotoView(page, 'Models');
}

/** Reloads the page and comes back to the models view. */
export async function reloadApp(page: Page): Promise<void> {
  await page.reload();
  await backOnModels(page);
}

/** After a reload: waits until the app is ready, on its models view. */
export async function backOnModels(page: Page): Promise<void> {
  await expectReady(page);
  await gotoView(page, 'Models');
}

/** Deletes a model from the models view, confirming in the dialog. */
export async function deleteFromDevice(page: Page, id: string): Promise<void> {
  await gotoView(page, 'Models');
  await modelRow(page, id).getByRole('button', { name: /^Delete/ }).click();
  await page.getByTestId('delete-model-dialog').getByRole('button', { name: 'Delete model' }).click();
}

/** Deletes every model from the settings view, confirming, and comes back to the models view. */
export async function deleteAllModels(page: Page): Promise<void> {
  await gotoView(page, 'Settings');
  await page.getByRole('button', { name: 'Delete all models…' }).click();
  await page.getByRole('button', { name: 'Yes, delete all models' }).click();
  await expect(page.getByTestId('delete-all-outcome')).toHaveAttribute('data-outcome', 'deleted');
  await gotoView(page, 'Models');
}

/** Loads a stored model from the header's model menu and waits until it is ready. */
export async function loadFromHeader(page: Page, id: string, name: RegExp): Promise<void> {
  await page.getByRole('button', { name: /^Switch model/ }).click();
  await page.getByRole('menuitemradio', { name }).click();
  await expectModelReady(page, id);
}

/** The test models, pinned and as the built-in entries are (unpinned: resolved through the host's API). */
export const storeModels = {
  mlc: 'Tiny-Llama-MLC',
  gguf: 'Tiny-Llama-GGUF',
  programmed: 'Programmed-Llama-GGUF',
  mlcUnpinned: `Tiny-Llama-MLC${unpinnedSuffix}`,
  ggufUnpinned: `Tiny-Llama-GGUF${unpinnedSuffix}`,
} as const;

/**
 * Launch options for the store's specs (`test.use(withWebGpu)` in each file): the MLC (WebGPU)
 * builds can be downloaded only where WebGPU exists, which headless Chromium offers through
 * SwiftShader with this flag. (Loading them then fails: the test model library is fake.)
 */
export const withWebGpu = { launchOptions: { executablePath: chromiumPath, args: [...chromiumArgs, '--enable-unsafe-webgpu'] } };

export const test = base.extend<{ host: ModelHost; extraRepos: TestRepo[] }>({
  /** Repositories a test serves besides the default ones (`test.use({ extraRepos })`). */
  extraRepos: [[], { option: true }],
  host: async ({ extraRepos }, use) => {
    const host = await startModelHost({ port: 0, repos: [...defaultTestRepos(), ...extraRepos], huggingFace: true });
    await use(host);
    await host.close();
  },
});

/** Requests that carried a file's bytes (the CDN hop for LFS files, the resolve cache for small ones), in order. */
export function servedFiles(host: ModelHost): { path: string; range?: string; status: number }[] {
  return host.requests
    .filter((r) => r.file && (r.hop === 'cdn' || r.path.startsWith('/api/resolve-cache/')))
    .map((r) => ({ path: r.file as string, range: r.range, status: r.status }));
}

/** Every byte-serving request for one file. */
export function servedFor(host: ModelHost, path: string): { path: string; range?: string; status: number }[] {
  return servedFiles(host).filter((r) => r.path === path);
}

/** The typed error shown on a model's row, by name. */
export function rowError(page: Page, id: string, name: string) {
  return page.locator(`[data-model="${id}"] [data-error="${name}"]`);
}

/** Waits until the store holds a partial record of a file (bytes stored, not yet verified). */
export async function waitForPartial(page: Page, suffix: string): Promise<void> {
  const { idbContents } = await import('./harness');
  for (let i = 0; i < 300; i++) {
    if ((await idbContents(page)).partials.some((k) => k.endsWith(suffix))) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`no partial of ${suffix}`);
}
