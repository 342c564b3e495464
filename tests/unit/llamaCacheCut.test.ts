import { Template } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { LLAMA32_CHAT_TEMPLATE } from '../fixtures/gguf';
import type { EngineMessage } from '../../workers/shared/chat';
import { cacheCutBefore, dropsOldestTurns, sharedPrefixLength, type CachedPrompt } from '../../workers/engine/llamaCacheCut';
import { draftPrompt } from '../../workers/engine/llamaCacheSettle';

const template = new Template(LLAMA32_CHAT_TEMPLATE);
const render = (messages: EngineMessage[], generation: boolean): string => template.render({ messages, add_generation_prompt: generation, bos_token: '', eos_token: '' });
/** What the engine gives llama.cpp for a prompt, and for a message being typed. */
const prompt = (messages: EngineMessage[]): CachedPrompt => ({ text: render(messages, true), messages });
const draft = (messages: EngineMessage[]): CachedPrompt => ({ text: draftPrompt((list) => render(list, false), messages) ?? '', messages });

const system: EngineMessage = { role: 'system', content: 'Be brief.' };
const turn = (n: number): EngineMessage[] => [
  { role: 'user', content: `Question ${n}: tell me about the sea, the rivers that run into it and the towns on their banks.` },
  { role: 'assistant', content: `Answer ${n}: the sea is wide, the rivers are long, and the towns on their banks are old and full of boats.` },
];
const paragraph = (word: string): string => `${word} `.repeat(40).trim();

describe('cacheCutBefore', () => {
  const conversation = [system, ...turn(1)];

  it('lets a prompt that extends the cache, or differs from it by a few characters, follow it directly', () => {
    const typed = [...conversation, { role: 'user' as const, content: `${paragraph('alpha')} and the` }];
    const more = [...conversation, { role: 'user' as const, content: `${paragraph('alpha')} and the sky` }];
    expect(cacheCutBefore(draft(typed), draft(more))).toBeNull();
    expect(cacheCutBefore(draft(typed), prompt(more))).toBeNull();
    // A word taken back and typed again: too little is left behind for a 64-token run.
    const fixed = [...conversation, { role: 'user' as const, content: `${paragraph('alpha')} and so` }];
    expect(cacheCutBefore(draft(more), draft(fixed))).toBeNull();
    expect(cacheCutBefore(null, prompt(more))).toBeNull();
    // A regenerate: the prompt ends where the cached reply began; nothing after it to move.
    const exchange = [...conversation, { role: 'user' as const, content: 'And the sky?' }];
    expect(cacheCutBefore({ text: render([...exchange, { role: 'assistant', content: paragraph('blue') }], false), messages: exchange }, prompt(exchange))).toBeNull();
  });

  it('cuts at the shared text when a paragraph is deleted from the middle of a message read ahead', () => {
    const read = [...conversation, { role: 'user' as const, content: `${paragraph('alpha')}\n\n${paragraph('beta')}\n\n${paragraph('gamma')}` }];
    const sent = [...conversation, { role: 'user' as const, content: `${paragraph('alpha')}\n\n${paragraph('gamma')}` }];
    const cut = cacheCutBefore(draft(read), prompt(sent));
    expect(cut).not.toBeNull();
    expect(prompt(sent).text.startsWith(cut ?? '')).toBe(true);
    expect(draft(read).text.startsWith(cut ?? '')).toBe(true);
    expect(cut?.endsWith(`${paragraph('alpha')}\n\n`)).toBe(true);
  });

  it('cuts for an edited message and for another conversation, not for the oldest turns left out', () => {
    const long = [system, ...turn(1), ...turn(2), ...turn(3)];
    const held = prompt([...long, { role: 'user', content: 'And the sky?' }]);
    const edited = prompt([system, { role: 'user', content: `Question 1, again: ${turn(1)[0].content}` }]);
    const other = prompt([{ role: 'system', content: 'Be kind.' }, ...turn(2), { role: 'user', content: 'And the sky?' }]);
    const shifted = prompt([system, ...turn(2), ...turn(3), { role: 'user', content: 'And the sky?' }]);
    expect(cacheCutBefore(held, edited)).not.toBeNull();
    expect(cacheCutBefore(held, other)).not.toBeNull();
    expect(cacheCutBefore(held, shifted)).toBeNull();
  });

  it('never cuts inside a surrogate pair', () => {
    expect(sharedPrefixLength('ab\u{1F30A}x', 'ab\u{1F30B}x')).toBe(2);
    expect(sharedPrefixLength('same', 'same')).toBe(4);
  });
});

describe('dropsOldestTurns', () => {
  it('is true when the conversation begins with a later turn of the cached one, under the same system prompt', () => {
    const held = [system, ...turn(1), ...turn(2)];
    expect(dropsOldestTurns(held, [system, ...turn(2)])).toBe(true);
    expect(dropsOldestTurns(held, [system, ...turn(1)])).toBe(false);
    expect(dropsOldestTurns(held, [{ role: 'system', content: 'Be kind.' }, ...turn(2)])).toBe(false);
    expect(dropsOldestTurns(held, [system])).toBe(false);
  });
});
