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
 * the prompt the draft would become, up to the draft's last character (`draftPrompt`), so on Send
 * only the template's few closing tokens and the last word are left to compute. Each draft begins
 * with the exchange settled before it and, as the user types on, with the draft before it: such a
 * text waits for the work it extends instead of cancelling it. Only where llama.cpp computes a few
 * tokens as cheaply per token as many (`readsAhead` in wllamaEngine.ts).
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
 * The text a message being typed (the last of `messages`) is sure to begin with once sent: the
 * prompt up to its last character, without trailing white space, since Llama 3's template trims a
 * message (a space typed last would end the text past the prompt Send makes).
 */
export function draftPrompt(render: (messages: EngineMessage[]) => string, messages: EngineMessage[]): string | null {
  const last = messages.at(-1);
  if (last?.role !== 'user' || !last.content.trim()) return null;
  return promptUpToLastMessage(render, [...messages.slice(0, -1), { ...last, content: last.content.trimEnd() }]);
}

/**
 * Characters of new text a message being typed is read in at most: llama.cpp notices a cancel
 * only between the batches it computes (up to 2,048 tokens here), so a long paste is read a slice
 * at a time, and a Send of other text waits for one slice at most (~250 tokens).
 */
export const readSliceChars = 1000;

/**
 * The part of `text` to read next, after llama.cpp last read `held`: all of it when the new part
 * is at most `readSliceChars`, else up to a space within that many characters past what they
 * share.
 */
export function nextReadSlice(held: string, text: string): string {
  let shared = 0;
  const n = Math.min(held.length, text.length);
  while (shared < n && held.charCodeAt(shared) === text.charCodeAt(shared)) shared++;
  const limit = shared + readSliceChars;
  if (text.length <= limit) return text;
  const space = text.lastIndexOf(' ', limit);
  let end = space > shared ? space : limit;
  // Never between the two halves of a surrogate pair (llama.cpp's JSON refuses a lone one).
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/** Computes a settle in llama.cpp; resolves when done, rejects or resolves when aborted. */
export type SettleRun<T> = (settle: T, signal: AbortSignal) => Promise<void>;

interface Settle<T> {
  value: T;
  controller: AbortController;
  result: Promise<boolean>;
  resolve: (computed: boolean) => void;
}

/**
 * Runs settles one at a time: the one llama.cpp is computing, and at most one waiting for it (the
 * newest). A settle whose text extends the running one waits for it; one that does not cancels
 * it; the newest replaces the one waiting, whose text it contains or makes useless. So however
 * fast the user types, a Send waits for at most the one settle it begins with. A settle that
 * fails is only a missed cache hit: it is never reported.
 */
export class CacheSettler<T extends { text: string }> {
  readonly #run: SettleRun<T>;
  #running: Settle<T> | null = null;
  #waiting: Settle<T> | null = null;
  #closed = false;

  constructor(run: SettleRun<T>) {
    this.#run = run;
  }

  /** Settles this text after the running settle when it extends it. True once computed; false when cancelled, replaced or failed. */
  start(value: T): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (this.#waiting?.value.text === value.text) return this.#waiting.result;
    this.#clearFor(value.text);
    const running = this.#running;
    if (running?.value.text === value.text && !running.controller.signal.aborted) return running.result;
    let resolve: (computed: boolean) => void = () => {};
    const result = new Promise<boolean>((r) => (resolve = r));
    const settle = { value, controller: new AbortController(), result, resolve };
    if (this.#running) this.#waiting = settle;
    else this.#begin(settle);
    return result;
  }

  /**
   * Before a prompt reaches llama.cpp: cancels the settle waiting (the prompt computes that text
   * itself, in one batch) and a running one it does not begin with, then waits for the running
   * one it begins with, or until `signal` aborts (Stop).
   */
  async before(prompt: string, signal?: AbortSignal): Promise<void> {
    this.#clearFor(prompt, true);
    const running = this.#running;
    if (!running || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      void running.result.then(() => resolve());
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  /** Cancels every settle, refuses new ones, and waits until llama.cpp is free (before unloading the model). */
  async stop(): Promise<void> {
    this.#closed = true;
    this.#clearFor(null, true);
    await this.#running?.result;
  }

  /** Cancels the running settle unless `text` begins with it, and the waiting one (always with `andWaiting`, else unless it is `text`). */
  #clearFor(text: string | null, andWaiting = false): void {
    if (this.#running && (text === null || settleDecision(this.#running.value.text, text) === 'cancel')) this.#running.controller.abort();
    if (this.#waiting && (andWaiting || this.#waiting.value.text !== text)) {
      this.#waiting.controller.abort();
      this.#waiting.resolve(false);
      this.#waiting = null;
    }
  }

  #begin(settle: Settle<T>): void {
    this.#running = settle;
    const { signal } = settle.controller;
    let ran: Promise<boolean>;
    try {
      ran = signal.aborted ? Promise.resolve(false) : this.#run(settle.value, signal).then(() => !signal.aborted, () => false);
    } catch {
      // A run that throws at once ends like one that fails: the queue never stalls.
      ran = Promise.resolve(false);
    }
    void ran.then((computed) => {
      this.#running = null;
      settle.resolve(computed);
      const next = this.#waiting;
      this.#waiting = null;
      if (next) this.#begin(next);
    });
  }
}
