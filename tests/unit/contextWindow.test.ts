import { describe, expect, it } from 'vitest';
import type { EngineMessage } from '../../workers/shared/chat';
import { estimateTokens, fitContext, isPromptTooLong, type FittedContext } from '../../src/lib/contextWindow';

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
    expect(fit(history, 100, 45)).toEqual({ messages: history, droppedCount: 0, usedTokens: 55 });
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
    expect(fit([], 10, 5)).toEqual({ messages: [], droppedCount: 0, usedTokens: 0 });
    expect(fit([sys], 10, 5)).toEqual({ messages: [sys], droppedCount: 0, usedTokens: 5 });
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
});
