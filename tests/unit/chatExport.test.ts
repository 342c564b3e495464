import { describe, expect, it } from 'vitest';
import type { ModelStamp, ReplyStats } from '../../workers/shared/chat';
import { exportFileName, exportJson, exportMarkdown, importJson } from '../../src/lib/chatExport';
import {
  appendReplyText,
  appendUser,
  finishReply,
  newConversation,
  regenerate,
  startReply,
  type Conversation,
} from '../../src/lib/conversation';

const model: ModelStamp = { id: 'Llama-3.2-1B-Instruct', revision: '9213176726f5', engine: 'wllama' };
const stats: ReplyStats = {
  promptTokens: 30,
  completionTokens: 8,
  timeToFirstTokenS: 0.5,
  prefillTokensPerS: 60,
  decodeTokensPerS: 12.25,
  totalS: 1.2,
  finishReason: 'stop',
};

function sample(): Conversation {
  let c = newConversation(
    { systemPrompt: 'You are terse.\nAnswer in English.', temperature: 0.7, topP: 0.95, maxTokens: 512 },
    { ...model, hashes: { 'model.gguf': 'sha256-abc' } },
  );
  c = appendUser(c, 'What is **2+2**?');
  c = startReply(c, model, 'r1');
  c = finishReply(appendReplyText(c, 'r1', '4'), 'r1', 'complete', stats);
  c = regenerate(c, 'r1');
  c = startReply(c, model, 'r2');
  c = finishReply(appendReplyText(c, 'r2', 'Four.'), 'r2', 'interrupted', {
    ...stats,
    finishReason: 'abort',
  });
  return c;
}

function file(conversation: unknown): string {
  return JSON.stringify({ format: 'hearth-conversation', version: 1, conversation });
}

