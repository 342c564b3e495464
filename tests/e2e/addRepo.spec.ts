/**
 * Adding a model from a Hugging Face repository: a Llama 3.2 derivative with two GGUF
 * quantizations and a card naming its Meta base model goes through the licence gate, downloads,
 * verifies and chats, with its provenance in the panel and the BOM; every bad input is a typed
 * error in plain words that changes nothing.
 */
import { readFile } from 'node:fs/promises';
import { derivativeBase, derivativeFiles, derivativeGguf, derivativeRepo } from '../fixtures/byoRepos';
import { PROGRAMMED_REPLY } from '../fixtures/gguf';
import { validateCycloneDx16 } from '../fixtures/cyclonedx';
import { sha256 } from '../fixtures/sha256';
import { replies, sendMessage, waitForReply } from './chatHarness';
import { acceptLicenceIfAsked, addDialog, expect, expectCached, expectModelReady, gotoView, lookUpRepo, modelRow, openApp, storedChunkedSha256, test } from './byoHarness';

const entryId = `${derivativeRepo}/${derivativeFiles.f32.replace('.gguf', '')}`;

test('a derivative repository: its card and quantizations, the licence gate, download, verification, chat, provenance in the panel and the BOM', async ({ page, host }) => {
  await openApp(page, host);
  await lookUpRepo(page, `${host.url}/${derivativeRepo}`);
  const summary = addDialog(page).getByTestId('repo-summary');
  await expect(summary.getByTestId('repo-commit')).toHaveText(host.commits.get(derivativeRepo) as string);
  await expect(summary.getByTestId('lineage-base')).toHaveText(derivativeBase);
  await expect(summary.getByTestId('lineage-licence')).toContainText('Llama 3.2 Community License Agreement');
  await expect(summary.getByTestId('lineage-tags')).toHaveText('llama, fine-tune, hearth-test');
  const choices = addDialog(page).locator('[data-choice]');
  await expect(choices).toHaveCount(2);
  await expect(addDialog(page).locator('[data-choice="F16"]')).toContainText(new RegExp(`F16 · \\d+ KB\\s*${derivativeFiles.f16}`));
  await addDialog(page).getByRole('radio', { name: /F32/ }).check();
  host.clearRequests();
  await addDialog(page).getByRole('button', { name: 'Add and download' }).click();

  // The licence gate names the derivative's base model and where it comes from, before any byte.
  const licence = page.getByTestId('licence-dialog');
  await expect(licence.getByTestId('licence-lineage')).toContainText(derivativeBase);
  await expect(licence.getByTestId('licence-lineage')).toContainText(`A repository you added: ${derivativeRepo} at commit ${host.commits.get(derivativeRepo)}`);
  await expect(licence).toContainText('a derivative of a Meta Llama model, bound by the Llama 3.2 Community License Agreement');
  expect(host.requests.filter((r) => r.hop === 'cdn')).toEqual([]);
  await acceptLicenceIfAsked(page);
  await expectCached(page, entryId);
  await expectModelReady(page, entryId);
  const row = modelRow(page, entryId);
  await expect(row.getByTestId('origin-badge')).toHaveText('added by you');
  expect(await storedChunkedSha256(page, entryId, derivativeFiles.f32)).toBe(sha256(derivativeGguf(false)));
  await row.getByRole('button', { name: /^Verify/ }).click();
  await expect(row.getByTestId('check')).toHaveAttribute('data-ok', 'true');

  await gotoView(page, 'Chat');
  await sendMessage(page, 'Hello, derivative');
  await waitForReply(page);
  expect((await replies(page).last().getByTestId('message-body').innerText()).trim()).toBe(PROGRAMMED_REPLY);

  const panel = page.getByTestId('model-panel');
  await panel.getByText('Artifact', { exact: true }).click();
  await expect(panel.getByTestId('artifact-origin')).toHaveAttribute('data-origin', 'repository');
  await expect(panel.getByTestId('artifact-origin')).toContainText(`${derivativeRepo} at commit ${host.commits.get(derivativeRepo)}`);
  await expect(panel.getByTestId('lineage-base')).toHaveText(derivativeBase);
  await expect(panel.getByTestId('licence-derivative')).toContainText(`Derived from ${derivativeBase}`);
  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: /Export bill of materials/ }).click();
  const text = await readFile(await (await download).path(), 'utf8');
  expect(await validateCycloneDx16(text)).toBeNull();
  const model = (JSON.parse(text) as { components: { type: string; properties: { name: string; value: string }[]; pedigree?: { ancestors: { name: string }[] }; components: { name: string; hashes: { content: string }[] }[] }[] }).components[0];
  const props = Object.fromEntries(model.properties.map((p) => [p.name, p.value]));
  expect(props).toMatchObject({ 'hearth:origin': 'repository', 'hearth:origin.commit': host.commits.get(derivativeRepo), 'hearth:baseModel': derivativeBase, 'hearth:declaredLicence': 'llama3.2' });
  expect(model.pedigree?.ancestors.map((a) => a.name)).toEqual([derivativeBase]);
  expect(model.components.find((c) => c.name === derivativeFiles.f32)?.hashes[0].content).toBe(sha256(derivativeGguf(false)));

  // Saved on this device: still listed after a reload, and removable.
  await page.reload();
  await gotoView(page, 'Models');
  await modelRow(page, entryId).getByRole('button', { name: /^Delete/ }).click();
  await page.getByTestId('delete-model-dialog').getByRole('button', { name: 'Remove model' }).click();
  await expect(modelRow(page, entryId)).toHaveCount(0);
  await page.reload();
  await gotoView(page, 'Models');
  await expect(modelRow(page, entryId)).toHaveCount(0);
});

test('an MLC repository whose architecture has a known library is accepted and saved', async ({ page, host }) => {
  await openApp(page, host);
  await lookUpRepo(page, 'hearth-test/Tiny-Derivative-MLC');
  await expect(addDialog(page).locator('[data-choice]')).toHaveCount(1);
  await addDialog(page).getByRole('button', { name: 'Add', exact: true }).click();
  await expect(addDialog(page)).toBeHidden();
  const row = modelRow(page, 'hearth-test/Tiny-Derivative-MLC');
  await expect(row).toBeVisible();
  await expect(page.locator('section[aria-labelledby="added-models"]')).toContainText('Tiny Derivative');
  await expect(row).toContainText('q4f32_1 · GPU (WebGPU)');
});
