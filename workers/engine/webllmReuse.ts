import type { EngineMessage } from '../shared/chat';

/** What web-llm's KV cache holds after a reply: the conversation it saw, and its length in tokens. */
export interface WebllmKvState {
  messages: EngineMessage[];
  tokens: number;
  /** Whether the reply ended on its own: web-llm rebuilds the cache after an abort or a cut. */
  finishedCleanly: boolean;
}

/**
 * Tokens web-llm reuses for this request: it keeps its KV cache ("multiround chatting") only when
 * the request's earlier messages are exactly the conversation it last saw, its own reply included,
 * and that reply ended cleanly; otherwise it starts over (see tests/unit/webllmContract.test.ts).
 */
export function webllmReusedTokens(previous: WebllmKvState | null, messages: EngineMessage[]): number {
  if (!previous || !previous.finishedCleanly) return 0;
  const earlier = messages.slice(0, -1);
  if (earlier.length !== previous.messages.length) return 0;
  const same = earlier.every((m, i) => m.role === previous.messages[i].role && m.content === previous.messages[i].content);
  return same ? previous.tokens : 0;
}
