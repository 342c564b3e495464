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
  /**
   * When turns must be dropped, drop enough at once to free about this many tokens (0: only as
   * many as needed). Dropping in blocks keeps the start of the prompt, and so the engine's KV
   * cache of everything after it, the same for the next turns instead of changing every turn.
   */
  dropBlockTokens?: number;
  /** Turns dropped for the previous reply: the window never starts earlier again (its cache is gone). */
  droppedTurnsBefore?: number;
}

/** A prompt that fits: what to send, how many messages were left out, and its size. */
export interface FittedContext {
  messages: EngineMessage[];
  /** Messages left out, oldest first; they stay in the conversation. */
  droppedCount: number;
  /** Whole turns left out (pass back as `droppedTurnsBefore` for the next reply). */
  droppedTurns: number;
  /** Tokens of the kept messages (without the reply reserve). */
  usedTokens: number;
  /** What the policy did, in plain words, when it left anything out. */
  note: string | null;
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
 * one unbroken, most recent stretch of the conversation. Once turns are dropped the window never
 * starts earlier again, and with `dropBlockTokens` it moves on in blocks: the prompt keeps the
 * same start for several turns, so each one reuses the cache of the one before.
 */
export function fitContext(messages: EngineMessage[], budget: ContextBudget): FittedContext | PromptTooLong {
  const overhead = budget.perMessageTokens ?? 0;
  const size = (m: EngineMessage): number => budget.countTokens(m.content) + overhead;
  const available = budget.windowTokens - budget.reserveTokens;

  const system = messages.filter((m) => m.role === 'system');
  const turns = splitTurns(messages.filter((m) => m.role !== 'system'));
  const systemTokens = system.reduce((sum, m) => sum + size(m), 0);
  const turnTokens = turns.map((t) => t.reduce((sum, m) => sum + size(m), 0));

  let used = systemTokens;
  let firstKept = turns.length;
  for (let i = turns.length - 1; i >= 0; i--) {
    if (used + turnTokens[i] > available) {
      if (i === turns.length - 1) {
        return { error: 'prompt-too-long', needed: used + turnTokens[i] + budget.reserveTokens, window: budget.windowTokens };
      }
      break;
    }
    used += turnTokens[i];
    firstKept = i;
  }
  if (turns.length === 0 && used > available) {
    return { error: 'prompt-too-long', needed: used + budget.reserveTokens, window: budget.windowTokens };
  }

  const before = Math.min(budget.droppedTurnsBefore ?? 0, Math.max(0, turns.length - 1));
  let start = Math.max(firstKept, before);
  const movedNow = firstKept > before;
  if (movedNow && (budget.dropBlockTokens ?? 0) > 0) {
    // Free a block at once: keep dropping whole oldest turns (never the newest) while the rest
    // leaves less than a block of room.
    let kept = turnTokens.slice(start).reduce((a, b) => a + b, systemTokens);
    while (start < turns.length - 1 && available - kept < (budget.dropBlockTokens ?? 0)) {
      kept -= turnTokens[start];
      start += 1;
    }
  }
  used = turnTokens.slice(start).reduce((a, b) => a + b, systemTokens);
  const kept = turns.slice(start).flat();
  const droppedCount = turns.slice(0, start).reduce((sum, t) => sum + t.length, 0);
  return { messages: [...system, ...kept], droppedCount, droppedTurns: start, usedTokens: used, note: dropNote(start, droppedCount, movedNow, start - before, (budget.dropBlockTokens ?? 0) > 0) };
}

/** What the policy did, in plain words. */
function dropNote(droppedTurns: number, droppedMessages: number, movedNow: boolean, newlyDropped: number, inBlocks: boolean): string | null {
  if (droppedTurns === 0) return null;
  const turns = (n: number): string => `${n} ${n === 1 ? 'turn' : 'turns'}`;
  const kept = `The oldest ${turns(droppedTurns)} (${droppedMessages} ${droppedMessages === 1 ? 'message' : 'messages'}) are left out of what the model sees; they stay in the conversation.`;
  if (!movedNow) return `${kept} The model reads on from the same point, so its cache of the rest is reused.`;
  const was = newlyDropped === 1 ? 'was' : 'were';
  if (!inBlocks) return `${kept} ${turns(newlyDropped)} ${was} dropped to make room for this reply.`;
  return `${kept} ${turns(newlyDropped)} ${was} dropped at once to make room for the next few replies, so each of them reuses the cache.`;
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
