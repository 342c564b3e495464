/**
 * A counting semaphore, FIFO: waiters are served in arrival order, so the largest-first order
 * of a download is kept. A request larger than the whole capacity is granted once nothing else
 * holds any (so one huge file can always proceed, alone).
 */
export class Semaphore {
  readonly capacity: number;
  #available: number;
  #waiters: { amount: number; grant: () => void }[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#available = capacity;
  }

  /** Waits for `amount` units; resolves to the function that gives them back. */
  async acquire(amount = 1): Promise<() => void> {
    const units = Math.min(amount, this.capacity);
    if (this.#waiters.length === 0 && units <= this.#available) {
      this.#available -= units;
    } else {
      await new Promise<void>((grant) => this.#waiters.push({ amount: units, grant }));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#available += units;
      this.#drain();
    };
  }

  /** Runs `task` holding `amount` units. */
  async run<T>(task: () => Promise<T>, amount = 1): Promise<T> {
    const release = await this.acquire(amount);
    try {
      return await task();
    } finally {
      release();
    }
  }

  #drain(): void {
    while (this.#waiters.length > 0 && this.#waiters[0].amount <= this.#available) {
      const next = this.#waiters.shift() as { amount: number; grant: () => void };
      this.#available -= next.amount;
      next.grant();
    }
  }
}

/** The limits one model download shares across its files. */
export interface DownloadLimits {
  /** Files fetching at once (hides network latency). */
  fetches: Semaphore;
  /** Bytes held in memory at once (whole-file buffers being received, hashed and stored). */
  memory: Semaphore;
  /** Whole files in the writer at once (hashed, then serialized and committed by IndexedDB). */
  writes: Semaphore;
}

/** Limits for a download whose largest file is `largestBytes`. */
export function downloadLimits(largestBytes: number, fetches = 4): DownloadLimits {
  // Half the largest file again beyond it, so other files keep the link busy while the largest is
  // hashed and written (a 131 MB shard and two 32 MB ones fit), and the page's memory stays under
  // twice the largest file (npm run bench measures it).
  const budget = Math.max(Math.ceil(largestBytes * 1.5), 64 << 20);
  // Two in the writer: one is hashed and serialized while the other's transaction commits.
  return { fetches: new Semaphore(fetches), memory: new Semaphore(budget), writes: new Semaphore(2) };
}
