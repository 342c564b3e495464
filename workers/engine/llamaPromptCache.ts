import { CacheSettler } from './llamaCacheSettle';
import { cacheCutBefore, type CachedPrompt } from './llamaCacheCut';

/** Has llama.cpp compute a text into its cache (and sample one token, thrown away). */
export type Prefill = (text: string, signal: AbortSignal) => Promise<void>;

/**
 * What llama.cpp's one cache slot holds and what it computes next, for the GGUF engine: the
 * settles (a finished exchange, a message being typed: llamaCacheSettle.ts), the prompts, and a
 * cut of the cache before a prompt that must not reuse what follows the shared prefix
 * (llamaCacheCut.ts).
 */
export class LlamaPromptCache {
  readonly #prefill: Prefill;
  readonly #settler: CacheSettler<CachedPrompt>;
  /**
   * What the cache holds, or more: a computation stopped part way leaves less, and the cut rule
   * only needs to know what could be in it.
   */
  #held: CachedPrompt | null = null;

  constructor(prefill: Prefill) {
    this.#prefill = prefill;
    this.#settler = new CacheSettler((prompt, signal) => this.#compute(prompt, signal));
  }

  /** Computes this prompt while llama.cpp is idle; true once computed (see CacheSettler.start). */
  settle(prompt: CachedPrompt): Promise<boolean> {
    return this.#settler.start(prompt);
  }

  /**
   * Before a prompt is generated from: waits for the settle it begins with (cancelling the
   * others) or for `signal` (Stop), then cuts the cache when the prompt must not reuse its tail.
   */
  async before(prompt: CachedPrompt, signal: AbortSignal): Promise<void> {
    await this.#settler.before(prompt.text, signal);
    if (signal.aborted) return;
    await this.#cut(prompt, signal);
    this.#held = prompt;
  }

  /** After a generation: the cache holds its prompt and the reply (`prompt`, the two as one). */
  generated(prompt: CachedPrompt): void {
    this.#held = prompt;
  }

  /** Cancels the settles and waits until llama.cpp is free; settles asked for later are refused. */
  stop(): Promise<void> {
    return this.#settler.stop();
  }

  async #compute(prompt: CachedPrompt, signal: AbortSignal): Promise<void> {
    await this.#cut(prompt, signal);
    this.#held = prompt;
    await this.#prefill(prompt.text, signal);
  }

  /** Cuts the cache at the text `prompt` shares with it, when the rest must not be reused. */
  async #cut(prompt: CachedPrompt, signal: AbortSignal): Promise<void> {
    const cut = cacheCutBefore(this.#held, prompt);
    if (cut === null) return;
    await this.#prefill(cut, signal);
    this.#held = { text: cut, messages: prompt.messages };
  }
}
