/**
 * Carrying a model to another machine: export it to files (a GGUF, or an MLC folder with its
 * library, and hearth-export.json), then import them in a fresh profile with the network off:
 * the same hashes, and the chat works (real tokens through wllama).
 */
import { derivativeFiles, derivativeRepo } from '../fixtures/byoRepos';
import { PROGRAMMED_REPLY } from '../fixtures/gguf';
import { replies, sendMessage, waitForReply } from './chatHarness';
import {
  acceptLicenceIfAsked,
  addDialog,
  copyExportOut,
  expect,
  expectCached,
  expectModelReady,
  freshOfflineProfile,
  importDialog,
  importFolder,
  importOutcome,
  lookUpRepo,
  modelRow,
  openApp,
  pickFoldersInOpfs,
  storedChunkedSha256,
  test,
} from './byoHarness';

test('a model added from a repository, exported, imports on a fresh profile with the network off: same hashes, and it chats', async ({
  page,
  host,
  browser,
  context,
}) => {
  await pickFoldersInOpfs(context);
  await openApp(page, host);
  await lookUpRepo(page, derivativeRepo);
  await addDialog(page).getByRole('radio', { name: /F16/ }).check();
  await addDialog(page).getByRole('button', { name: 'Add and download' }).click();
  await acceptLicenceIfAsked(page);
  const id = `${derivativeRepo}/${derivativeFiles.f16.replace('.gguf', '')}`;
  await expectCached(page, id);
  const sha = await storedChunkedSha256(page, id, derivativeFiles.f16);
  await modelRow(page, id)
    .getByRole('button', { name: /^Export/ })
    .click();
  await expect(modelRow(page, id).getByTestId('export-status')).toHaveAttribute('data-state', 'done');
  const dir = test.info().outputPath('usb-stick');
  const names = await copyExportOut(page, id.replace(/[^A-Za-z0-9._-]+/g, '_'), dir);
  expect(names).toEqual([derivativeFiles.f16, 'LICENSE', 'README.md', 'hearth-export.json'].sort());

  const other = await browser.newContext();
  try {
    const fresh = await freshOfflineProfile(other, host);
    await importFolder(fresh, dir);
    expect(await importOutcome(fresh)).toBe('export-manifest');
    await expect(importDialog(fresh).getByTestId('import-result')).toContainText(
      'every file matches the SHA-256 in its export manifest',
    );
    expect(await storedChunkedSha256(fresh, id, derivativeFiles.f16)).toBe(sha);
    await importDialog(fresh).getByRole('button', { name: 'Chat with this model' }).click();
    const licence = fresh.getByTestId('licence-dialog');
    await licence.getByRole('checkbox').check();
    await licence.getByRole('button', { name: 'Accept' }).click();
    await expectModelReady(fresh, id);
    await sendMessage(fresh, 'Hello from the other machine');
    await waitForReply(fresh);
    expect((await replies(fresh).last().getByTestId('message-body').innerText()).trim()).toBe(
      PROGRAMMED_REPLY,
    );
    const panel = fresh.getByTestId('model-panel');
    await panel.getByText('Artifact', { exact: true }).click();
    await expect(panel.getByTestId('artifact-origin')).toHaveAttribute('data-origin', 'repository');
    await expect(panel.getByTestId('artifact-source')).toHaveAttribute('data-acquired', 'import');
    await expect(panel.getByTestId('artifact-source')).toContainText(
      'every SHA-256 matched the export manifest',
    );
    expect(host.requests).toEqual([]);
  } finally {
    await other.close();
  }
});
