import { Template } from '@huggingface/jinja';
import type { Page } from '@playwright/test';
import { LLAMA32_CHAT_TEMPLATE, PROGRAMMED_REPLY, PROGRAMMED_REPLY_WORDS } from '../fixtures/gguf';
import { completionTokens, importConversation, longReplies, openChatWith, replies, sendMessage, setChatNumber, waitForReply, withChatSettings } from './chatHarness';
import { engineStatus, expect, expectReady, openApp, test, testModels } from './harness';

// Real tokens from the generated test GGUFs. The programmed model reads 256 tokens; the random
// one 1024 (so "Max new tokens" allows 512, about 2 s of decoding here). Mid-stream actions are
// fired from inside the page the moment the first streamed text is on screen (a real click on
// the real Stop button, a real reload), so they never race the end of a reply.

/** Sets "Max new tokens" as a user would, in the chat settings. */
async function setMaxTokens(page: Page, n: number): Promise<void> {
  await setChatNumber(page, 'Max new tokens', n);
}

/** Sets the temperature; 0 makes the random model greedy, so its replies are repeatable. */
async function setTemperature(page: Page, t: number): Promise<void> {
  await setChatNumber(page, 'Temperature', t);
}

/** Sets the system prompt as a user would. */
async function setSystemPrompt(page: Page, text: string): Promise<void> {
  await withChatSettings(page, async () => {
    const box = page.getByLabel('System prompt', { exact: true });
    await box.fill(text);
    await box.blur();
  });
}

/** Every message shown, in order: role, status and text. */
async function shownMessages(page: Page): Promise<{ role: string; status: string; text: string }[]> {
  return page.locator('article[data-role]').evaluateAll((articles) =>
    articles.map((a) => ({
      role: a.getAttribute('data-role') ?? '',
      status: a.getAttribute('data-status') ?? '',
      text: (a.querySelector('[data-testid="message-body"]')?.textContent ?? '').trim(),
    })),
  );
}

/**
 * Arms a one-shot action inside the page: as soon as the last reply is streaming with visible
 * text, `action` runs ('stop' clicks the Stop button, 'reload' reloads the page). The text shown
 * at that moment is kept in sessionStorage (`hearth-test-seen`), which survives the reload.
 */
async function onFirstStreamedText(page: Page, action: 'stop' | 'reload'): Promise<void> {
  await page.evaluate((what) => {
    const observer = new MutationObserver(() => {
      const last = [...document.querySelectorAll('article[data-role="assistant"]')].at(-1);
      const text = last?.querySelector('[data-testid="message-body"]')?.textContent ?? '';
      if (last?.getAttribute('data-status') !== 'streaming' || !text.trim()) return;
      const stop = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Stop');
      if (!stop) return;
      observer.disconnect();
      sessionStorage.setItem('hearth-test-seen', text);
      if (what === 'stop') stop.click();
      else location.reload();
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  }, action);
}

/** Records every text the engine status ever shows, to prove a model was not reloaded. */
async function watchEngineStatus(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="engine-status"]');
    const seen: string[] = [(el?.textContent ?? '').trim()];
    (window as unknown as { __engineStatus: string[] }).__engineStatus = seen;
    if (el) new MutationObserver(() => seen.push((el.textContent ?? '').trim())).observe(el, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __engineStatus: string[] }).__engineStatus);
}

