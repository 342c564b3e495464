import { describe, expect, it } from 'vitest';
import type { EngineMessage } from '../../workers/shared/chat';
import { ContextBudget } from '../../src/lib/contextBudget';
import { estimateTokens, fitContext, isPromptTooLong, type FittedContext } from '../../src/lib/contextWindow';
import { appendReplyText, appendUser, engineMessages, finishReply, newConversation, startReply } from '../../src/lib/conversation';

/** One token per character makes budgets easy to reason about. */
const chars = (text: string): number => text.length;

const sys: EngineMessage = { role: 'system', content: 'SSSSS' }; // 5
const u = (content: string): EngineMessage => ({ role: 'user', content });
const a = (content: string): EngineMessage => ({ role: 'assistant', content });

function fit(
  messages: EngineMessage[],
  windowTokens: number,
  reserveTokens: number,
  perMessageTokens = 0,
): FittedContext {
  const result = fitContext(messages, { countTokens: chars, windowTokens, reserveTokens, perMessageTokens });
  if (isPromptTooLong(result)) throw new Error(`unexpected ${JSON.stringify(result)}`);
  return result;
}

const history = [sys, u('u1aaaaaaaa'), a('a1aaaaaaaa'), u('u2aaaaaaaa'), a('a2aaaaaaaa'), u('u3aaaaaaaa')];
// system 5 + four turns' messages of 10 each: 55 tokens in all.

describe('fitContext', () => {
  it('keeps everything when it fits', () => {
    expect(fit(history, 100, 45)).toEqual({ messages: history, droppedCount: 0, droppedTurns: 0, usedTokens: 55, note: null });
  });

  it('drops the oldest whole turn first, keeping the system prompt', () => {
    const r = fit(history, 100, 46);
    expect(r.messages).toEqual([sys, u('u2aaaaaaaa'), a('a2aaaaaaaa'), u('u3aaaaaaaa')]);
    expect(r.droppedCount).toBe(2);
    expect(r.usedTokens).toBe(35);
  });

  it('drops as many turns as needed, never splitting one', () => {
    const r = fit(history, 100, 70); // 30 available: system + last turn only
    expect(r.messages).toEqual([sys, u('u3aaaaaaaa')]);
    expect(r.droppedCount).toBe(4);
    expect(r.usedTokens).toBe(15);
    // 34 available: the middle turn (20) does not fit, so it goes whole rather than keeping a2 alone.
    expect(fit(history, 100, 66).messages).toEqual([sys, u('u3aaaaaaaa')]);
  });

  it('keeps a contiguous stretch: an older small turn is not kept after a bigger one was dropped', () => {
    const msgs = [u('x'), a('y'), u('big'.repeat(10)), a('z'), u('last')];
    const r = fit(msgs, 20, 10); // 10 available: last (4) fits, big turn (31) does not; x/y (2) would but must go
    expect(r.messages).toEqual([u('last')]);
    expect(r.droppedCount).toBe(4);
  });

  it('counts a template overhead per message', () => {
    const r = fit(history, 100, 40, 2); // 55 + 6*2 = 67 > 60
    expect(r.droppedCount).toBe(2);
    expect(r.usedTokens).toBe(35 + 4 * 2);
  });

  it('reports a prompt that cannot fit even alone', () => {
    const result = fitContext(history, { countTokens: chars, windowTokens: 100, reserveTokens: 90 });
    expect(result).toEqual({ error: 'prompt-too-long', needed: 5 + 10 + 90, window: 100 });
    const noSystem = fitContext([u('x'.repeat(50))], {
      countTokens: chars,
      windowTokens: 40,
      reserveTokens: 0,
    });
    expect(noSystem).toEqual({ error: 'prompt-too-long', needed: 50, window: 40 });
  });

  it('reports a reserve as large as the window', () => {
    const result = fitContext([u('hi')], { countTokens: chars, windowTokens: 100, reserveTokens: 100 });
    expect(isPromptTooLong(result)).toBe(true);
  });

  it('keeps a reply that ends the list with its prompt (continuing a reply)', () => {
    const msgs = [u('aaaa'), a('bbbb'), u('cccc'), a('dddd')];
    expect(fit(msgs, 10, 2).messages).toEqual([u('cccc'), a('dddd')]);
  });

  it('treats replies before any user message as the oldest turn', () => {
    const msgs = [sys, a('hello'), u('hi'), a('yo')];
    const r = fit(msgs, 12, 2); // 10 available: sys 5 + hi/yo 4 = 9; greeting (5) dropped
    expect(r.messages).toEqual([sys, u('hi'), a('yo')]);
    expect(r.droppedCount).toBe(1);
  });

  it('handles empty input and a system prompt alone', () => {
    expect(fit([], 10, 5)).toEqual({ messages: [], droppedCount: 0, droppedTurns: 0, usedTokens: 0, note: null });
    expect(fit([sys], 10, 5)).toEqual({ messages: [sys], droppedCount: 0, droppedTurns: 0, usedTokens: 5, note: null });
    expect(fitContext([sys], { countTokens: chars, windowTokens: 8, reserveTokens: 5 })).toEqual({
      error: 'prompt-too-long',
      needed: 10,
      window: 8,
    });
  });

  it('accepts any counter, including the estimate', () => {
    const r = fitContext(history, { countTokens: estimateTokens, windowTokens: 4096, reserveTokens: 512 });
    expect(isPromptTooLong(r)).toBe(false);
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('a'.repeat(35))).toBe(10);
  });

  it('fits a long conversation quickly', () => {
    const long: EngineMessage[] = [sys];
    for (let i = 0; i < 2000; i++) long.push(u(`question ${i} `.repeat(20)), a(`answer ${i} `.repeat(40)));
    const start = performance.now();
    const r = fit(long, 8192, 1024);
    expect(performance.now() - start).toBeLessThan(200);
    expect(r.usedTokens).toBeLessThanOrEqual(8192 - 1024);
    expect(r.messages.at(-1)).toEqual(long.at(-1));
    expect(r.droppedCount + r.messages.length).toBe(long.length);
  });

  describe('keeping the cache: blocks and a start that never moves back', () => {
    // system 5; eight turns of user 10 + reply 10 = 20 each: 165 tokens in all.
    const eight: EngineMessage[] = [sys];
    for (let i = 1; i <= 8; i++) eight.push(u(`u${i}`.padEnd(10, 'a')), a(`a${i}`.padEnd(10, 'a')));
    const budget = (extra: Partial<Parameters<typeof fitContext>[1]>) => ({ countTokens: chars, windowTokens: 150, reserveTokens: 10, ...extra });

    it('drops only what it must without a block size, and says so', () => {
      const r = fitContext(eight, budget({})) as FittedContext;
      expect(r.droppedTurns).toBe(2); // 165 > 140: two turns (40) leave 125
      expect(r.usedTokens).toBe(125);
      expect(r.note).toBe('The oldest 2 turns (4 messages) are left out of what the model sees; they stay in the conversation. 2 turns were dropped to make room for this reply.');
    });

    it('drops a block at once so the next turns keep the same start', () => {
      const first = fitContext(eight, budget({ dropBlockTokens: 40 })) as FittedContext;
      // Two turns are needed (125 used, 15 free); a block of 40 free takes two more: 85 used.
      expect(first.droppedTurns).toBe(4);
      expect(first.usedTokens).toBe(85);
      expect(first.messages[1]).toEqual(u('u5aaaaaaaa'));
      expect(first.note).toContain('4 turns were dropped at once to make room for the next few replies');

      // The next turn fits from the same start: nothing more is dropped, the prompt's start is the same.
      const next = fitContext([...eight, u('u9aaaaaaaa'), a('a9aaaaaaaa')], budget({ dropBlockTokens: 40, droppedTurnsBefore: first.droppedTurns })) as FittedContext;
      expect(next.droppedTurns).toBe(4);
      expect(next.messages.slice(0, first.messages.length)).toEqual(first.messages);
      expect(next.note).toContain('reads on from the same point');
    });

    it('never starts earlier again, even when the older turns would fit', () => {
      const r = fitContext(eight, { countTokens: chars, windowTokens: 1000, reserveTokens: 10, droppedTurnsBefore: 3 }) as FittedContext;
      expect(r.droppedTurns).toBe(3);
      expect(r.messages[1]).toEqual(u('u4aaaaaaaa'));
    });

    it('keeps the newest turn even when a block would take it', () => {
      const r = fitContext(eight, budget({ dropBlockTokens: 1000 })) as FittedContext;
      expect(r.droppedTurns).toBe(7);
      expect(r.messages).toEqual([sys, u('u8aaaaaaaa'), a('a8aaaaaaaa')]);
    });

    it('forgets a start past the end (a shorter branch) and keeps the newest turn', () => {
      const r = fitContext(eight.slice(0, 5), budget({ droppedTurnsBefore: 9 })) as FittedContext;
      expect(r.droppedTurns).toBe(1);
      expect(r.messages.at(-1)).toEqual(a('a2aaaaaaaa'));
    });
  });
});

