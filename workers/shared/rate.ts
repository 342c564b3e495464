/**
 * Download rate over a sliding window, and the ETA it implies. Pure, so it is unit-tested;
 * the window smooths bursts (a finished file, a slow shard) without lagging for long.
 */
export class RateWindow {
  readonly #windowMs: number;
  #samples: { at: number; bytes: number }[] = [];

  constructor(windowMs = 3000) {
    this.#windowMs = windowMs;
  }

  /** Records the total bytes done at a time (ms). */
  add(at: number, bytes: number): void {
    this.#samples.push({ at, bytes });
    while (this.#samples.length > 2 && at - this.#samples[1].at > this.#windowMs) this.#samples.shift();
  }

  /** Bytes per second across the window; 0 until two samples are apart in time. */
  rate(): number {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (!first || !last || last.at <= first.at) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }

  /** Seconds until `total` at the current rate, or null while the rate is unknown. */
  eta(total: number): number | null {
    const last = this.#samples[this.#samples.length - 1];
    const rate = this.rate();
    if (!last || rate <= 0) return null;
    return Math.max(0, (total - last.bytes) / rate);
  }
}
