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
 *
 * The message being typed is settled too: while the user types, the engine has llama.cpp compute
 * the prompt the draft would become, up to the draft's last character (`promptUpToLastMessage`),
 * so on Send only the template's few closing tokens and the last word are left to compute. Each
 * draft begins with the exchange settled before it and, as the user types on, with the draft
 * before it: such a text waits for the work it extends instead of cancelling it.
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
 * The text a conversation renders to up to the end of its last message's content, before
 * whatever the template closes a turn with (a marker finds that point for any template). Null
 * when the template drops the marker.
 */
export function promptUpToLastMessage(render: (messages: EngineMessage[]) => string, messages: EngineMessage[]): string | null {
  const last = messages.at(-1);
  if (!last) return null;
  const marker = '\u0001hearth-end\u0001';
  const text = render([...messages.slice(0, -1), { ...last, content: last.content + marker }]);
  const at = text.indexOf(marker);
  return at >= 0 ? text.slice(0, at) : null;
}

/**
 * Runs settles one after another, each text beginning with the one before it, and puts each
 * prompt after the ones it begins with and cancels the others (`settleDecision`). A settle that
 * fails is only a missed cache hit: it is never reported.
 */
export class CacheSettler {
  readonly #run: SettleRun;
  /** The settles queued or running, oldest first; each text begins with the one before it. */
  #chain: { text: string; controller: AbortController; result: Promise<boolean> }[] = [];
  /** Ends when every settle started so far has ended (finished or aborted). */
  #idle: Promise<unknown> = Promise.resolve();

  constructor(run: SettleRun) {
    this.#run = run;
  }

  /**
   * Starts settling this text after the settles it begins with, cancelling the others. Resolves
   * true once llama.cpp has computed it, false when it was cancelled or failed.
   */
  start(text: string): Promise<boolean> {
    this.#keepPrefixesOf(text);
    const last = this.#chain.at(-1);
    if (last?.text === text) return last.result;
    const controller = new AbortController();
    const result = this.#idle
      .then(async () => {
        if (controller.signal.aborted) return false;
        await this.#run(text, controller.signal);
        return !controller.signal.aborted;
      })
      .catch(() => false)
      .finally(() => {
        this.#chain = this.#chain.filter((l) => l.controller !== controller);
      });
    this.#chain.push({ text, controller, result });
    this.#idle = result;
    return result;
  }

  /** Before a prompt reaches llama.cpp: waits for the settles it begins with, cancels the others. */
  async before(prompt: string): Promise<void> {
    this.#keepPrefixesOf(prompt);
    await this.#idle;
  }

  /** Cancels every settle and waits until llama.cpp is free (before unloading the model). */
  async stop(): Promise<void> {
    for (const link of this.#chain) link.controller.abort();
    this.#chain = [];
    await this.#idle;
  }

  #keepPrefixesOf(text: string): void {
    for (const link of this.#chain) if (settleDecision(link.text, text) === 'cancel') link.controller.abort();
    this.#chain = this.#chain.filter((l) => !l.controller.signal.aborted);
  }
}
