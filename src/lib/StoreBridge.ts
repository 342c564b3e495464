import { wrap, type Remote } from 'comlink';
import type { StoreApi } from '../../workers/shared/storeProtocol';

/**
 * Owns the store worker: started on first use, ended by `terminate`. The page talks to it only
 * through the API type derived from the worker's implementation.
 */
export class StoreBridge {
  #worker: Worker | undefined;
  #api: Remote<StoreApi> | undefined;

  /** The worker's API, starting the worker if needed. */
  get api(): Remote<StoreApi> {
    if (!this.#api) {
      this.#worker = new Worker(new URL('../../workers/store/store.worker.ts', import.meta.url), {
        type: 'module',
        name: 'hearth-store',
      });
      this.#api = wrap<StoreApi>(this.#worker);
    }
    return this.#api;
  }

  /** Ends the worker; a later call starts a fresh one. */
  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#api = undefined;
  }
}
