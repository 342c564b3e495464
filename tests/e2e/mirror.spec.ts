/**
 * A mirror for an organisation: `npm run mirror` copies models from the Hugging Face–like test
 * host into a directory, a plain static file server that knows nothing of Hearth serves it
 * (under a path, as an intranet server might), and the user sets it as the model host in
 * Settings. The browser downloads from it alone, verifies and chats; an MLC build comes with its
 * library; "add from a repository" reads the mirror's static revision and tree answers.
 */
import { execFile } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { promisify } from 'node:util';
import { derivativeFiles, derivativeRepo } from '../fixtures/byoRepos';
import { PROGRAMMED_REPLY } from '../fixtures/gguf';
import { startStaticServer, type StaticServer } from '../fixtures/staticServer';
import { replies, sendMessage, waitForReply } from './chatHarness';
import { acceptLicenceIfAsked, addDialog, expect, expectCached, expectModelReady, gotoView, lookUpRepo, modelRow, openApp, test } from './byoHarness';
import { withWebGpu } from './storeHarness';

// The MLC build can be downloaded only where WebGPU exists (SwiftShader here).
test.use(withWebGpu);

let mirror: StaticServer | undefined;
test.afterEach(async () => {
  await mirror?.close();
  mirror = undefined;
});

test('a mirror made with npm run mirror, served by a plain static server, is a model host: download, verify, chat', async ({ page, host }) => {
  const out = test.info().outputPath('intranet-models');
  const derivativeF16 = `${derivativeRepo}/${derivativeFiles.f16.replace('.gguf', '')}`;
  await promisify(execFile)('node_modules/.bin/tsx', ['scripts/mirror.ts', 'Programmed-Llama-GGUF', 'Tiny-Llama-MLC-unpinned', derivativeRepo, '--out', out, '--host', host.url]);
  mirror = await startStaticServer(dirname(out));
  const mirrorUrl = `${mirror.url}/${basename(out)}`;

  await openApp(page, host);
  // From here on the upstream host is gone: every byte must come from the mirror.
  host.setOffline(true);
  host.clearRequests();
  await gotoView(page, 'Settings');
  await page.getByLabel('Hugging Face–compatible host or mirror').fill(mirrorUrl);
  await page.getByRole('button', { name: 'Use this host' }).click();
  await expect(page.getByTestId('model-host')).toHaveText(mirrorUrl);

  await gotoView(page, 'Models');
  for (const id of ['Programmed-Llama-GGUF', 'Tiny-Llama-MLC-unpinned', derivativeF16]) await expect(modelRow(page, id).getByTestId('origin-badge')).toHaveText('mirror');
  await modelRow(page, 'Programmed-Llama-GGUF').getByRole('button', { name: /^Download/ }).click();
  await acceptLicenceIfAsked(page);
  await expectCached(page, 'Programmed-Llama-GGUF');
  await modelRow(page, 'Tiny-Llama-MLC-unpinned').getByRole('button', { name: /^Download/ }).click();
  await acceptLicenceIfAsked(page);
  await expectCached(page, 'Tiny-Llama-MLC-unpinned');
  await modelRow(page, 'Tiny-Llama-MLC-unpinned').getByRole('button', { name: /^Verify/ }).click();
  await expect(modelRow(page, 'Tiny-Llama-MLC-unpinned').getByTestId('check')).toHaveAttribute('data-ok', 'true');
  // The library came from the mirror too, pinned by the catalog the mirror wrote.
  expect(mirror.requests.some((r) => r.path.endsWith('.wasm') && r.status === 200)).toBe(true);

  await modelRow(page, 'Programmed-Llama-GGUF').getByRole('button', { name: 'Chat with this model' }).click();
  await expectModelReady(page, 'Programmed-Llama-GGUF');
  await sendMessage(page, 'Hello from the intranet');
  await waitForReply(page);
  expect((await replies(page).last().getByTestId('message-body').innerText()).trim()).toBe(PROGRAMMED_REPLY);
  const panel = page.getByTestId('model-panel');
  await panel.getByText('Artifact', { exact: true }).click();
  await expect(panel.getByTestId('artifact-origin')).toHaveAttribute('data-origin', 'mirror');
  await expect(panel.getByTestId('artifact-origin')).toContainText(`A mirror of ${new URL(host.url).host}`);

  // "Add from a repository" on the mirror: the revision and tree answers are static files.
  await lookUpRepo(page, derivativeRepo);
  await expect(addDialog(page).getByRole('radio', { name: /F16/ })).toBeVisible();
  await expect(addDialog(page).getByRole('radio', { name: /F32/ })).toBeVisible();

  expect(host.requests).toEqual([]);
  expect(mirror.requests.filter((r) => r.status >= 400)).toEqual([]);
});
