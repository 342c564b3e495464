/** A message being typed, in the conversation it is typed in (`new` before one is open). */
export interface Draft {
  key: string;
  text: string;
}

/**
 * How often, at most, the message being typed is sent to be read: each time llama.cpp reads only
 * what was added since.
 */
export const readAheadEveryMs = 250;

/**
 * Sends the message being typed to the engine to be read ahead (`read`, true once read), at most
 * every `readAheadEveryMs` and one at a time: a draft typed while one is being read waits, and
 * only the newest goes. A draft already read is not sent again.
 */
export class DraftReadAhead {
  readonly #read: (draft: Draft) => Promise<boolean>;
  readonly #onRead: (draft: Draft | null) => void;
  #latest: Draft | null = null;
  #done: Draft | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #sending = false;
  /** Counts `forget` calls, so a read that ends after one is not taken as holding. */
  #epoch = 0;

  /** `onRead` hears of each draft read, and of `null` when what was read no longer holds. */
  constructor(read: (draft: Draft) => Promise<boolean>, onRead: (draft: Draft | null) => void) {
    this.#read = read;
    this.#onRead = onRead;
  }

  /** The user typed (or the model became free with text in the box). */
  typed(draft: Draft): void {
    this.#latest = draft;
    this.#schedule();
  }

  /** What was read no longer holds (a reply, a load, an unload): the next draft is read anew. */
  forget(): void {
    this.#epoch += 1;
    this.#done = null;
    this.#onRead(null);
  }

  #schedule(): void {
    if (this.#timer || this.#sending) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#send();
    }, readAheadEveryMs);
  }

  async #send(): Promise<void> {
    const draft = this.#latest;
    if (!draft || !draft.text.trim() || (draft.key === this.#done?.key && draft.text === this.#done.text)) return;
    this.#sending = true;
    const epoch = this.#epoch;
    try {
      if ((await this.#read(draft)) && epoch === this.#epoch) {
        this.#done = draft;
        this.#onRead(draft);
      }
    } finally {
      this.#sending = false;
      if (this.#latest !== draft) this.#schedule();
    }
  }
}
