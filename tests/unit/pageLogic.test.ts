import { describe, expect, it } from 'vitest';
import type { ModelStamp, ReplyStats } from '../../workers/shared/chat';
import { appendUser, appendReplyText, canContinue, describeStats, editUser, finishReply, newConversation, regenerate, rename, resumeReply, startReply, switchBranch } from '../../src/lib/conversation';
import { dateLabel, groupByDate } from '../../src/lib/dateGroups';
import { splitFrontMatter } from '../../src/lib/frontMatter';
import { formatRoute, parseRoute } from '../../src/lib/routes';
import { matchShortcut } from '../../src/lib/shortcuts';
import { versionsAt } from '../../src/lib/versions';

const stamp: ModelStamp = { id: 'm', revision: 'r', engine: 'wllama' };
const settings = { systemPrompt: '', temperature: 0.6, topP: 0.9, maxTokens: 64 };
const stats = (over: Partial<ReplyStats> = {}): ReplyStats => ({ promptTokens: 10, completionTokens: 5, timeToFirstTokenS: 0.1, prefillTokensPerS: 100, decodeTokensPerS: 50, totalS: 0.2, finishReason: 'stop', ...over });

function chat(...turns: string[]) {
  let c = newConversation(settings, null);
  for (const t of turns) {
    c = appendUser(c, t);
    c = startReply(c, stamp, `reply-${t}`);
    c = appendReplyText(c, `reply-${t}`, `answer to ${t}`);
    c = finishReply(c, `reply-${t}`, 'complete', stats());
  }
  return c;
}

describe('titles', () => {
  it('follow an edit of the first message until the conversation is renamed', () => {
    let c = chat('first question');
    expect(c.title).toBe('first question');
    c = editUser(c, c.messages[0].id, 'a better first question');
    expect(c.title).toBe('a better first question');
    c = switchBranch(c, c.branches[0].id);
    expect(c.title).toBe('first question');
    c = rename(c, 'My name');
    c = editUser(c, c.messages[0].id, 'changed again');
    expect(c.title).toBe('My name');
    // A blank rename goes back to following the first message.
    c = rename(c, '  ');
    expect(c.title).toBe('changed again');
    c = editUser(c, c.messages[0].id, 'and again');
    expect(c.title).toBe('and again');
  });
});

describe('versions', () => {
  it('counts the versions of a regenerated reply on the reply itself, and of an edited message', () => {
    let c = chat('one', 'two');
    expect(versionsAt(c, 1)).toEqual({ current: 0, count: 1, branchIds: [null] });
    c = regenerate(c, c.messages[1].id);
    c = startReply(c, stamp, 'new');
    c = finishReply(c, 'new', 'complete', stats());
    const v = versionsAt(c, 1);
    expect(v).toMatchObject({ current: 1, count: 2 });
    expect(versionsAt(c, 0).count).toBe(1);
    c = switchBranch(c, v.branchIds[0] as string);
    expect(c.messages.map((m) => m.content)).toEqual(['one', 'answer to one', 'two', 'answer to two']);
    expect(versionsAt(c, 1)).toMatchObject({ current: 0, count: 2 });
    // A third version: three on the reply.
    c = regenerate(c, c.messages[1].id);
    c = startReply(c, stamp, 'third');
    c = finishReply(c, 'third', 'complete', stats());
    expect(versionsAt(c, 1)).toMatchObject({ current: 2, count: 3 });
    // The user message above has one version only.
    expect(versionsAt(c, 0).count).toBe(1);
  });
});