describe('exportJson / importJson', () => {
  it('round-trips everything but the id', () => {
    const c = sample();
    const text = exportJson(c);
    const parsed = JSON.parse(text);
    expect(parsed.format).toBe('hearth-conversation');
    expect(parsed.version).toBe(1);
    expect(parsed.conversation.messages[1].model).toEqual(model);
    expect(parsed.conversation.messages[1].stats.finishReason).toBe('abort');
    expect(parsed.conversation.branches[0].messages[1].stats).toEqual(stats);
    const result = importJson(text);
    if (!result.ok) throw new Error(result.error);
    const { id, updatedAt, ...rest } = result.conversation;
    const { id: oldId, updatedAt: oldUpdated, ...expected } = c;
    expect(id).not.toBe(oldId);
    expect(updatedAt).toBeGreaterThanOrEqual(oldUpdated);
    expect(rest).toEqual(expected);
  });

  it('gives a fresh id on every import', () => {
    const text = exportJson(sample());
    const a = importJson(text);
    const b = importJson(text);
    expect(a.ok && b.ok && a.conversation.id !== b.conversation.id).toBe(true);
  });

  it('never exports or imports the private flag', () => {
    const c = { ...sample(), private: true };
    expect(JSON.parse(exportJson(c)).conversation.private).toBeUndefined();
    const base = JSON.parse(exportJson(sample())).conversation;
    const result = importJson(file({ ...base, private: true, extra: 'dropped' }));
    expect(result.ok).toBe(true);
    expect(result.ok && result.conversation.private).toBeUndefined();
    expect(result.ok && 'extra' in result.conversation).toBe(false);
  });

  it('settles a reply that was streaming when exported', () => {
    let c = startReply(appendUser(newConversation(sample().settings, null), 'hi'), model, 'r');
    c = appendReplyText(c, 'r', 'par');
    const result = importJson(exportJson(c));
    expect(result.ok && result.conversation.messages[1].status).toBe('interrupted');
  });

  const base = (): Record<string, unknown> => JSON.parse(exportJson(sample())).conversation;
  const malformed: Record<string, string> = {
    'not JSON': '{',
    null: 'null',
    'an array': '[]',
    'another format': JSON.stringify({ format: 'other', version: 1, conversation: {} }),
    'a future version': JSON.stringify({ format: 'hearth-conversation', version: 2, conversation: {} }),
    'no conversation': JSON.stringify({ format: 'hearth-conversation', version: 1 }),
    'a missing title': file({ ...base(), title: undefined }),
    'a numeric title': file({ ...base(), title: 5 }),
    'messages not an array': file({ ...base(), messages: {} }),
    'a bad role': file({
      ...base(),
      messages: [{ id: 'm', role: 'system', content: 'x', createdAt: 1, status: 'complete' }],
    }),
    'a bad status': file({
      ...base(),
      messages: [{ id: 'm', role: 'user', content: 'x', createdAt: 1, status: 'done' }],
    }),
    'content not a string': file({
      ...base(),
      messages: [{ id: 'm', role: 'user', content: 1, createdAt: 1, status: 'complete' }],
    }),
    'duplicate message ids': file({
      ...base(),
      messages: [
        { id: 'm', role: 'user', content: 'x', createdAt: 1, status: 'complete' },
        { id: 'm', role: 'user', content: 'y', createdAt: 2, status: 'complete' },
      ],
    }),
    'bad stats': file({
      ...base(),
      messages: [
        {
          id: 'm',
          role: 'assistant',
          content: 'x',
          createdAt: 1,
          status: 'complete',
          stats: { promptTokens: 'a' },
        },
      ],
    }),
    'a bad engine': file({ ...base(), model: { id: 'x', revision: 'y', engine: 'gpu', hashes: {} } }),
    'bad hashes': file({ ...base(), model: { id: 'x', revision: 'y', engine: 'webllm', hashes: { a: 1 } } }),
    'negative temperature': file({
      ...base(),
      settings: { systemPrompt: '', temperature: -1, topP: 1, maxTokens: 10 },
    }),
    'fractional maxTokens': file({
      ...base(),
      settings: { systemPrompt: '', temperature: 1, topP: 1, maxTokens: 1.5 },
    }),
    'a bad branch reason': file({
      ...base(),
      branches: [{ id: 'b', createdAt: 1, reason: 'fork', messages: [] }],
    }),
    'missing branches': file({ ...base(), branches: undefined }),
    'a NaN-like timestamp': file({ ...base(), createdAt: '2024-01-01' }),
  };
  for (const [name, text] of Object.entries(malformed)) {
    it(`refuses ${name}`, () => {
      const result = importJson(text);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.length).toBeGreaterThan(0);
    });
  }

  it('says where the shape is wrong', () => {
    const result = importJson(
      file({
        ...base(),
        messages: [{ id: 'm', role: 'bot', content: '', createdAt: 1, status: 'complete' }],
      }),
    );
    expect(!result.ok && result.error).toContain('conversation.messages[0].role');
  });

  it('accepts a conversation without a model', () => {
    const result = importJson(file({ ...base(), model: null }));
    expect(result.ok && result.conversation.model).toBeNull();
  });
});

describe('exportMarkdown', () => {
  it('is a readable transcript with the model and stats of each reply', () => {
    const md = exportMarkdown(sample());
    expect(md).toMatch(/^# What is \*\*2\+2\*\*\?\n/);
    expect(md).toContain('- Model: Llama-3.2-1B-Instruct (revision 9213176726f5, wllama)');
    expect(md).toContain('temperature 0.7, top-p 0.95, max new tokens 512');
    expect(md).toContain('  > You are terse.\n  > Answer in English.');
    expect(md).toContain('## User\n\nWhat is **2+2**?');
    expect(md).toContain(
      '## Assistant\n\n_Llama-3.2-1B-Instruct@9213176726f5 · 0.50 s to first token · prefill 60.0 tok/s',
    );
    expect(md).toContain('decode 12.3 tok/s · 30 prompt + 8 completion tokens_');
    expect(md).toContain('_(stopped before the end)_\n\nFour.');
    expect(md).toContain('Earlier versions: 1');
  });

  it('names files after the title', () => {
    const c = { ...sample(), title: 'Héllo, World! / test', updatedAt: Date.UTC(2025, 0, 31) };
    expect(exportFileName(c, 'md')).toBe('hearth-hello-world-test-2025-01-31.md');
    expect(exportFileName({ ...c, title: '???' }, 'json')).toBe('hearth-chat-2025-01-31.json');
  });
});
