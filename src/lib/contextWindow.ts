import type { EngineMessage } from '../../workers/shared/chat';

/** Counts the tokens of a text; an estimate is fine, exact counts come from the engine. */
export type TokenCounter = (text: string) => number;

/** The limits a prompt must fit in. */
export interface ContextBudget {
  countTokens: TokenCounter;
  /** The model's context window, in tokens. */
  windowTokens: number;
  /** Tokens kept free for the reply (the sampling `maxTokens`). */
  reserveTokens: number;
  /** Tokens a chat template adds around each message (role headers); 0 when unknown. */
  perMessageTokens?: number;
}

/** A prompt that fits: what to send, how many messages were left out, and its size. */
export interface FittedContext {
  messages: EngineMessage[];
  /** Messages left out, oldest first; they stay in the conversation. */
  droppedCount: number;
  /** Tokens of the kept messages (without the reply reserve). */
  usedTokens: number;
}

/** Even the newest user message (with the system prompt and the reply reserve) is too long. */
export interface PromptTooLong {
  error: 'prompt-too-long';
  /** Tokens the shortest acceptable prompt needs, reply reserve included. */
  needed: number;
  window: number;
}

/**
 * A rough token count for Llama tokenizers (about 4 characters a token in English prose); it
 * leans high, so a prompt it accepts rarely overflows the real window.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}

/**
 * Fits a conversation into the context window. The system prompt and the newest turns are kept;
 * the oldest whole turns (a user message with the replies after it) are dropped until the rest
 * plus the reply reserve fits. Turns are never skipped in the middle, so the model always sees
 * one unbroken, most recent stretch of the conversation.
 */
export function fitContext(messages: EngineMessage[], budget: ContextBudget): FittedContext | PromptTooLong {
  const overhead = budget.perMessageTokens ?? 0;
  const size = (m: EngineMessage): number => budget.countTokens(m.content) + overhead;
  const available = budget.windowTokens - budget.reserveTokens;

  const system = messages.filter((m) => m.role === 'system');
  const turns = splitTurns(messages.filter((m) => m.role !== 'system'));
  const systemTokens = system.reduce((sum, m) => sum + size(m), 0);

  let used = systemTokens;
  let firstKept = turns.length;
  for (let i = turns.length - 1; i >= 0; i--) {
    const turnTokens = turns[i].reduce((sum, m) => sum + size(m), 0);
    if (used + turnTokens > available) {
      if (i === turns.length - 1) {
        return {
          error: 'prompt-too-long',
          needed: used + turnTokens + budget.reserveTokens,
          window: budget.windowTokens,
        };
      }
      break;
    }
    used += turnTokens;
    firstKept = i;
  }
  if (turns.length === 0 && used > available) {
    return { error: 'prompt-too-long', needed: used + budget.reserveTokens, window: budget.windowTokens };
  }

  const kept = turns.slice(firstKept).flat();
  const droppedCount = turns.slice(0, firstKept).reduce((sum, t) => sum + t.length, 0);
  return { messages: [...system, ...kept], droppedCount, usedTokens: used };
}

/** Type guard for the error result of `fitContext`. */
export function isPromptTooLong(result: FittedContext | PromptTooLong): result is PromptTooLong {
  return 'error' in result;
}

/** Groups messages into turns, each starting at a user message; replies before any user message form their own turn. */
function splitTurns(messages: EngineMessage[]): EngineMessage[][] {
  const turns: EngineMessage[][] = [];
  for (const m of messages) {
    if (m.role === 'user' || turns.length === 0) turns.push([m]);
    else turns[turns.length - 1].push(m);
  }
  return turns;
}
