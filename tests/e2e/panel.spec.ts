import wllamaPackage from '@wllama/wllama/package.json' with { type: 'json' };
import { readFile } from 'node:fs/promises';
import { Template } from '@huggingface/jinja';
import { LLAMA32_CHAT_TEMPLATE, PROGRAMMED_REPLY } from '../fixtures/gguf';
import { validateCycloneDx16 } from '../fixtures/cyclonedx';
import { openChatWith, replies, sendMessage, waitForReply, withChatSettings } from './chatHarness';
import { engineStatus, expect, expectModelReady, storedChunkedSha256, test, testModels } from './harness';

const panel = (page: import('@playwright/test').Page) => page.getByTestId('model-panel');

test('the panel shows the model card and licence texts stored with the model, also with the network gone', async ({ page, host, context }) => {
  await openChatWith(page, host, testModels.programmed);
  await expect(panel(page).getByTestId('model-card')).toContainText('Programmed Llama GGUF (test)');
  // The README's markdown table is rendered, not shown as source.
  await expect(panel(page).getByTestId('model-card').locator('table')).toBeVisible();
  // Its YAML front matter is shown as facts, never rendered as a heading of Markdown.
  await expect(panel(page).getByTestId('card-metadata')).toContainText('license');
  await expect(panel(page).getByTestId('card-metadata')).toContainText('llama3.2');
  await expect(panel(page).getByTestId('model-card')).not.toContainText('license:');
  await expect(panel(page).getByTestId('model-card').locator('h2', { hasText: 'license' })).toHaveCount(0);
  await expect(panel(page).getByTestId('context-in-use')).toContainText('256 tokens in use, of 256 trained');
  const licenceText = panel(page).locator('[data-testid="licence-text"][data-path="LICENSE"]');
  await expect(licenceText).toContainText('LLAMA 3.2 COMMUNITY LICENSE AGREEMENT', { useInnerText: false });
  await expect(panel(page).getByTestId('licence-acceptance')).toContainText('Accepted on this device');
  await expect(panel(page).getByTestId('licence-acceptance')).toContainText('licence version 3.2');
  await expect(panel(page).getByTestId('attribution')).toContainText('Built with Llama');

  // No network: the texts come from the verified store, not the host.
  await context.setOffline(true);
  await host.close();
  // Load it again from the header's model menu: the engine reads the verified store only.
  await page.getByRole('button', { name: /^Switch model/ }).click();
  await page.getByRole('menuitemradio', { name: /Programmed Llama GGUF/ }).click();
  await expect(engineStatus(page)).toHaveAttribute('data-state', 'loading');
  await expectModelReady(page, testModels.programmed);
  await expect(panel(page).getByTestId('model-card')).toContainText('Programmed Llama GGUF (test)');
  await expect(licenceText).toContainText('LLAMA 3.2 COMMUNITY LICENSE AGREEMENT', { useInnerText: false });
  await expect(panel(page).locator('[data-testid="licence-text"][data-path="USE_POLICY.md"]')).toHaveCount(1);
  await context.setOffline(false);
});

test('the raw prompt view is exactly what the engine received', async ({ page, host }) => {
  await openChatWith(page, host, testModels.programmed);
  await withChatSettings(page, async () => {
    await page.getByLabel('System prompt').fill('You are terse.');
    await page.getByLabel('System prompt').dispatchEvent('change');
    // The test models read 256 tokens: leave room for the whole conversation (the reply is 15).
    await page.getByLabel('Max new tokens', { exact: true }).fill('32');
    await page.getByLabel('Max new tokens', { exact: true }).dispatchEvent('change');
  });
  await sendMessage(page, 'First question');
  await waitForReply(page);
  await sendMessage(page, 'Second question');
  await waitForReply(page);
  await expect(replies(page).last().getByTestId('message-body')).toHaveText(PROGRAMMED_REPLY);

  await panel(page).getByTestId('raw-prompt-view').locator('summary').click();
  const raw = (await panel(page).getByTestId('raw-prompt').textContent()) ?? '';
  // Rendered independently in Node from the template the GGUF was written with.
  const expected = new Template(LLAMA32_CHAT_TEMPLATE).render({
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: PROGRAMMED_REPLY },
      { role: 'user', content: 'Second question' },
    ],
    add_generation_prompt: true,
    bos_token: '',
    eos_token: '',
  });
  expect(raw).toBe(expected);
  expect(raw.endsWith('<|start_header_id|>assistant<|end_header_id|>\n\n')).toBe(true);
  // Special tokens are marked.
  await expect(panel(page).getByTestId('raw-prompt').locator('mark', { hasText: '<|eot_id|>' }).first()).toBeVisible();
  // The token count is llama.cpp's own count for that text, the same the reply's stats report.
  const stats = (await replies(page).last().getByTestId('reply-stats').textContent()) ?? '';
  const promptTokens = /(\d+) prompt/.exec(stats)?.[1];
  await expect(panel(page).getByTestId('raw-prompt-tokens')).toHaveText(`${promptTokens} tokens.`);
  await expect(panel(page).getByTestId('raw-prompt-added')).toHaveText('<|begin_of_text|>');
  await expect(panel(page).getByTestId('chat-template')).toContainText('start_header_id', { useInnerText: false });
});

test('the bill of materials validates against CycloneDX 1.6 and its hashes are the stored files', async ({ page, host }) => {
  await openChatWith(page, host, testModels.programmed);
  await panel(page).getByText('Artifact', { exact: true }).click();
  await expect(panel(page).getByTestId('artifact-source')).toContainText(/hearth-test\/Programmed-Llama-GGUF at [0-9a-f]{40}/);
  const download = page.waitForEvent('download');
  await panel(page).getByRole('button', { name: /Export bill of materials/ }).click();
  const file = await (await download).path();
  const text = await readFile(file, 'utf8');
  expect(await validateCycloneDx16(text)).toBeNull();

  const bom = JSON.parse(text) as {
    components: { type: string; name: string; version: string; licenses?: { license: { name: string } }[]; components?: { name: string; hashes: { alg: string; content: string }[] }[] }[];
  };
  const model = bom.components.find((c) => c.type === 'machine-learning-model');
  expect(model?.name).toBe(testModels.programmed);
  expect(model?.licenses?.[0].license.name).toContain('Llama 3.2 Community License');
  const files = model?.components ?? [];
  expect(files.map((f) => f.name).sort()).toEqual(['LICENSE', 'README.md', 'USE_POLICY.md', 'programmed-llama-f32.gguf']);
  for (const f of files) {
    expect(f.hashes[0].alg).toBe('SHA-256');
    expect(f.hashes[0].content).toBe(await storedChunkedSha256(page, testModels.programmed, f.name));
    // The panel shows each hash short, on one line, with its full value a copy away.
    const row = panel(page).locator(`tr[data-file="${f.name}"]`);
    await expect(row.locator('code[data-hash]')).toHaveAttribute('data-hash', f.hashes[0].content);
    await expect(row.locator('code[data-hash]')).toHaveText(`${f.hashes[0].content.slice(0, 8)}…${f.hashes[0].content.slice(-4)}`);
    await expect(row.getByRole('button', { name: `Copy the SHA-256 of ${f.name}` })).toBeVisible();
  }
  expect(bom.components.find((c) => c.type === 'library')).toMatchObject({ name: '@wllama/wllama', version: wllamaPackage.version });
});
