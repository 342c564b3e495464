import type { EngineMessage } from '../shared/chat';

/*
 * Why the GGUF engine "settles" llama.cpp's cache after each reply.
 *
 * After a reply, llama.cpp's KV cache holds the prompt's tokens and the tokens it generated. The
 * next prompt reaches it as text (wllama 3 takes no tokens: `createCompletion` tokenizes a string
 * prompt inside llama.cpp, and tokenize/detokenize are gone from its API), and the text of a
 * reply does not always tokenize back to the tokens that were generated (a random-weight model's
 * never do; a real model's do not when it picks a non-canonical split, and the chat template
 * trims the reply). llama.cpp matches its cache by tokens, so from the first token that differs
 * it computes the whole reply again, on the user's time to first token.
 *
 * So as soon as a reply ends, the engine gives llama.cpp the text every next prompt of the
 * conversation begins with (the exchange, the reply closed by the template's end of turn) and lets
 * it compute that one prefix, while the user reads and types. The next prompt then finds the
 * whole previous exchange in the cache and computes only the new message. llama.cpp still
 * tokenizes every prompt in full and keeps its cache by tokens, so a prompt is never wrong
 * because of this: a prompt that does not begin with the settled text (a regenerate, an edit, a
 * continue, a window shift) cancels the settle and llama.cpp reuses what prefix matches.
 */

/**
 * The conversation once a reply is in it: a new reply becomes an assistant message, a continued
 * one grows the partial message it was given. Null for an empty reply (nothing to settle).
 */
export function exchangeAfterReply(messages: EngineMessage[], reply: string, continueLast: boolean): EngineMessage[] | null {
  if (!reply) return null;
  const last = messages.at(-1);
  if (continueLast && last?.role === 'assistant') return [...messages.slice(0, -1), { ...last, content: last.content + reply }];
  return [...messages, { role: 'assistant', content: reply }];
}

/**
 * What a new prompt does with a settle still running: `wait` when the prompt begins with the
 * settled text (that work is the start of its own), `cancel` when it does not (the work would be
 * thrown away, and the prompt should not wait for it).
 */
export function settleDecision(settling: string, prompt: string): 'wait' | 'cancel' {
  return prompt.startsWith(settling) ? 'wait' : 'cancel';
}

/** Computes a settled text's prefix in llama.cpp; resolves when done, rejects or resolves when aborted. */
export type SettleRun = (text: string, signal: AbortSignal) => Promise<void>;

/**
 * Runs at most one settle at a time, and puts each prompt after it or cancels it, by
 * `settleDecision`. A settle that fails is only a missed cache hit: it is never reported.
 */
export class CacheSettler {
  readonly #run: SettleRun;
  #running: { text: string; controller: AbortController; done: Promise<void> } | null = null;

  constructor(run: SettleRun) {
    this.#run = run;
  }

  /** Starts settling this text (the exchange a reply just closed), cancelling any settle before it. */
  start(text: string): void {
    this.#running?.controller.abort();
    const controller = new AbortController();
    const running = {
      text,
      controller,
      done: this.#run(text, controller.signal)
        .catch(() => {})
        .finally(() => {
          if (this.#running === running) this.#running = null;
        }),
    };
    this.#running = running;
  }

  /** Before a prompt reaches llama.cpp: waits for the settle it begins with, or cancels one it does not. */
  async before(prompt: string): Promise<void> {
    const running = this.#running;
    if (!running) return;
    if (settleDecision(running.text, prompt) === 'cancel') running.controller.abort();
    await running.done;
  }

  /** Cancels any settle and waits until llama.cpp is free (before unloading the model). */
  async stop(): Promise<void> {
    this.#running?.controller.abort();
    await this.#running?.done;
  }
}