test.describe('chat behaviour with real tokens', () => {
  test('Stop mid-stream keeps the partial reply as "stopped"; the next message still works, without reloading the model', async ({ page, host }) => {
    await openChatWith(page, host, testModels.gguf);
    const limit = await longReplies(page);
    expect(limit).toBe(512); // half the random model's 1024-token window
    const statusLog = await watchEngineStatus(page);
    const statusBefore = ((await engineStatus(page).textContent()) ?? '').trim();

    await onFirstStreamedText(page, 'stop');
    await sendMessage(page, 'Tell me a long story');
    await waitForReply(page);
    const stopped = replies(page).last();
    await expect(stopped).toHaveAttribute('data-status', 'interrupted');
    await expect(stopped.locator('header')).toContainText('stopped');
    const partial = (await stopped.getByTestId('message-body').textContent())?.trim() ?? '';
    expect(partial.length).toBeGreaterThan(0);
    const seen = (await page.evaluate(() => sessionStorage.getItem('hearth-test-seen'))) ?? '';
    expect(partial.startsWith(seen.trim())).toBe(true);
    expect(await completionTokens(stopped)).toBeLessThan(limit);
    await expect(page.getByRole('button', { name: 'Stop' })).toHaveCount(0);

    // The next message gets a whole new reply; the stopped one is untouched.
    await sendMessage(page, 'Go on');
    await waitForReply(page);
    await expect(replies(page)).toHaveCount(2);
    await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
    expect(((await replies(page).last().getByTestId('message-body').textContent()) ?? '').trim().length).toBeGreaterThan(0);
    expect(await completionTokens(replies(page).last())).toBe(limit);
    await expect(replies(page).first()).toHaveAttribute('data-status', 'interrupted');
    expect((await replies(page).first().getByTestId('message-body').textContent())?.trim()).toBe(partial);

    // The engine was never reloaded: its status never changed (no "Loading…").
    expect(((await engineStatus(page).textContent()) ?? '').trim()).toBe(statusBefore);
    expect((await statusLog()).filter((s) => s !== statusBefore)).toEqual([]);
  });

  test('Regenerate replaces the last reply and keeps the old one as an earlier version', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed);
    // A 5-token reply first, then a full one: the two replies differ, deterministically.
    await setMaxTokens(page, 5);
    await sendMessage(page, 'Hello there');
    await waitForReply(page);
    const short = PROGRAMMED_REPLY_WORDS.slice(0, 5).join('');
    expect((await shownMessages(page)).map((m) => m.text)).toEqual(['Hello there', short]);

    await setMaxTokens(page, 128);
    await page.getByRole('button', { name: 'Regenerate reply' }).click();
    await waitForReply(page);
    expect(await shownMessages(page)).toEqual([
      { role: 'user', status: 'complete', text: 'Hello there' },
      { role: 'assistant', status: 'complete', text: PROGRAMMED_REPLY },
    ]);

    // The versions are switched on the reply itself: ‹ 2/2 ›.
    const reply = replies(page).last();
    await expect(reply.getByTestId('version-count')).toHaveText('2/2');
    await reply.getByRole('button', { name: 'Previous version' }).click();
    expect(await shownMessages(page)).toEqual([
      { role: 'user', status: 'complete', text: 'Hello there' },
      { role: 'assistant', status: 'complete', text: short },
    ]);
    await expect(replies(page).last().getByTestId('version-count')).toHaveText('1/2');
    // And back: the regenerated reply was kept as well.
    await replies(page).last().getByRole('button', { name: 'Next version' }).click();
    expect((await shownMessages(page)).map((m) => m.text)).toEqual(['Hello there', PROGRAMMED_REPLY]);
  });

  test('Editing an earlier message replaces what followed with a new reply; the previous version is kept', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed);
    await sendMessage(page, 'First question');
    await waitForReply(page);
    await sendMessage(page, 'Second question');
    await waitForReply(page);
    const before = await shownMessages(page);
    expect(before.map((m) => m.text)).toEqual(['First question', PROGRAMMED_REPLY, 'Second question', PROGRAMMED_REPLY]);

    const first = page.locator('article[data-role="user"]').first();
    await first.getByRole('button', { name: 'Edit message' }).click();
    const box = first.getByLabel('Edit your message');
    await expect(box).toBeFocused();
    await box.fill('First question, rephrased');
    await first.getByRole('button', { name: 'Save and resend' }).click();
    await waitForReply(page);
    expect(await shownMessages(page)).toEqual([
      { role: 'user', status: 'complete', text: 'First question, rephrased' },
      { role: 'assistant', status: 'complete', text: PROGRAMMED_REPLY },
    ]);

    // The edited message carries the switcher; the earlier version brings back what followed it.
    const edited = page.locator('article[data-role="user"]').first();
    await expect(edited.getByTestId('version-count')).toHaveText('2/2');
    await edited.getByRole('button', { name: 'Previous version' }).click();
    expect(await shownMessages(page)).toEqual(before);
    await page.locator('article[data-role="user"]').first().getByRole('button', { name: 'Next version' }).click();
    expect((await shownMessages(page)).map((m) => m.text)).toEqual(['First question, rephrased', PROGRAMMED_REPLY]);
    // The title follows an edit of the first message (the conversation was never renamed).
    await expect(page.getByRole('navigation', { name: 'Conversations' }).locator('[aria-current="page"]')).toHaveText('First question, rephrased');
  });

  test('the system prompt and the conversation reach the model through its chat template (raw prompt shown)', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed);
    // The reply needs 15 tokens: a small reserve keeps the window's budgeting out of this test.
    await setMaxTokens(page, 32);
    const system = 'You are a helpful assistant who answers briefly.';
    await setSystemPrompt(page, system);
    await sendMessage(page, 'Hi, who are you?');
    await waitForReply(page);
    await sendMessage(page, 'And what do you do?');
    await waitForReply(page);
    // The programmed model says its reply only after "\n\n": the prompt ended with the
    // template's assistant header.
    for (const reply of await replies(page).all()) {
      await expect(reply).toHaveAttribute('data-status', 'complete');
      expect((await reply.getByTestId('message-body').textContent())?.trim()).toBe(PROGRAMMED_REPLY);
    }

    const view = page.getByTestId('raw-prompt-view');
    await view.locator('summary', { hasText: 'Raw prompt (exactly what the model received)' }).click();
    const raw = (await page.getByTestId('raw-prompt').textContent()) ?? '';
    const messages = [
      { role: 'system', content: system },
      { role: 'user', content: 'Hi, who are you?' },
      { role: 'assistant', content: PROGRAMMED_REPLY },
      { role: 'user', content: 'And what do you do?' },
    ];
    const expected = new Template(LLAMA32_CHAT_TEMPLATE).render({ messages, add_generation_prompt: true, bos_token: '' });
    // The date line comes from the clock (strftime_now) in the browser and here: compare the rest
    // exactly and the date line by shape.
    const dateLine = /Today Date: [^\n]*\n/;
    expect(raw).toMatch(/Today Date: \d{2} [A-Z][a-z]{2} \d{4}\n/);
    expect(raw.replace(dateLine, 'Today Date: <today>\n')).toBe(expected.replace(dateLine, 'Today Date: <today>\n'));
    // Spelled out: system prompt, then the turns in order, then the assistant header.
    const at = (s: string) => raw.indexOf(s);
    expect(at(`${system}<|eot_id|>`)).toBeGreaterThan(0);
    expect(at(`<|start_header_id|>user<|end_header_id|>\n\nHi, who are you?<|eot_id|>`)).toBeGreaterThan(at(system));
    expect(at(`<|start_header_id|>assistant<|end_header_id|>\n\n${PROGRAMMED_REPLY}<|eot_id|>`)).toBeGreaterThan(at('Hi, who are you?'));
    expect(at(`<|start_header_id|>user<|end_header_id|>\n\nAnd what do you do?<|eot_id|>`)).toBeGreaterThan(at(PROGRAMMED_REPLY));
    expect(raw.endsWith('<|start_header_id|>assistant<|end_header_id|>\n\n')).toBe(true);

    await expect(page.getByTestId('raw-prompt-added')).toHaveText('<|begin_of_text|>');
    const tokens = Number(await page.getByTestId('raw-prompt-tokens').getAttribute('data-tokens'));
    expect(tokens).toBeGreaterThan(0);
    await expect(page.getByTestId('raw-prompt-tokens')).toHaveText(`${tokens} tokens.`);
  });

  test('a reload mid-reply keeps every conversation: the interrupted one with its partial reply, earlier ones unchanged', async ({ page, host }) => {
    await openChatWith(page, host, testModels.gguf);
    await setTemperature(page, 0);
    await setMaxTokens(page, 40);
    await sendMessage(page, 'An earlier finished chat');
    await waitForReply(page);
    await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
    const earlier = await shownMessages(page);

    await page.getByRole('button', { name: 'New chat' }).click();
    await expect(page.locator('article[data-role]')).toHaveCount(0);
    await longReplies(page);
    await onFirstStreamedText(page, 'reload');
    const reloaded = page.waitForEvent('framenavigated');
    await sendMessage(page, 'A long reply cut by a reload');
    await reloaded;
    await expectReady(page);
    const seen = ((await page.evaluate(() => sessionStorage.getItem('hearth-test-seen'))) ?? '').trim();
    expect(seen.length).toBeGreaterThan(0);

    const list = page.getByRole('navigation', { name: 'Conversations' });
    await expect(list.getByRole('button', { name: /^A long reply cut by a reload/ })).toBeVisible();
    await expect(list.getByRole('button', { name: /^An earlier finished chat/ })).toBeVisible();

    await list.getByRole('button', { name: /^A long reply cut by a reload/ }).click();
    await expect(page.locator('article[data-role]')).toHaveCount(2);
    const cut = await shownMessages(page);
    expect(cut[0]).toEqual({ role: 'user', status: 'complete', text: 'A long reply cut by a reload' });
    expect(cut[1].role).toBe('assistant');
    expect(cut[1].status).toBe('interrupted');
    await expect(replies(page).last().locator('header')).toContainText('stopped');
    // Saved up to at least what was on screen when the page went away.
    expect(cut[1].text.startsWith(seen), `saved "${cut[1].text}" vs shown "${seen}"`).toBe(true);

    await list.getByRole('button', { name: /^An earlier finished chat/ }).click();
    await expect(page.locator('article[data-role="user"]').first()).toContainText(earlier[0].text);
    expect(await shownMessages(page)).toEqual(earlier);
  });
});

