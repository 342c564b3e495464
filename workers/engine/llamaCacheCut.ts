import type { EngineMessage } from '../shared/chat';
import { cacheReuseChunk } from './llamaAttention';

/*
 * Why the GGUF engine sometimes cuts llama.cpp's cache before a prompt.
 *
 * With cache reuse on (`cacheReuseChunk`), llama.cpp looks past the prefix a new prompt shares
 * with its cache for runs of 64+ cached tokens that the prompt has too, and shifts them into
 * place instead of computing them. Their keys and values were computed with whatever came before
 * them then. That is what dropping the oldest turns wants (the turns that stay were computed with
 * the dropped ones in view: the accepted approximation of a window shift). Anywhere else it puts
 * text the model should not see into what it reads: a paragraph deleted from a message being
 * typed, the old wording of an edited message, another conversation pasting the same document.
 * So before any other prompt whose difference leaves such a run behind, the engine has llama.cpp
 * compute the shared prefix alone first; that drops everything cached after it, and leaves no run
 * to move.
 */

/** A text for llama.cpp and the conversation it renders: what its cache holds once computed. */
export interface CachedPrompt {
  text: string;
  messages: EngineMessage[];
}

/**
 * The fewest UTF-16 units a run of `cacheReuseChunk` tokens can take: a token is at least one
 * byte of UTF-8, and one UTF-16 unit is at most three.
 */
const runMinChars = Math.ceil(cacheReuseChunk / 3);

/** Length of the text two strings begin with, never splitting a surrogate pair. */
export function sharedPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  const code = a.charCodeAt(i - 1);
  return i > 0 && i < n && code >= 0xd800 && code <= 0xdbff ? i - 1 : i;
}

/** The conversation `next` is `held` with its oldest turns left out (the window shifted), the system prompt kept. */
export function dropsOldestTurns(held: EngineMessage[], next: EngineMessage[]): boolean {
  const system = (list: EngineMessage[]): string | null => list.find((m) => m.role === 'system')?.content ?? null;
  if (system(held) !== system(next)) return false;
  const heldTurns = held.filter((m) => m.role !== 'system');
  const first = next.find((m) => m.role !== 'system');
  return !!first && heldTurns.findIndex((m, i) => i > 0 && m.role === first.role && m.content === first.content) > 0;
}

/**
 * The text llama.cpp must compute alone before `next`, or null when `next` may follow what the
 * cache holds directly: it extends it, differs too little for a run to move, or shifts the window.
 */
export function cacheCutBefore(held: CachedPrompt | null, next: CachedPrompt): string | null {
  if (!held) return null;
  const shared = sharedPrefixLength(held.text, next.text);
  if (held.text.length - shared < runMinChars || next.text.length - shared < runMinChars) return null;
  if (dropsOldestTurns(held.messages, next.messages)) return null;
  // (Prompts share at least the template's first characters; one is a prompt too.)
  return next.text.slice(0, Math.max(shared, 1));
}
