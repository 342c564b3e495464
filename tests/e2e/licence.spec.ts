import { expect, expectCached, expectReady, fileRequests, gotoView, modelRow, openApp, test, testModels } from './harness';

test('no byte of a Llama model downloads before its licence is accepted; the acceptance is remembered', async ({ page, host }) => {
  await openApp(page, host);
  await gotoView(page, 'Models');
  host.clearRequests();
  const row = modelRow(page, testModels.gguf);
  await row.getByRole('button', { name: /^Download/ }).click();
  const dialog = page.getByTestId('licence-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Llama 3.2 Community License');
  await expect(dialog).toContainText('version 3.2');
  await expect(dialog.getByRole('link', { name: 'Read the licence' })).toHaveAttribute('href', /LICENSE$/);
  await expect(dialog.getByRole('link', { name: 'Read the acceptable-use policy' })).toHaveAttribute('href', /USE_POLICY\.md$/);
  await expect(dialog.getByRole('button', { name: 'Accept and download' })).toBeDisabled();
  // The dialog is reachable by keyboard from the start: focus is inside it.
  await expect(dialog.locator(':focus')).toHaveCount(1);

  // Cancelling downloads nothing.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveAttribute('data-status', 'not downloaded');
  expect(fileRequests(host)).toEqual([]);
  expect(host.requests.filter((r) => r.path.startsWith('/api/'))).toEqual([]);

  // Accepting (keyboard only) starts the download.
  await row.getByRole('button', { name: /^Download/ }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('checkbox').focus();
  await page.keyboard.press('Space');
  await dialog.getByRole('button', { name: 'Accept and download' }).focus();
  await page.keyboard.press('Enter');
  await expectCached(page, testModels.gguf);

  // Remembered after a reload: another Llama model downloads without asking again.
  await page.reload();
  await expectReady(page);
  await gotoView(page, 'Models');
  await modelRow(page, testModels.programmed).getByRole('button', { name: /^Download/ }).click();
  await expect(dialog).toBeHidden();
  await expectCached(page, testModels.programmed);
});
