import type { StoreError } from '../../workers/shared/errors';
import type { ImportProgress, ImportResult, ImportSource } from '../../workers/shared/storeProtocol';
import type { StoreBridge } from '../lib/StoreBridge';
import type { ModelLibrary } from './ModelLibrary.svelte';

/**
 * Importing a model from a disk: the import under way (its progress), what it became, the typed
 * error of the last attempt (nothing stored then), and the documents attached afterwards.
 */
export class FileImport {
  readonly #store: StoreBridge;
  readonly #library: ModelLibrary;
  open = $state(false);
  busy = $state(false);
  progress = $state.raw<ImportProgress | null>(null);
  result = $state.raw<ImportResult | null>(null);
  error = $state.raw<StoreError | null>(null);
  /** What was attached to the imported model, by role, or the error attaching it. */
  attached = $state.raw<Record<string, { name: string } | { error: StoreError }>>({});

  constructor(store: StoreBridge, library: ModelLibrary) {
    this.#store = store;
    this.#library = library;
  }

  start(): void {
    this.open = true;
    if (this.busy) return;
    this.progress = null;
    this.result = null;
    this.error = null;
    this.attached = {};
  }

  close(): void {
    this.open = false;
  }

  /** Imports picked or dropped files (the store hashes, recognises and stores them). */
  async run(sources: ImportSource[]): Promise<ImportResult | null> {
    if (this.busy) return null;
    this.open = true;
    this.busy = true;
    this.result = null;
    this.error = null;
    this.attached = {};
    this.progress = null;
    try {
      const outcome = await this.#store.importFiles(sources, this.#library.hostUrl, (p) => (this.progress = p));
      if (!outcome.ok) {
        this.error = outcome.error;
        return null;
      }
      this.result = outcome.value;
      await this.#library.reloadLists();
      await this.#library.refresh();
      return outcome.value;
    } finally {
      this.busy = false;
    }
  }

  /** Attaches a model card or licence file to the model just imported. */
  async attach(role: 'model-card' | 'licence', source: ImportSource): Promise<void> {
    const modelId = this.result?.entry.id;
    if (!modelId) return;
    const outcome = await this.#store.attachDocument(modelId, role, source);
    this.attached = { ...this.attached, [role]: outcome.ok ? { name: source.path } : { error: outcome.error } };
    await this.#library.refresh();
  }
}
