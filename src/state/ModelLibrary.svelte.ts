import type { CatalogEntry } from '../../workers/shared/catalog';
import type { StoreError } from '../../workers/shared/errors';
import type { HostProblem } from '../../workers/shared/storeProtocol';
import type { DownloadProgress } from '../../workers/shared/progress';
import type { CachedModel, CheckReport, StorageInfo, StoreEvent } from '../../workers/shared/storeProtocol';
import type { StoreBridge } from '../lib/StoreBridge';
import type { LicenceRecords } from './LicenceRecords.svelte';

/** The models the user can download, what is stored, and downloads under way. */
export class ModelLibrary {
  readonly #store: StoreBridge;
  readonly #licences: LicenceRecords;
  /** Downloads this tab runs (the others in `downloading` run in another tab). */
  readonly #cancels = new Map<string, AbortController>();
  #hostUrl = '';
  #watching = false;

  /** Entries the model host publishes itself. */
  hosted = $state.raw<CatalogEntry[]>([]);
  /** Entries built into the app. */
  builtin = $state.raw<CatalogEntry[]>([]);
  /** Entries the user added from a repository (saved on this device). */
  added = $state.raw<CatalogEntry[]>([]);
  /** Every entry: the host's, the built-in ones, and stored models no list has. */
  catalog = $state.raw<CatalogEntry[]>([]);
  /** How the host answered when asked for its list; `null` when all was well. */
  hostProblem = $state.raw<HostProblem | null>(null);
  stored = $state.raw<CachedModel[]>([]);
  /** Live progress by model id, while a download runs (and the last one after it ends). */
  progress = $state.raw<Record<string, DownloadProgress>>({});
  /** Errors of the last attempt, by model id. */
  errors = $state.raw<Record<string, StoreError[]>>({});
  downloading = $state.raw<ReadonlySet<string>>(new Set());
  storage = $state.raw<StorageInfo | null>(null);
  /** The answer to `navigator.storage.persist()`, once asked. */
  persistGranted = $state<boolean | null>(null);
  /** The last verification of each model, by id. */
  checks = $state.raw<Record<string, CheckReport>>({});
  verifying = $state.raw<ReadonlySet<string>>(new Set());
  loaded = $state(false);

  constructor(store: StoreBridge, licences: LicenceRecords) {
    this.#store = store;
    this.#licences = licences;
  }

  /** The model host the lists were read for. */
  get hostUrl(): string {
    return this.#hostUrl;
  }