test.describe('chat behaviour at the edges', () => {
  test('a conversation longer than the window: oldest messages left out of the prompt (said so), all still shown, replies complete', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed);
    const sent: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const text = `Message number ${i}: tell me about the weather today`;
      sent.push(text);
      await sendMessage(page, text);
      await waitForReply(page);
      await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
      expect((await replies(page).last().getByTestId('message-body').textContent())?.trim()).toBe(PROGRAMMED_REPLY);
    }
    const meter = page.getByTestId('context-meter');
    // Said in plain words: which turns are left out, and that they stay in the conversation.
    await expect(meter).toContainText(/oldest messages are left out of what the model sees; they stay in the conversation/);
    await expect(meter).toContainText(/left out of what the model sees; they stay in the conversation\./);
    // The policy's own note (which turns, and that the cache of the rest is reused) opens from the meter.
    await meter.getByRole('button', { name: /left out/ }).click();
    await expect(meter.getByTestId('context-note')).toBeVisible();
    await expect(meter.getByTestId('context-note')).toContainText(/^The oldest \d+ turns? \(\d+ messages?\) are left out of what the model sees; they stay in the conversation\./);
    expect(Number(await meter.getAttribute('data-dropped'))).toBeGreaterThan(0);
    // Every message is still displayed, in order.
    expect((await shownMessages(page)).map((m) => m.text)).toEqual(sent.flatMap((s) => [s, PROGRAMMED_REPLY]));
    // What the model read: the newest message, not the oldest; and it fit the window.
    await page.getByTestId('raw-prompt-view').locator('summary').click();
    const raw = (await page.getByTestId('raw-prompt').textContent()) ?? '';
    expect(raw).not.toContain(sent[0]);
    expect(raw).toContain(`<|start_header_id|>user<|end_header_id|>\n\n${sent[3]}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`);
    expect(raw.endsWith('<|start_header_id|>assistant<|end_header_id|>\n\n')).toBe(true);
    const tokens = Number(await page.getByTestId('raw-prompt-tokens').getAttribute('data-tokens'));
    expect(tokens).toBeGreaterThan(0);
    expect(tokens).toBeLessThanOrEqual(256);
  });

  test('with default settings, a system prompt and a short message fit the 256-token window', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed);
    await setSystemPrompt(page, 'You are a helpful assistant who answers briefly.');
    await sendMessage(page, 'Hi, who are you?');
    await waitForReply(page);
    // ~90 prompt tokens + 128 reserved for the reply < 256: nothing to refuse.
    await expect(page.locator('[data-engine-error]')).toHaveCount(0);
    await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
    expect((await replies(page).last().getByTestId('message-body').textContent())?.trim()).toBe(PROGRAMMED_REPLY);
    const tokens = Number(await page.getByTestId('raw-prompt-tokens').getAttribute('data-tokens'));
    expect(tokens + 128).toBeLessThanOrEqual(256);
  });

  test('a single message longer than the window: ContextOverflowError in plain words, and the message stays', async ({ page, host }) => {
    await openChatWith(page, host, testModels.programmed);
    await sendMessage(page, 'A short one first');
    await waitForReply(page);
    const long = `A very long message. ${'All work and no play makes a dull model. '.repeat(30)}The end.`;
    await sendMessage(page, long);
    await waitForReply(page);
    const notice = page.locator('[data-engine-error="ContextOverflowError"]');
    await expect(notice).toBeVisible();
    await expect(notice).toHaveAttribute('role', 'alert');
    await expect(notice).toContainText('Too long for the model');
    await expect(notice).toContainText(/needs about \d+ tokens with room for the reply, but the model reads at most \d+\./);
    const shown = await shownMessages(page);
    expect(shown.map((m) => [m.role, m.text])).toEqual([
      ['user', 'A short one first'],
      ['assistant', PROGRAMMED_REPLY],
      ['user', long],
      ['assistant', ''],
    ]);
    expect(shown[3].status).toBe('error');
    await expect(replies(page).last().locator('header')).toContainText('failed');
    // Nothing was lost, and the conversation goes on.
    await sendMessage(page, 'Something shorter');
    await waitForReply(page);
    await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
    expect((await shownMessages(page)).filter((m) => m.role === 'user').map((m) => m.text)).toEqual(['A short one first', long, 'Something shorter']);
  });

  test('model output with HTML, javascript: links and images runs nothing and loads nothing', async ({ page, host, context }) => {
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    const hostRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(host.url)) hostRequests.push(r.url());
    });
    const popups: string[] = [];
    context.on('page', (p) => popups.push(p.url()));
    await openApp(page, host);

    const h = host.url.replace(/\/$/, '');
    const nasty = [
      '# Output with everything',
      '<script>window.__pwned = 1; console.error("script ran")</script>',
      `<img src="${h}/pixel.png" onerror="window.__pwned = 2">`,
      `Inline <img src=${h}/inline-pixel.png onerror=window.__pwned=2> and <b onmouseover="window.__pwned=7">bold</b>.`,
      `![x](${h}/img.png)`,
      '![data](data:image/png;base64,iVBORw0KGgo=)',
      '[click](javascript:window.__pwned=3)',
      '[ref link][r]',
      '[r]: javascript:window.__pwned=6',
      `<iframe src="${h}/frame.html"></iframe>`,
      '<a href="data:text/html,<script>alert(1)</script>">data link</a>',
      '<a href="https://example.com/" onclick="window.__pwned=5">html anchor</a>',
      '<svg onload="window.__pwned = 4"><circle r="5"/></svg>',
      `<meta http-equiv="refresh" content="0;url=${h}/meta">`,
      `<form action="${h}/form"><input name="q"><button>Submit</button></form>`,
      `<div style="background:url(${h}/style.png)">styled</div>`,
      `<style>body { background: url(${h}/style-tag.png) }</style>`,
      `<link rel="stylesheet" href="${h}/link.css">`,
      `<object data="${h}/object"></object><embed src="${h}/embed"><video poster="${h}/poster.png"></video>`,
      `<base href="${h}/">`,
      '[ok link](https://example.com/page "a title") and [mail](mailto:someone@example.com) and [relative](/relative/path)',
      '<https://example.com/autolink> <javascript:window.__pwned=8>',
      '',
      '- [x] done task',
      '```js\nconsole.log("<script>not run</script>");\n```',
    ].join('\n\n');
    host.clearRequests();
    hostRequests.length = 0;
    await importConversation(page, { title: 'Nasty output', user: `Show me <img src="${h}/user-pixel.png" onerror="window.__pwned=9">`, assistant: nasty });
    const body = replies(page).last().getByTestId('message-body');
    await expect(body.getByRole('heading', { name: 'Output with everything' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /^Nasty output/ })).toBeVisible();
    const url = page.url();

    // Raw HTML shows as text; nothing of it became an element.
    await expect(body).toContainText('<script>window.__pwned = 1;');
    await expect(body).toContainText('[image: x]');
    for (const tag of ['script', 'img', 'iframe', 'svg', 'form', 'meta', 'style', 'link', 'object', 'embed', 'video', 'base', 'input', 'textarea', 'select']) {
      await expect(body.locator(tag), tag).toHaveCount(0);
    }
    const userMessage = page.locator('article[data-role="user"]');
    await expect(userMessage.locator('img')).toHaveCount(0);
    await expect(userMessage).toContainText('<img src=');
    const attrs = await body.locator('*').evaluateAll((els) => els.flatMap((e) => e.getAttributeNames().filter((n) => n.startsWith('on') || n === 'style' || n === 'src').map((n) => `${e.tagName}.${n}`)));
    expect(attrs).toEqual([]);

    // Links: only http(s)/mailto, opening in a new tab without access to this page.
    const links = await body.locator('a').evaluateAll((as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') ?? '', target: a.getAttribute('target'), rel: a.getAttribute('rel') ?? '' })));
    // (The bare URL inside the broken <img ...> text is autolinked: a plain http link, never an image.)
    expect(links.map((l) => l.text)).toEqual([`${h}/inline-pixel.png`, 'ok link', 'mail', 'https://example.com/autolink']);
    for (const link of links) {
      expect(link.href).toMatch(/^(https?:|mailto:)/);
      expect(link.target).toBe('_blank');
      expect(link.rel.split(/\s+/)).toContain('noopener');
    }

    // Clicking what were javascript: links runs nothing and goes nowhere.
    await body.getByText('click', { exact: true }).click();
    await body.getByText('ref link', { exact: true }).click();
    await body.getByText('html anchor').click();
    await body.getByText('bold').hover();
    await expect(body.getByRole('button', { name: 'Copy code' })).toBeVisible();
    await expect(body.locator('pre code')).toHaveText('console.log("<script>not run</script>");');
    await page.waitForTimeout(300);
    expect(page.url()).toBe(url);
    expect(popups).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(consoleErrors).toEqual([]);
    expect(hostRequests).toEqual([]);
    expect(host.requests.map((r) => r.path)).toEqual([]);
  });

  test('every control has an accessible name, and sending and stopping work with the keyboard only', async ({ page, host }) => {
    await openChatWith(page, host, testModels.gguf);
    const limit = await longReplies(page);

    // Keyboard only from here: Tab to the message box.
    await page.locator('body').focus();
    const box = page.getByLabel('Message', { exact: true });
    for (let i = 0; i < 80 && !(await box.evaluate((e) => e === document.activeElement)); i++) await page.keyboard.press('Tab');
    await expect(box).toBeFocused();
    await page.keyboard.type('First line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    await expect(box).toHaveValue('First line\nsecond line');
    // Enter sends; Tab from the box reaches Stop (Send is disabled while the box is empty), and
    // Enter on it stops the reply. A whole reply can take only ~0.2 s here, so the three keys are
    // sent back to back (still real key events, in order); a focus log shows where they landed.
    await page.evaluate(() => {
      const log: string[] = [];
      (window as unknown as { __focusLog: string[] }).__focusLog = log;
      document.addEventListener('focusin', (e) => log.push(`${(e.target as Element).tagName} ${(e.target as Element).textContent?.trim() ?? ''}`.trim()));
    });
    // (The chat settings button sits between the box and Stop.)
    await Promise.all([page.keyboard.press('Enter'), page.keyboard.press('Tab'), page.keyboard.press('Tab'), page.keyboard.press('Enter')]);
    await expect(page.locator('article[data-role="user"]').last().getByTestId('message-body')).toHaveText('First line\nsecond line');
    await waitForReply(page);
    await expect(replies(page).last()).toHaveAttribute('data-status', 'interrupted');
    // A Stop that lands before the first token ends the reply empty, with no stats to report.
    const stoppedStats = await replies(page).last().getByTestId('reply-stats').innerText();
    expect(Number((/([\d,]+) completion tokens/.exec(stoppedStats)?.[1] ?? '0').replace(/,/g, ''))).toBeLessThan(limit);
    expect(await page.evaluate(() => (window as unknown as { __focusLog: string[] }).__focusLog)).toEqual(['BUTTON', 'BUTTON Stop', 'TEXTAREA']);
    // Focus is not lost with the Stop button: the next message can be typed right away.
    await expect(box).toBeFocused();
    await expect(box).toHaveValue('');

    await page.keyboard.type('Another one');
    await page.keyboard.press('Enter');
    await waitForReply(page);
    await expect(replies(page)).toHaveCount(2);
    await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
    await expect(box).toBeFocused();
    await expect(box).toHaveValue('');

    // Names: open every disclosure so its controls count too, then check every control.
    await page.locator('details').evaluateAll((ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    const unnamed: string[] = [];
    for (const role of ['button', 'textbox', 'combobox', 'spinbutton', 'checkbox', 'radio', 'slider', 'link', 'meter'] as const) {
      const all = page.getByRole(role);
      const named = page.getByRole(role, { name: /\S/ });
      const [a, n] = [await all.count(), await named.count()];
      if (a !== n) unnamed.push(`${role}: ${a - n} of ${a} unnamed: ${(await all.evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 120)))).join(' | ')}`);
    }
    expect(unnamed).toEqual([]);
    const snapshot = await page.locator('body').ariaSnapshot();
    const bare = snapshot.split('\n').filter((line) => /^\s*- (button|textbox|combobox|spinbutton|checkbox|radio|slider|link)\b(?! ")/.test(line));
    expect(bare).toEqual([]);
    expect(snapshot).toContain('textbox "Message"');
    expect(snapshot).toContain('button "Chat settings"');
    expect(snapshot).toMatch(/button "Switch model \(now .*\)"/);
    // And element by element: every visible button, input, select and textarea has a name.
    const controls = page.locator('button:visible, input:visible, select:visible, textarea:visible');
    const count = await controls.count();
    expect(count).toBeGreaterThan(15);
    const nameless: string[] = [];
    for (let i = 0; i < count; i++) {
      const first = (await controls.nth(i).ariaSnapshot()).split('\n')[0];
      if (!/^- [a-z]+ "[^"]*\S[^"]*"/.test(first)) nameless.push(`${first} ← ${await controls.nth(i).evaluate((e) => e.outerHTML.slice(0, 120))}`);
    }
    expect(nameless).toEqual([]);
  });
});