describe('ContextBudget keeps the start of each conversation', () => {
  const settings = { systemPrompt: '', temperature: 0.6, topP: 0.9, maxTokens: 30 };
  const stamp = { id: 'm', revision: 'r', engine: 'wllama' as const };
  const noTemplate = { base: { specials: 0, chars: 0 }, perMessage: { specials: 0, chars: 0 } };
  /** A conversation of `turns` turns of 30 characters each way (10 tokens each at 1/3 token per character). */
  function chatOf(turns: number) {
    let c = newConversation(settings, null);
    for (let i = 1; i <= turns; i++) {
      c = appendUser(c, `u${i}`.padEnd(30, 'a'));
      c = startReply(c, stamp, `r${i}`);
      c = appendReplyText(c, `r${i}`, `a${i}`.padEnd(30, 'a'));
      c = finishReply(c, `r${i}`, 'complete');
    }
    return appendUser(c, 'next'.padEnd(30, 'a'));
  }

  it('moves the window in blocks of a quarter, never back, per conversation, and starts over for a new model', () => {
    const budget = new ContextBudget();
    budget.reset(noTemplate);
    const c = chatOf(8);
    // 170 tokens into 120 (150 less 30 for the reply): three turns must go, and a fourth so that
    // a block of 30 (a quarter) is free for the next turns.
    const first = budget.fit(c, engineMessages(c), 150) as FittedContext;
    expect(first.droppedTurns).toBe(4);
    expect(first.note).toContain('dropped at once to make room for the next few replies');
    budget.settle(c.id, first);
    // Shorter settings would let earlier turns back in: the start stays where the cache is.
    const roomier = { ...c, settings: { ...c.settings, maxTokens: 1 } };
    const again = budget.fit(roomier, engineMessages(roomier), 150) as FittedContext;
    expect(again.droppedTurns).toBe(4);
    expect(again.note).toContain('reads on from the same point');
    // Another conversation, and a new model (an empty cache), start from the beginning.
    const other = { ...roomier, id: 'other' };
    expect((budget.fit(other, engineMessages(other), 150) as FittedContext).droppedTurns).toBe(3);
    budget.reset(noTemplate);
    expect((budget.fit(roomier, engineMessages(roomier), 150) as FittedContext).droppedTurns).toBe(3);
  });
});
