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
 * The same path computes the message being typed: when the user pauses, the page sends the
 * conversation with the draft as its last message, and the engine settles the whole prompt that
 * Send would give now, the template's closing tokens and the reply's header included. Sent as it
 * is, the message then costs llama.cpp one token (measured on the bench GGUF at ~1,600 cached
 * tokens: one token ~38 ms, the five closing tokens ~120 ms, the whole ~100-token message
 * ~380 ms). Typed on, it costs what was typed since: the cache matches up to the draft's end.
 * Decisions compare prompts with a settle's `prefix`, the part of it later prompts are expected to
 * begin with (for a draft, its prompt up to the draft's last character): a draft extends the
 * exchange settled before it, and a longer draft the shorter one, so each runs after the one it
 * extends instead of cancelling it.
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

/** One settle: what later prompts begin with if it is of use, how to cancel it, when llama.cpp is done with it. */
interface Settle {
  prefix: string;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs settles one at a time, each after the one it extends, and puts each prompt after the
 * settles it begins with and cancels the others, by `settleDecision`. A settle that fails is only
 * a missed cache hit: it is never reported.
 */
export class CacheSettler {
  readonly #run: SettleRun;
  /** Settles not yet finished, oldest first; each one's prefix begins with the one before it. */
  #chain: Settle[] = [];
  /** Every settle llama.cpp may still be busy with, cancelled ones included. */
  readonly #pending = new Set<Promise<void>>();

  constructor(run: SettleRun) {
    this.#run = run;
  }

  /** Cancels the settles at the end of the chain that `text` does not begin with; the last one left. */
  #keepPrefixesOf(text: string): Settle | undefined {
    for (let last = this.#chain.at(-1); last; last = this.#chain.at(-1)) {
      if (settleDecision(last.prefix, text) === 'wait') return last;
      last.controller.abort();
      this.#chain.pop();
    }
    return undefined;
  }

  /**
   * Starts settling this text (the exchange a reply just closed, or a draft's prompt whose
   * `prefix` ends with the draft). Settles it begins with are the start of its work: they run on,
   * and this one after them. Others are cancelled.
   */
  start(text: string, prefix = text): void {
    const after = this.#keepPrefixesOf(prefix)?.done;
    const controller = new AbortController();
    const go = (): Promise<void> | undefined => (controller.signal.aborted ? undefined : this.#run(text, controller.signal));
    const settle: Settle = {
      prefix,
      controller,
      // With nothing to wait for, llama.cpp gets the text at once.
      done: (after ? after.then(go) : (async () => go())())
        .catch(() => {})
        .finally(() => {
          this.#chain = this.#chain.filter((s) => s !== settle);
          this.#pending.delete(settle.done);
        }),
    };
    this.#chain.push(settle);
    this.#pending.add(settle.done);
  }

  /** Before a prompt reaches llama.cpp: waits for the settles it begins with, cancels the others. */
  async before(prompt: string): Promise<void> {
    this.#keepPrefixesOf(prompt);
    await Promise.all(this.#pending);
  }

  /** Cancels every settle and waits until llama.cpp is free (before unloading the model). */
  async stop(): Promise<void> {
    for (const settle of this.#chain) settle.controller.abort();
    this.#chain = [];
    await Promise.all(this.#pending);
  }
}
