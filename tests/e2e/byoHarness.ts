/**
 * Bringing your own model, driven as a user does: the models view's "Add from a repository"
 * and "Import from disk" dialogs, against the Hugging Face–like host serving the
 * bring-your-own repositories (tests/fixtures/byoRepos.ts) beside the default test models.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { byoRepos } from '../fixtures/byoRepos';
import { defaultTestRepos, startModelHost, type ModelHost, type TestRepo } from '../fixtures/modelHost';
import { test as base, expect, gotoView, openApp } from './harness';

export {
  acceptLicenceIfAsked,
  engineStatus,
  expect,
  expectCached,
  expectModelReady,
  expectReady,
  gotoView,
  idbContents,
  modelRow,
  openApp,
  storedChunkedSha256,
} from './harness';

export const test = base.extend<{ host: ModelHost; extraRepos: TestRepo[] }>({
  extraRepos: [[], { option: true }],
  host: async ({ extraRepos }, use) => {
    const host = await startModelHost({
      port: 0,
      repos: [...defaultTestRepos(), ...byoRepos(), ...extraRepos],
      huggingFace: true,
    });
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
  if (!(await addDialog(page).isVisible()))
    await page.getByRole('button', { name: 'Add from a repository…' }).click();
  await addDialog(page)
    .getByLabel(/Repository id or address/)
    .fill(input);
  await addDialog(page).getByRole('button', { name: 'Look up' }).click();
  await expect(addDialog(page).getByRole('button', { name: 'Look up' })).toBeEnabled();
}

/** Opens "Import from disk" and picks files (GGUF, docs, an export manifest). */
export async function importFiles(page: Page, paths: string[]): Promise<void> {
  await gotoView(page, 'Models');
  if (!(await importDialog(page).isVisible()))
    await page.getByRole('button', { name: 'Import from disk…' }).click();
  await importDialog(page).getByTestId('import-file-input').setInputFiles(paths);
}

/** Opens "Import from disk" and picks a folder (an MLC build, an export). */
export async function importFolder(page: Page, dir: string): Promise<void> {
  await gotoView(page, 'Models');
  if (!(await importDialog(page).isVisible()))
    await page.getByRole('button', { name: 'Import from disk…' }).click();
  await importDialog(page).getByTestId('import-folder-input').setInputFiles(dir);
}

/** Waits for the import to end and returns how it was recognised (`known-hash`, `export-manifest`, `none`). */
export async function importOutcome(page: Page, timeout = 60_000): Promise<string> {
  const result = importDialog(page).getByTestId('import-result');
  await expect(result.or(importDialog(page).locator('[data-error]'))).toBeVisible({ timeout });
  if (!(await result.count())) return 'error';
  return (await result.getAttribute('data-matched')) ?? 'error';
}

/** Requests for model files (either hop) the host saw. */
export function fileHits(host: ModelHost): string[] {
  return host.requests
    .filter((r) => r.file && (r.hop === 'cdn' || r.path.includes('/resolve')))
    .map((r) => r.path);
}

/** The folder picker answers with a folder of the origin's private file system (the real File System Access API). */
export async function pickFoldersInOpfs(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    (
      window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
    ).showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('picked', { create: true });
  });
}

/** Copies what the export wrote into the picked folder out to `dir` on disk. */
export async function copyExportOut(page: Page, folder: string, dir: string): Promise<string[]> {
  const files = await page.evaluate(async (folder) => {
    const root = await (
      await (await navigator.storage.getDirectory()).getDirectoryHandle('picked')
    ).getDirectoryHandle(folder);
    const out: { name: string; base64: string }[] = [];
    for await (const [name, handle] of (
      root as unknown as { entries(): AsyncIterable<[string, FileSystemFileHandle]> }
    ).entries()) {
      const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000)
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      out.push({ name, base64: btoa(binary) });
    }
    return out;
  }, folder);
  await mkdir(dir, { recursive: true });
  for (const f of files) await writeFile(join(dir, f.name), Buffer.from(f.base64, 'base64'));
  return files.map((f) => f.name).sort();
}

/** A new profile that has opened the app once (so it runs offline), then lost the network. */
export async function freshOfflineProfile(context: BrowserContext, host: ModelHost): Promise<Page> {
  const page = await context.newPage();
  await openApp(page, host);
  await page.evaluate(() => navigator.serviceWorker.ready);
  host.clearRequests();
  await context.setOffline(true);
  host.setOffline(true);
  return page;
}
