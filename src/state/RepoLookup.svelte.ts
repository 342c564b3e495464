import type { CatalogEntry } from '../../workers/shared/catalog';
import type { StoreError } from '../../workers/shared/errors';
import type { RepoInspection } from '../../workers/shared/storeProtocol';
import type { StoreBridge } from '../lib/StoreBridge';
import type { ModelLibrary } from './ModelLibrary.svelte';

/**
 * Adding a model from a repository: what the user typed, what the repository offers (read by
 * the store), the build picked, and the typed error of the last step. Nothing is saved until
 * `save`; a failed step changes nothing.
 */
export class RepoLookup {
  readonly #store: StoreBridge;
  readonly #library: ModelLibrary;
  /** The dialog is open. */
  open = $state(false);
  input = $state('');
  busy = $state<'looking' | 'saving' | null>(null);
  inspection = $state.raw<RepoInspection | null>(null);
  /** Id of the picked entry among the inspection's choices. */
  picked = $state<string | null>(null);
  error = $state.raw<StoreError | null>(null);

  constructor(store: StoreBridge, library: ModelLibrary) {
    this.#store = store;
    this.#library = library;
  }

  /** Opens the dialog afresh. */
  start(): void {
    this.open = true;
    this.input = '';
    this.inspection = null;
    this.picked = null;
    this.error = null;
  }

  close(): void {
    this.open = false;
  }

  /** Reads what the repository offers; the first build that fits this device is picked. */
  async lookUp(): Promise<void> {
    this.busy = 'looking';
    this.error = null;
    this.inspection = null;
    try {
      const result = await this.#store.inspectRepo(this.input, this.#library.hostUrl);
      if (!result.ok) {
        this.error = result.error;
        return;
      }
      this.inspection = result.value;
      this.picked = (result.value.choices.find((c) => c.fitsStorage) ?? result.value.choices[0])?.entry.id ?? null;
    } finally {
      this.busy = null;
    }
  }

  /** Saves the picked build on this device; resolves with its entry, or null (the error is shown). */
  async save(): Promise<CatalogEntry | null> {
    const choice = this.inspection?.choices.find((c) => c.entry.id === this.picked);
    if (!choice) return null;
    this.busy = 'saving';
    this.error = null;
    try {
      const result = await this.#store.saveAddedEntry($state.snapshot(choice.entry) as CatalogEntry);
      if (!result.ok) {
        this.error = result.error;
        return null;
      }
      await this.#library.reloadLists();
      return result.value;
    } finally {
      this.busy = null;
    }
  }
}
