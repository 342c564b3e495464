import { describe, expect, it } from 'vitest';
import type { ModelStamp, ReplyStats } from '../../workers/shared/chat';
import {
  appendReplyText,
  appendUser,
  autoTitle,
  describeStats,
  editUser,
  engineMessages,
  finishReply,
  lastReplyId,
  newConversation,
  regenerate,
  rename,
  settleStreaming,
  startReply,
  summarize,
  switchBranch,
  untitled,
  type Conversation,
} from '../../src/lib/conversation';

const model: ModelStamp = { id: 'llama-3.2-1b', revision: 'abc123', engine: 'webllm' };
const settings = { systemPrompt: 'Be brief.', temperature: 0.6, topP: 0.9, maxTokens: 256 };
const stats: ReplyStats = {
  promptTokens: 12,
  completionTokens: 5,
  timeToFirstTokenS: 0.25,
  prefillTokensPerS: 48,
  decodeTokensPerS: 20.5,
  totalS: 0.5,
  finishReason: 'stop',
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A conversation with one finished exchange per prompt. */
function chat(...prompts: string[]): Conversation {
  let c = newConversation(settings, { ...model, hashes: { 'model.bin': 'sha256-x' } });
  for (const p of prompts) {
    c = appendUser(c, p);
    c = startReply(c, model);
    const id = c.messages.at(-1)!.id;
    c = appendReplyText(c, id, `answer to ${p}`);
    c = finishReply(c, id, 'complete', stats);
  }
  return deepFreeze(c);
}

describe('conversation', () => {
  it('starts empty and untitled', () => {
    const c = newConversation(settings, null);
    expect(c.messages).toEqual([]);
    expect(c.branches).toEqual([]);
    expect(c.title).toBe(untitled);
    expect(c.private).toBeUndefined();
    expect(newConversation(settings, null, { private: true }).private).toBe(true);
    expect(newConversation(settings, null).id).not.toBe(c.id);
  });

  it('streams a reply without mutating its input', () => {
    const c0 = deepFreeze(appendUser(newConversation(settings, null), 'Hi'));
    const c1 = deepFreeze(startReply(c0, model, 'r1'));
    expect(c1.messages.at(-1)).toMatchObject({
      id: 'r1',
      role: 'assistant',
      content: '',
      status: 'streaming',
      model,
    });
    const c2 = deepFreeze(appendReplyText(appendReplyText(c1, 'r1', 'Hel'), 'r1', 'lo'));
    expect(c2.messages.at(-1)!.content).toBe('Hello');
    const c3 = finishReply(c2, 'r1', 'complete', stats);
    expect(c3.messages.at(-1)).toMatchObject({ status: 'complete', stats });
    expect(c1.messages.at(-1)!.content).toBe('');
  });

  it('ignores text and endings for replies that are no longer streaming', () => {
    const c = chat('a');
    const id = c.messages[1].id;
    expect(appendReplyText(c, id, 'late')).toBe(c);
    expect(finishReply(c, id, 'error', undefined, 'x')).toBe(c);
    expect(appendReplyText(c, 'missing', 'x')).toBe(c);
  });

  it('records interruptions and errors', () => {
    let c = startReply(appendUser(newConversation(settings, null), 'Hi'), model, 'r');
    c = appendReplyText(c, 'r', 'partial');
    expect(finishReply(c, 'r', 'interrupted', { ...stats, finishReason: 'abort' }).messages[1]).toMatchObject(
      {
        status: 'interrupted',
        content: 'partial',
      },
    );
    expect(finishReply(c, 'r', 'error', undefined, 'GPU lost').messages[1]).toMatchObject({
      status: 'error',
      error: 'GPU lost',
    });
  });

  it('titles from the first user message', () => {
    const c = appendUser(newConversation(settings, null), '  How do I   bake bread\nat home?  ');
    expect(c.title).toBe('How do I bake bread at home?');
    expect(appendUser(c, 'second').title).toBe('How do I bake bread at home?');
    const long = appendUser(newConversation(settings, null), 'word '.repeat(30));
    expect(long.title.length).toBeLessThanOrEqual(41);
    expect(long.title.endsWith('…')).toBe(true);
    expect(autoTitle(newConversation(settings, null))).toBe(untitled);
    const unbroken = appendUser(newConversation(settings, null), 'x'.repeat(100));
    expect(unbroken.title).toBe(`${'x'.repeat(40)}…`);
  });

  it('renames, falling back to the automatic title when blank', () => {
    const c = chat('Question one');
    expect(rename(c, '  My  chat ').title).toBe('My chat');
    expect(rename(c, '   ').title).toBe('Question one');
    expect(appendUser(rename(newConversation(settings, null), 'Named'), 'hi').title).toBe('Named');
  });

  it('edits an earlier user message, keeping the old list as a branch', () => {
    const c = chat('one', 'two', 'three');
    const second = c.messages[2];
    const edited = editUser(c, second.id, 'TWO');
    expect(edited.messages.map((m) => m.content)).toEqual(['one', 'answer to one', 'TWO']);
    expect(edited.messages[2].id).not.toBe(second.id);
    expect(edited.branches).toHaveLength(1);
    expect(edited.branches[0].reason).toBe('edit');
    expect(edited.branches[0].messages).toEqual(c.messages);
    expect(editUser(c, c.messages[1].id, 'not a user message')).toBe(c);
    expect(editUser(c, 'missing', 'x')).toBe(c);
  });

  it('regenerates a reply, keeping the old list as a branch', () => {
    const c = chat('one', 'two');
    const last = lastReplyId(c)!;
    const r = regenerate(c, last);
    expect(r.messages.map((m) => m.content)).toEqual(['one', 'answer to one', 'two']);
    expect(r.branches[0]).toMatchObject({ reason: 'regenerate', messages: c.messages });
    expect(regenerate(c, c.messages[0].id)).toBe(c);
    const again = startReply(r, model);
    expect(again.messages).toHaveLength(4);
    expect(lastReplyId(again)).toBe(again.messages[3].id);
  });

  it('switches branches back and forth without losing anything', () => {
    const c = chat('one', 'two');
    const r = regenerate(c, lastReplyId(c)!);
    const branchId = r.branches[0].id;
    const back = switchBranch(r, branchId);
    expect(back.messages).toEqual(c.messages);
    expect(back.branches[0].messages).toEqual(r.messages);
    const forth = switchBranch(back, branchId);
    expect(forth.messages).toEqual(r.messages);
    expect(forth.branches[0].messages).toEqual(c.messages);
    expect(switchBranch(c, 'missing')).toBe(c);
  });

  it('never keeps a streaming message in a branch', () => {
    let c = startReply(appendUser(newConversation(settings, null), 'Hi'), model, 'r');
    c = appendReplyText(c, 'r', 'half');
    const edited = editUser(c, c.messages[0].id, 'Hello');
    expect(edited.branches[0].messages[1]).toMatchObject({ status: 'interrupted', content: 'half' });
  });

  it('settles replies left streaming (e.g. when the tab closed)', () => {
    let c = startReply(appendUser(newConversation(settings, null), 'Hi'), model, 'r');
    c = appendReplyText(c, 'r', 'half');
    expect(settleStreaming(c).messages[1].status).toBe('interrupted');
    const done = chat('a');
    expect(settleStreaming(done)).toBe(done);
    const withBranch = {
      ...done,
      branches: [{ id: 'b', createdAt: 0, reason: 'edit' as const, messages: c.messages }],
    };
    expect(settleStreaming(withBranch).branches[0].messages[1].status).toBe('interrupted');
  });

  it('builds engine messages from finished messages only', () => {
    let c = chat('one');
    c = startReply(appendUser(c, 'two'), model, 'r2');
    c = finishReply(appendReplyText(c, 'r2', 'oops'), 'r2', 'error', undefined, 'boom');
    c = appendUser(c, 'three');
    c = appendReplyText(startReply(c, model, 'r3'), 'r3', 'partial');
    const withInterrupted = finishReply(c, 'r3', 'interrupted');
    expect(engineMessages(c)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'answer to one' },
      { role: 'user', content: 'two' },
      { role: 'user', content: 'three' },
    ]);
    expect(engineMessages(withInterrupted).at(-1)).toEqual({ role: 'assistant', content: 'partial' });
    const noSystem = { ...c, settings: { ...c.settings, systemPrompt: '  ' } };
    expect(engineMessages(noSystem)[0]).toEqual({ role: 'user', content: 'one' });
  });

  it('summarizes and describes stats', () => {
    const c = chat('one');
    expect(summarize(c)).toEqual({
      id: c.id,
      title: 'one',
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      messageCount: 2,
    });
    expect(describeStats(stats)).toEqual([
      '0.25 s to first token',
      'prefill 48.0 tok/s',
      'decode 20.5 tok/s',
      '12 prompt + 5 completion tokens',
    ]);
  });

  it('names no time to first token for a reply stopped before any token came', () => {
    const stopped: ReplyStats = { ...stats, completionTokens: 0, timeToFirstTokenS: 1.4, decodeTokensPerS: 0, finishReason: 'abort' };
    expect(describeStats(stopped)).toEqual(['prefill 48.0 tok/s', '12 prompt + 0 completion tokens']);
  });
});
