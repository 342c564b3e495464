/**
 * Importing from a disk with no request: a GGUF equal to a catalog file becomes that model; one
 * that matches nothing is imported with its own metadata, takes an attached card and licence,
 * and chats; an MLC folder lands in web-llm's own layout; bad files change nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { derivativeBase, derivativeGguf } from '../fixtures/byoRepos';
import { makeProgrammedLlamaGguf, PROGRAMMED_REPLY } from '../fixtures/gguf';
import { makeFakeModelLib, makeMlcRepo, MODEL_LIB_FILE } from '../fixtures/mlc';
import { sha256 } from '../fixtures/sha256';
import { replies, sendMessage, waitForReply } from './chatHarness';
import { expect, expectModelReady, gotoView, idbContents, importDialog, importFiles, importFolder, importOutcome, modelRow, openApp, storedChunkedSha256, test } from './byoHarness';

async function accept(page: Page): Promise<void> {
  const dialog = page.getByTestId('licence-dialog');
  await dialog.getByRole('checkbox').check();
  await dialog.getByRole('button', { name: /^Accept/ }).click();
}

test('a GGUF equal to a catalog file becomes that model, verified, with no request; it chats', async ({ page, host }) => {
  const path = test.info().outputPath('copied-from-a-usb-stick.gguf');
  await writeFile(path, makeProgrammedLlamaGguf());
  await openApp(page, host);
  host.clearRequests();
  await importFiles(page, [path]);
  expect(await importOutcome(page)).toBe('known-hash');
  await expect(importDialog(page).getByTestId('import-result')).toContainText('Programmed Llama GGUF (test)');
  await expect(importDialog(page).getByTestId('import-result')).toContainText('no request to any host');
  expect(host.requests).toEqual([]);
  await importDialog(page).getByRole('button', { name: 'Done' }).click();
  const row = modelRow(page, 'Programmed-Llama-GGUF');
  await expect(row).toHaveAttribute('data-status', 'cached');
  await expect(row.getByTestId('origin-badge')).toHaveText('imported');
  expect(await storedChunkedSha256(page, 'Programmed-Llama-GGUF', 'programmed-llama-f32.gguf')).toBe(sha256(makeProgrammedLlamaGguf()));
  await row.getByRole('button', { name: 'Chat with this model' }).click();
  await accept(page);
  await expectModelReady(page, 'Programmed-Llama-GGUF');
  await sendMessage(page, 'Hello');
  await waitForReply(page);
  expect((await replies(page).last().getByTestId('message-body').innerText()).trim()).toBe(PROGRAMMED_REPLY);
  expect(host.requests).toEqual([]);
});

test('a GGUF that matches nothing is imported with its metadata shown, takes a card and licence, and chats', async ({ page, host }) => {
  const gguf = test.info().outputPath('my-fine-tune-F16.gguf');
  const card = test.info().outputPath('README.md');
  const licence = test.info().outputPath('LICENSE.txt');
  await writeFile(gguf, derivativeGguf(true));
  await writeFile(card, '---\nlicense: llama3.2\n---\n# My fine-tune\n\nTrained on my own notes.\n');
  await writeFile(licence, 'LLAMA 3.2 COMMUNITY LICENSE AGREEMENT (my copy)\n');
  await openApp(page, host);
  host.clearRequests();
  await importFiles(page, [gguf]);
  expect(await importOutcome(page)).toBe('none');
  const result = importDialog(page).getByTestId('import-result');
  await expect(result).toContainText('Imported as Hearth Derivative (F16, CPU), from a file');
  await expect(result.getByTestId('fact-architecture')).toHaveText('llama');
  await expect(result.getByTestId('fact-quantization')).toHaveText('F16');
  await expect(result.getByTestId('fact-context')).toHaveText('256 tokens');
  await expect(result.getByTestId('lineage-base')).toHaveText(derivativeBase);
  await expect(result.getByTestId('lineage-licence')).toContainText('Llama 3.2 Community License Agreement');
  await expect(result.getByTestId('fact-template')).toContainText('start_header_id', { useInnerText: false });
  await result.getByTestId('attach-card-input').setInputFiles(card);
  await expect(result.getByTestId('attached-model-card')).toContainText('README.md attached as the model card');
  await result.getByTestId('attach-licence-input').setInputFiles(licence);
  await expect(result.getByTestId('attached-licence')).toContainText('attached as the licence');
  await importDialog(page).getByRole('button', { name: 'Chat with this model' }).click();
  await accept(page);
  const id = `imported/${sha256(derivativeGguf(true)).slice(0, 16)}`;
  await expectModelReady(page, id);
  await sendMessage(page, 'Hello, fine-tune');
  await waitForReply(page);
  expect((await replies(page).last().getByTestId('message-body').innerText()).trim()).toBe(PROGRAMMED_REPLY);
  const panel = page.getByTestId('model-panel');
  await expect(panel.getByTestId('model-card')).toContainText('Trained on my own notes.');
  await expect(panel.locator('[data-testid="licence-text"][data-path="LICENSE"]')).toContainText('(my copy)', { useInnerText: false });
  await panel.getByText('Artifact', { exact: true }).click();
  await expect(panel.getByTestId('artifact-origin')).toHaveAttribute('data-origin', 'file');
  await expect(panel.getByTestId('artifact-origin')).toContainText('Imported from a file (my-fine-tune-F16.gguf)');
  expect(host.requests).toEqual([]);
});

test('an MLC folder equal to a catalog build lands in web-llm’s own layout with its library, verified, with no request', async ({ page, host }) => {
  const dir = test.info().outputPath('Tiny-Llama-MLC');
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of makeMlcRepo({ scale: 'tiny', seed: 1 })) await writeFile(join(dir, name), bytes);
  await writeFile(join(dir, MODEL_LIB_FILE), makeFakeModelLib(1));
  await openApp(page, host);
  host.clearRequests();
  await importFolder(page, dir);
  expect(await importOutcome(page)).toBe('known-hash');
  expect(host.requests).toEqual([]);
  await importDialog(page).getByRole('button', { name: 'Done' }).click();
  const entry = (await host.catalog()).find((e) => e.id === 'Tiny-Llama-MLC')!;
  const stored = await idbContents(page);
  for (const f of entry.files.filter((f) => f.role === 'weights' || f.role === 'tokenizer')) {
    expect(stored.webllm['webllm/model']).toContain(`${host.url}/${entry.source.repo}/resolve/${entry.source.revision}/${f.path}`);
  }
  expect(stored.webllm['webllm/wasm']).toContain(new URL(entry.modelLib!.url, `${host.url}/`).href);
  await expect(modelRow(page, 'Tiny-Llama-MLC')).toHaveAttribute('data-status', 'cached');
});

test('bad files change nothing: not a GGUF, an MLC folder with a missing shard, one part of a split GGUF', async ({ page, host }) => {
  const text = test.info().outputPath('notes.gguf');
  await writeFile(text, 'Meeting notes, not a model.');
  const dir = test.info().outputPath('broken-mlc');
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of makeMlcRepo({ scale: 'tiny', seed: 1 })) if (name !== 'params_shard_1.bin') await writeFile(join(dir, name), bytes);
  const part = test.info().outputPath('Model-Q8_0-00001-of-00002.gguf');
  await writeFile(part, derivativeGguf(false));
  await openApp(page, host);
  await importFiles(page, [text]);
  await expect(importDialog(page).locator('[data-error="InputError"]')).toContainText('notes.gguf is not a GGUF file');
  await importFolder(page, dir);
  await expect(importDialog(page).locator('[data-error="InputError"]')).toContainText('lacks a file the model needs: params_shard_1.bin');
  await importFiles(page, [part]);
  await expect(importDialog(page).locator('[data-error="InputError"]')).toContainText('Model-Q8_0-00002-of-00002.gguf');
  const stored = await idbContents(page);
  expect(stored.models).toEqual([]);
  expect(stored.chunks).toEqual([]);
  expect(host.requests.filter((r) => r.file)).toEqual([]);
});

test('a GGUF dropped on the models view is imported', async ({ page, host }) => {
  await openApp(page, host);
  await gotoView(page, 'Models');
  const bytes = [...makeProgrammedLlamaGguf()];
  await page.locator('.models-view').evaluate((view, bytes) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], 'dropped.gguf'));
    view.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    view.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, bytes);
  expect(await importOutcome(page)).toBe('known-hash');
  await expect(importDialog(page).getByTestId('import-result')).toContainText('Programmed Llama GGUF (test)');
});
