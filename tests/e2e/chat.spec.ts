import { PROGRAMMED_REPLY } from '../fixtures/gguf';
import { openChatWith, replies, sendMessage, waitForReply } from './chatHarness';
import { expect, test, testModels } from './harness';

test.describe('chat with the CPU engine (real tokens from a generated GGUF)', () => {
  test('a reply streams in, exactly the programmed text, ended by its stop token, with stats', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed);
    await sendMessage(page, 'Hello there');
    await waitForReply(page);
    const reply = replies(page).last();
    await expect(reply).toHaveAttribute('data-status', 'complete');
    expect((await reply.getByTestId('message-body').innerText()).trim()).toBe(PROGRAMMED_REPLY);
    await expect(reply.getByTestId('reply-stats')).toContainText(/tok\/s/);
  });
});
