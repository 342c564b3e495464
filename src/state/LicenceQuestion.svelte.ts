import type { CatalogEntry } from '../../workers/shared/catalog';

/** A licence waiting for the user's answer before a download may start. */
export class LicenceQuestion {
  /** The entry whose licence the dialog shows; `null` when closed. */
  pending = $state.raw<CatalogEntry | null>(null);
  /** What accepting leads to, for the button: downloading, or adding the model (which reads its header). */
  then = $state<'download' | 'add' | 'use'>('download');
  #answer: ((accepted: boolean) => void) | null = null;

  /** Opens the dialog; resolves `true` when the user accepts, `false` when they cancel. */
  ask(entry: CatalogEntry, then: 'download' | 'add' | 'use' = 'download'): Promise<boolean> {
    this.#answer?.(false);
    this.pending = entry;
    this.then = then;
    return new Promise((resolve) => (this.#answer = resolve));
  }

  /** The user's answer. */
  answer(accepted: boolean): void {
    const resolve = this.#answer;
    this.#answer = null;
    this.pending = null;
    resolve?.(accepted);
  }
}
