import type { DraftRead } from '../../workers/shared/engineProtocol';

/** A message being typed, in the conversation it is typed in (`new` before one is open). */
export interface Draft {
  key: string;
  text: string;
}

/**
 * How often, at most, a read of the message being typed begins: each time llama.cpp reads only
 * what was added since.
 */
export const readAheadEveryMs = 250;

/**
 * Sends the message being typed to the engine to be read ahead (`read`): at once after a pause,
 * then at most one read begun every `readAheadEveryMs`, one at a time (a draft typed while one is
 * read waits, and only the newest goes), so what is left to read at Send is what was typed in the
 * last read's time. A draft already read is not sent again.
 */
export class DraftReadAhead {
  readonly #read: (draft: Draft) => Promise<DraftRead>;
  readonly #onRead: (draft: Draft | null) => void;
  #latest: Draft | null = null;
  #done: Draft | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #sending = false;
  /** When the last read began (`Date.now()`). */
  #lastStart = -Infinity;
  /** Counts `forget` calls, so a read that ends after one is not taken as holding. */
  #epoch = 0;

  /** `onRead` hears of each draft read, and of `null` when what was read no longer holds. */
  constructor(read: (draft: Draft) => Promise<DraftRead>, onRead: (draft: Draft | null) => void) {
    this.#read = read;
    this.#onRead = onRead;
  }

  /** The user typed. */
  typed(draft: Draft): void {
    this.#latest = draft;
    this.#schedule();
  }

  /**
   * The engine became free (a reply ended, a model loaded): what the user last typed is read, if
   * it is in conversation `key` (not a draft shown again by switching to it, which the user may
   * only be looking at: reading it would take llama.cpp's cache from the conversation in use).
   */
  resume(key: string): void {
    if (this.#latest?.key === key) this.#schedule();
  }

  /**
   * What was typed and read no longer holds (a message sent, a load, an unload): nothing is read
   * until the user types again (the message just sent is in the conversation now).
   */
  forget(): void {
    this.#epoch += 1;
    this.#latest = null;
    this.#done = null;
    this.#onRead(null);
  }

  #schedule(): void {
    if (this.#timer || this.#sending) return;
    // (A timer even when due now: a paste sent with Enter in the same moment is not read.)
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        void this.#send();
      },
      Math.max(0, this.#lastStart + readAheadEveryMs - Date.now()),
    );
  }

  async #send(): Promise<void> {
    const draft = this.#latest;
    if (!draft || !draft.text.trim() || (draft.key === this.#done?.key && draft.text === this.#done.text)) return;
    this.#sending = true;
    this.#lastStart = Date.now();
    const epoch = this.#epoch;
    let read: DraftRead = 'none';
    try {
      read = await this.#read(draft);
      if (read === 'whole' && epoch === this.#epoch) {
        this.#done = draft;
        this.#onRead(draft);
      }
    } finally {
      this.#sending = false;
      // A long message is read a slice at a time: the next slice, or the newer draft.
      if (this.#latest !== draft || read === 'part') this.#schedule();
    }
  }
}
