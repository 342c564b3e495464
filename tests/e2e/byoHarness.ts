/**
 * Bringing your own model, driven as a user does: the models view's "Add from a repository"
 * and "Import from disk" dialogs, against the Hugging Face–like host serving the
 * bring-your-own repositories (tests/fixtures/byoRepos.ts) beside the default test models.
 */
import type { Page } from '@playwright/test';
import { byoRepos } from '../fixtures/byoRepos';
import { defaultTestRepos, startModelHost, type ModelHost, type TestRepo } from '../fixtures/modelHost';
import { test as base, expect, gotoView } from './harness';

export { acceptLicenceIfAsked, engineStatus, expect, expectCached, expectModelReady, gotoView, idbContents, modelRow, openApp, storedChunkedSha256 } from './harness';

export const test = base.extend<{ host: ModelHost; extraRepos: TestRepo[] }>({
  extraRepos: [[], { option: true }],
  host: async ({ extraRepos }, use) => {
    const host = await startModelHost({ port: 0, repos: [...defaultTestRepos(), ...byoRepos(), ...extraRepos], huggingFace: true });
    await use(host);
    await host.close();
  },
});

/** The add dialog. */
export const addDialog = (page: Page) => page.getByTestId('add-model-dialog');
/** The import dialog. */
export const importDialog = (page: Page) => page.getByTestId('import-dialog');

/** Opens "Add from a repository", types the repository and looks it up. */
export async function lookUpRepo(page: Page, input: string): Promise<void> {
  await gotoView(page, 'Models');
  if (!(await addDialog(page).isVisible())) await page.getByRole('button', { name: 'Add from a repository…' }).click();
  await addDialog(page).getByLabel(/Repository id or address/).fill(input);
  await addDialog(page).getByRole('button', { name: 'Look up' }).click();
  await expect(addDialog(page).getByRole('button', { name: 'Look up' })).toBeEnabled();
}

/** Opens "Import from disk" and picks files (GGUF, docs, an export manifest). */
export async function importFiles(page: Page, paths: string[]): Promise<void> {
  await gotoView(page, 'Models');
  if (!(await importDialog(page).isVisible())) await page.getByRole('button', { name: 'Import from disk…' }).click();
  await importDialog(page).getByTestId('import-file-input').setInputFiles(paths);
}

/** Opens "Import from disk" and picks a folder (an MLC build, an export). */
export async function importFolder(page: Page, dir: string): Promise<void> {
  await gotoView(page, 'Models');
  if (!(await importDialog(page).isVisible())) await page.getByRole('button', { name: 'Import from disk…' }).click();
  await importDialog(page).getByTestId('import-folder-input').setInputFiles(dir);
}

/** Waits for the import to end and returns how it was recognised (`known-hash`, `export-manifest`, `none`). */
export async function importOutcome(page: Page): Promise<string> {
  const result = importDialog(page).getByTestId('import-result');
  await expect(result.or(importDialog(page).locator('[data-error]'))).toBeVisible({ timeout: 60_000 });
  return (await result.getAttribute('data-matched')) ?? 'error';
}

/** Requests for model files (either hop) the host saw. */
export function fileHits(host: ModelHost): string[] {
  return host.requests.filter((r) => r.file && (r.hop === 'cdn' || r.path.includes('/resolve'))).map((r) => r.path);
}
