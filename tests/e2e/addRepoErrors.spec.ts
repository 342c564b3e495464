/**
 * Every bad input to "Add from a repository" gets a typed error in plain words and changes
 * nothing: no entry saved, no model file requested.
 */
import { hugeRepo } from '../fixtures/byoRepos';
import { addDialog, expect, fileHits, lookUpRepo, openApp, test } from './byoHarness';

const cases = [
  { what: 'an id that is not an id', input: 'just some words', error: 'InputError', says: 'is not a repository id' },
  { what: 'an address on another host', input: 'https://example.org/owner/name', error: 'InputError', says: 'but models come from' },
  { what: 'a repository that does not exist', input: 'hearth-test/No-Such-Repo', error: 'NotFoundError', says: 'no repository hearth-test/No-Such-Repo' },
  { what: 'a gated repository', input: 'hearth-test/Gated-Derivative-GGUF', error: 'GatedError', says: 'needs signing in on Hugging Face' },
  { what: 'a repository with no GGUF', input: 'hearth-test/Readme-Only', error: 'InputError', says: 'has no GGUF file' },
  { what: 'an MLC build for an architecture with no known library', input: 'hearth-test/Qwen-Shaped-MLC', error: 'InputError', says: 'MLC builds run only with a model library compiled for exactly that architecture' },
];

for (const c of cases) {
  test(`${c.what} is refused with a ${c.error} that says why, and nothing changes`, async ({ page, host }) => {
    await openApp(page, host);
    await lookUpRepo(page, c.input);
    const alert = addDialog(page).locator(`[data-error="${c.error}"]`);
    await expect(alert).toContainText(c.says);
    await expect(alert).not.toContainText(/undefined|\[object|TypeError/);
    await expect(addDialog(page).getByRole('button', { name: 'Add and download' })).toHaveCount(0);
    await addDialog(page).getByRole('button', { name: 'Cancel' }).click();
    await expect(page.locator('section[aria-labelledby="added-models"]')).toHaveCount(0);
    expect(fileHits(host).filter((p) => p.includes('.gguf'))).toEqual([]);
  });
}

test.describe('storage', () => {
  test.use({ extraRepos: hugeRepo() });

  test('a GGUF over this device’s quota is marked before it is picked and refused with a QuotaError; nothing is saved', async ({ page, host }) => {
    await openApp(page, host);
    await lookUpRepo(page, 'hearth-test/Huge-Llama-GGUF');
    await expect(addDialog(page).getByTestId('too-large')).toContainText('Larger than the');
    await addDialog(page).getByRole('button', { name: 'Add', exact: true }).click();
    const alert = addDialog(page).locator('[data-error="QuotaError"]');
    await expect(alert).toContainText('Not enough storage for this model');
    await expect(alert).toContainText('Nothing was downloaded');
    await addDialog(page).getByRole('button', { name: 'Cancel' }).click();
    await expect(page.locator('section[aria-labelledby="added-models"]')).toHaveCount(0);
    expect(fileHits(host).filter((p) => p.includes('.gguf'))).toEqual([]);
  });
});
