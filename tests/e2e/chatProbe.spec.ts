import { openChatWith, replies, sendMessage, waitForReply } from './chatHarness';
import { expect, test, testModels } from './harness';

test('probe speed', async ({ page, host }) => {
  await openChatWith(page, host, testModels.gguf);
  const max = page.getByLabel('Max new tokens');
  console.log('max attr', await max.getAttribute('max'), 'value', await max.inputValue());
  await max.fill(await max.getAttribute('max') ?? '128');
  await max.blur();
  const t0 = Date.now();
  await sendMessage(page, 'Hello there');
  await waitForReply(page);
  console.log('took', Date.now() - t0, 'len', (await replies(page).last().innerText()).length);
  console.log(await replies(page).last().innerText());
  console.log(await page.evaluate(() => crossOriginIsolated));
});