describe('continue and stats', () => {
  it('continues only a last reply cut at the limit, merging the stats of both parts', () => {
    let c = newConversation(settings, null);
    c = appendUser(c, 'hi');
    c = startReply(c, stamp, 'a');
    c = appendReplyText(c, 'a', 'Hello');
    c = finishReply(c, 'a', 'complete', stats({ completionTokens: 5, decodeTokensPerS: 50, finishReason: 'length' }));
    expect(canContinue(c, 'a')).toBe(true);
    c = resumeReply(c, 'a');
    expect(c.messages[1].status).toBe('streaming');
    c = appendReplyText(c, 'a', ' world');
    c = finishReply(c, 'a', 'complete', stats({ completionTokens: 10, decodeTokensPerS: 25, finishReason: 'stop' }));
    expect(c.messages[1].content).toBe('Hello world');
    expect(c.messages[1].stats).toMatchObject({ completionTokens: 15, finishReason: 'stop' });
    expect(c.messages[1].stats?.decodeTokensPerS).toBeCloseTo(15 / (5 / 50 + 10 / 25));
    expect(canContinue(c, 'a')).toBe(false);
  });
  it('says where a reply ran and how much of its prompt came from the cache', () => {
    const s = stats({ promptTokens: 1510, cachedPromptTokens: 1420, device: 'CPU, 2 threads' });
    const phrases = describeStats(s);
    expect(phrases[0]).toBe('on CPU, 2 threads');
    expect(phrases.at(-1)).toBe('1,420 of 1,510 prompt tokens from cache');
  });
  it('keeps, for a continued reply, the cache hits of the prompt it counts and where it ran', () => {
    let c = newConversation(settings, null);
    c = appendUser(c, 'hi');
    c = startReply(c, stamp, 'a');
    c = finishReply(c, 'a', 'complete', stats({ promptTokens: 40, cachedPromptTokens: 0, device: 'CPU, 2 threads', finishReason: 'length' }));
    c = resumeReply(c, 'a');
    c = finishReply(c, 'a', 'complete', stats({ promptTokens: 60, cachedPromptTokens: 55, device: 'CPU, 2 threads' }));
    expect(c.messages[1].stats).toMatchObject({ promptTokens: 60, cachedPromptTokens: 55, device: 'CPU, 2 threads' });
  });
  it('leaves out rates that were not measured instead of showing 0.0', () => {
    expect(describeStats(stats({ prefillTokensPerS: 0, promptTokens: 0, decodeTokensPerS: 31.4, completionTokens: 40, finishReason: 'abort' }))).toEqual(['0.10 s to first token', 'decode 31.4 tok/s', '40 completion tokens']);
  });
});

describe('date groups', () => {
  it('groups by Today, Yesterday, the last week and month, then by month', () => {
    const now = new Date(2026, 11, 1, 15).getTime();
    const h = 3600_000;
    expect(dateLabel(now - h, now)).toBe('Today');
    expect(dateLabel(now - 20 * h, now)).toBe('Yesterday');
    expect(dateLabel(now - 4 * 24 * h, now)).toBe('Previous 7 days');
    expect(dateLabel(now - 20 * 24 * h, now)).toBe('Previous 30 days');
    const items = [now - h, now - 2 * h, now - 20 * h, now - 90 * 24 * h];
    expect(groupByDate(items, (x) => x, now).map((g) => [g.label === 'Today' || g.label === 'Yesterday' ? g.label : 'older', g.items.length])).toEqual([['Today', 2], ['Yesterday', 1], ['older', 1]]);
  });
});

describe('model card front matter', () => {
  it('is split off as fields, never left for Markdown', () => {
    const parts = splitFrontMatter('---\nlicense: llama3.2\ntags:\n  - llama\n  - test\nbase_model: meta-llama/x\n---\n\n# Title\n\nBody');
    expect(parts.fields).toEqual([{ key: 'license', value: 'llama3.2' }, { key: 'tags', value: 'llama, test' }, { key: 'base_model', value: 'meta-llama/x' }]);
    expect(parts.body.trim()).toBe('# Title\n\nBody');
    expect(splitFrontMatter('# No header').fields).toEqual([]);
  });
});

describe('routes and shortcuts', () => {
  it('names the views in the hash', () => {
    for (const hash of ['#/models', '#/settings', '#/chat', '#/chat/private']) expect(formatRoute(parseRoute(hash))).toBe(hash);
    expect(parseRoute('')).toEqual({ view: 'chat', conversationId: null });
  });
  it('matches shortcuts, with Cmd on a Mac, and leaves typing alone', () => {
    const key = (k: string, o: Partial<KeyboardEvent> = {}) => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...o });
    expect(matchShortcut(key('O', { ctrlKey: true, shiftKey: true }), true, false)).toBe('newChat');
    expect(matchShortcut(key('o', { metaKey: true, shiftKey: true }), false, true)).toBe('newChat');
    expect(matchShortcut(key('/'), false, false)).toBe('focusComposer');
    expect(matchShortcut(key('/'), true, false)).toBeNull();
    expect(matchShortcut(key('Escape'), true, false)).toBe('stop');
    expect(matchShortcut(key('?', { shiftKey: true }), false, false)).toBe('help');
    expect(matchShortcut(key('s', { ctrlKey: true }), false, false)).toBeNull();
  });
});