  /** Loads the catalog for a host (asking the host only when `refresh` or never asked) and what is stored. */
  async load(hostUrl: string, options: { refresh?: boolean } = {}): Promise<void> {
    this.#hostUrl = hostUrl;
    if (!this.#watching) {
      this.#watching = true;
      void this.#store.watch((event) => this.#fromOtherTab(event));
    }
    const [result] = await Promise.all([this.#store.catalog(hostUrl, options), this.refresh()]);
    this.hosted = result.hosted;
    this.builtin = result.builtin;
    this.added = result.added;
    this.catalog = [...result.hosted, ...result.builtin, ...result.added, ...result.stored];
    this.hostProblem = result.problem;
    this.loaded = true;
  }

  /** Re-reads stored models and storage numbers. */
  async refresh(): Promise<void> {
    const [stored, storage] = await Promise.all([this.#store.models(), this.#store.storage()]);
    this.stored = stored;
    this.storage = storage;
  }

  /** Another tab downloads, finishes, deletes or verifies: show its progress, list models again. */
  #fromOtherTab(event: StoreEvent): void {
    if (event.type === 'progress') {
      const id = event.progress.modelId;
      this.progress = { ...this.progress, [id]: event.progress };
      if (!this.downloading.has(id)) this.downloading = new Set([...this.downloading, id]);
      return;
    }
    if (event.type === 'ended' && !this.#cancels.has(event.modelId)) {
      const rest = new Set(this.downloading);
      rest.delete(event.modelId);
      this.downloading = rest;
    }
    if (event.type === 'changed') void this.reloadLists();
    else if (event.type === 'ended') void this.refresh();
  }

  /** Reads the lists again (an entry was added, imported or removed here or in another tab), asking no host. */
  async reloadLists(): Promise<void> {
    await this.load(this.#hostUrl);
  }

  /** The entry with this id. */
  entry(id: string): CatalogEntry | undefined {
    return this.catalog.find((e) => e.id === id);
  }

  /** The stored state of an entry, if any bytes of it are stored. */
  storedModel(id: string): CachedModel | undefined {
    return this.stored.find((m) => m.id === id);
  }

  /** Whether every file of an entry is stored and verified. */
  isComplete(id: string): boolean {
    return this.storedModel(id)?.complete === true;
  }

  async #askPersistence(): Promise<void> {
    if (this.persistGranted !== null || !navigator.storage?.persist) return;
    // persist() exists only on the page (not in workers), so the page asks.
    this.persistGranted = await navigator.storage.persist();
  }

  /** Downloads (or resumes, or repairs) a model; resolves `true` once every file is verified. */
  async download(entry: CatalogEntry): Promise<boolean> {
    // A download another tab runs is followed (the store worker joins it), not started twice.
    if (this.#cancels.has(entry.id)) return false;
    // No byte of a Llama model is fetched before its licence is accepted (the UI asks first).
    if (!this.#licences.allows(entry)) return false;
    const controller = new AbortController();
    this.#cancels.set(entry.id, controller);
    this.downloading = new Set([...this.downloading, entry.id]);
    this.errors = { ...this.errors, [entry.id]: [] };
    try {
      await this.#askPersistence();
      const outcome = await this.#store.download(
        $state.snapshot(entry) as CatalogEntry,
        this.#hostUrl,
        (progress) => (this.progress = { ...this.progress, [entry.id]: progress }),
        controller.signal,
      );
      if (!outcome.ok) this.errors = { ...this.errors, [entry.id]: outcome.errors };
      return outcome.ok;
    } finally {
      this.#cancels.delete(entry.id);
      const rest = new Set(this.downloading);
      rest.delete(entry.id);
      this.downloading = rest;
      await this.refresh();
    }
  }

  /**
   * Re-hashes every stored byte of a model. Files found damaged are dropped and downloaded
   * again, alone; the rest are kept.
   */
  async verify(entry: CatalogEntry): Promise<CheckReport> {
    this.verifying = new Set([...this.verifying, entry.id]);
    try {
      const report = await this.#store.check(entry.id, 'hash');
      this.checks = { ...this.checks, [entry.id]: report };
      if (!report.ok) {
        await this.refresh();
        await this.download(entry);
      }
      return report;
    } finally {
      const rest = new Set(this.verifying);
      rest.delete(entry.id);
      this.verifying = rest;
    }
  }

  /**
   * Repairs a model an engine found incomplete: the store drops the files that are not in
   * place (the engine worker only reads the store) and downloads them again, alone.
   */
  async repair(entry: CatalogEntry): Promise<void> {
    await this.#store.check(entry.id, 'presence');
    await this.refresh();
    await this.download(entry);
  }

  /** Cancels a running download, in this tab or the one running it. */
  cancel(id: string): void {
    const local = this.#cancels.get(id);
    if (local) local.abort();
    else void this.#store.cancel(id);
  }

  /** Deletes one model's bytes. */
  async remove(id: string): Promise<void> {
    this.cancel(id);
    await this.#store.deleteModel(id);
    const { [id]: _progress, ...progress } = this.progress;
    const { [id]: _check, ...checks } = this.checks;
    const { [id]: _errors, ...errors } = this.errors;
    this.progress = progress;
    this.checks = checks;
    this.errors = errors;
    // An imported model's entry goes with its bytes: the lists are read again.
    await this.reloadLists();
  }

  /** Removes an entry the user added (and any bytes of it still stored). */
  async removeAdded(id: string): Promise<void> {
    await this.#store.removeAddedEntry(id);
    await this.reloadLists();
    await this.refresh();
  }

  /** Deletes every stored model. */
  async removeAll(): Promise<void> {
    for (const controller of this.#cancels.values()) controller.abort();
    await this.#store.deleteAll();
    this.progress = {};
    this.checks = {};
    await this.refresh();
  }

  /** Deletes every model and the model lists kept from hosts. */
  async forgetAll(): Promise<void> {
    await this.#store.forgetAll();
    this.progress = {};
    await this.refresh();
  }
}
