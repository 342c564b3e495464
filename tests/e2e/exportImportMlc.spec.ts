/**
 * Carrying an MLC build to another machine: exported as a folder with its library (as downloads,
 * where the browser has no folder picker), imported on a fresh profile with the network off
 * into web-llm's own layout, verified, with no request.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  expect,
  expectCached,
  expectReady,
  freshOfflineProfile,
  idbContents,
  importDialog,
  importFolder,
  importOutcome,
  modelRow,
  openApp,
  test,
  acceptLicenceIfAsked,
} from './byoHarness';
import { withWebGpu } from './storeHarness';

// WebGPU (SwiftShader) is needed to download an MLC build at all.
test.use(withWebGpu);

test('exports as a folder with its library (as downloads, where there is no folder picker) and imports on a fresh profile offline into web-llm’s layout', async ({
  page,
  host,
  browser,
  context,
}) => {
  await context.addInitScript(
    () => delete (window as unknown as { showDirectoryPicker?: unknown }).showDirectoryPicker,
  );
  await openApp(page, host);
  const id = 'Tiny-Llama-MLC-unpinned';
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Models' }).click();
  await modelRow(page, id)
    .getByRole('button', { name: /^Download/ })
    .click();
  await acceptLicenceIfAsked(page);
  await expectCached(page, id);
  const dir = test.info().outputPath('mlc-export');
  await mkdir(dir, { recursive: true });
  const saved: Promise<void>[] = [];
  page.on('download', (d) => saved.push(d.saveAs(join(dir, d.suggestedFilename()))));
  await modelRow(page, id)
    .getByRole('button', { name: /^Export/ })
    .click();
  await expect(modelRow(page, id).getByTestId('export-status')).toHaveAttribute('data-state', 'done', {
    timeout: 60_000,
  });
  await Promise.all(saved);
  const before = await idbContents(page);

  const other = await browser.newContext();
  try {
    const fresh = await freshOfflineProfile(other, host);
    await importFolder(fresh, dir);
    expect(await importOutcome(fresh)).toBe('export-manifest');
    await importDialog(fresh).getByRole('button', { name: 'Done' }).click();
    await expect(modelRow(fresh, id)).toHaveAttribute('data-status', 'cached');
    const after = await idbContents(fresh);
    // The same keys web-llm reads, so it finds every file and makes no request.
    for (const scope of ['webllm/model', 'webllm/config', 'webllm/wasm'])
      expect(after.webllm[scope].sort()).toEqual(before.webllm[scope].sort());
    await modelRow(fresh, id)
      .getByRole('button', { name: /^Verify/ })
      .click();
    await expect(modelRow(fresh, id).getByTestId('check')).toHaveAttribute('data-ok', 'true');
    expect(host.requests).toEqual([]);
    await expectReady(fresh);
  } finally {
    await other.close();
  }
});
