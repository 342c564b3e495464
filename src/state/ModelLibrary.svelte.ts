import { proxy } from 'comlink';
import type { CatalogEntry } from '../../workers/shared/catalog';
import type { StoreError } from '../../workers/shared/errors';
import type { DownloadProgress } from '../../workers/shared/progress';
import type { CachedModel, CheckReport, StorageInfo, StoreEvent } from '../../workers/shared/storeProtocol';
import type { StoreBridge } from '../lib/StoreBridge';
import type { Licences } from './Licences.svelte';

/** The models the user can download, what is stored, and downloads under way. */
export class ModelLibrary {
  readonly #bridge: StoreBridge;
  readonly #licences: Licences;
  #hostUrl = '';
  #watching = false;
  /** Downloads this tab runs (the others in `downloading` run in another tab). */
  #local = new Set<string>();

  catalog = $state.raw<CatalogEntry[]>([]);
  stored = $state.raw<CachedModel[]>([]);
  /** Live progress by model id, while a download runs (and the last one after it ends). */
  progress = $state.raw<Record<string, DownloadProgress>>({});
  /** Errors of the last attempt, by model id. */
  errors = $state.raw<Record<string, StoreError[]>>({});
  downloading = $state.raw<ReadonlySet<string>>(new Set());
  storage = $state.raw<StorageInfo | null>(null);
  /** The answer to `navigator.storage.persist()`, once asked. */
  persistGranted = $state<boolean | null>(null);
  catalogError = $state<string | null>(null);
  /** The last verification of each model, by id. */
  checks = $state.raw<Record<string, CheckReport>>({});
  verifying = $state.raw<ReadonlySet<string>>(new Set());

  constructor(bridge: StoreBridge, licences: Licences) {
    this.#bridge = bridge;
    this.#licences = licences;
  }

  /** Loads the catalog for a host (asking the host only when `refresh`) and what is stored. */
  async load(hostUrl: string, options: { refresh?: boolean } = {}): Promise<void> {
    this.#hostUrl = hostUrl;
    if (!this.#watching) {
      this.#watching = true;
      void this.#bridge.api.watch(proxy((event: StoreEvent) => this.#fromOtherTab(event)));
    }
    try {
      this.catalog = await this.#bridge.api.catalog(hostUrl, options);
      this.catalogError = null;
    } catch (error) {
      this.catalogError = error instanceof Error ? error.message : String(error);
    }
    await this.refresh();
  }

  /** Re-reads stored models and storage numbers. */
  async refresh(): Promise<void> {
    const [stored, storage] = await Promise.all([this.#bridge.api.models(), this.#bridge.api.storage()]);
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
    if (event.type === 'ended' && !this.#local.has(event.modelId)) {
      const rest = new Set(this.downloading);
      rest.delete(event.modelId);
      this.downloading = rest;
    }
    if (event.type === 'changed' || event.type === 'ended') void this.refresh();
  }

  /** The stored state of an entry, if any bytes of it are stored. */
  storedModel(id: string): CachedModel | undefined {
    return this.stored.find((m) => m.id === id);
  }

  async #askPersistence(): Promise<void> {
    if (this.persistGranted !== null || !navigator.storage?.persist) return;
    // persist() exists only on the page (not in workers), so the page asks.
    this.persistGranted = await navigator.storage.persist();
  }

  /** Downloads (or resumes, or repairs) a model; resolves when it ends either way. */
  async download(entry: CatalogEntry): Promise<void> {
    if (this.#local.has(entry.id)) return;
    // No byte of a Llama model is fetched before its licence is accepted (the UI asks first).
    if (!this.#licences.allows(entry)) throw new Error(`The licence of ${entry.displayName} has not been accepted.`);
    this.#local.add(entry.id);
    this.downloading = new Set([...this.downloading, entry.id]);
    this.errors = { ...this.errors, [entry.id]: [] };
    try {
      await this.#askPersistence();
      const outcome = await this.#bridge.api.download(
        $state.snapshot(entry) as CatalogEntry,
        this.#hostUrl,
        proxy((progress: DownloadProgress) => {
          this.progress = { ...this.progress, [entry.id]: progress };
        }),
      );
      if (!outcome.ok) this.errors = { ...this.errors, [entry.id]: outcome.errors };
    } finally {
      this.#local.delete(entry.id);
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
      const report = await this.#bridge.api.check(entry.id, 'hash');
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
    await this.#bridge.api.check(entry.id, 'presence');
    await this.refresh();
    await this.download(entry);
  }

  /** Cancels a running download, in this tab or the one running it. */
  cancel(id: string): void {
    void this.#bridge.api.cancel(id);
  }

  /** Deletes one model's bytes. */
  async remove(id: string): Promise<void> {
    await this.#bridge.api.deleteModel(id);
    const { [id]: _gone, ...progress } = this.progress;
    this.progress = progress;
    await this.refresh();
  }

  /** Deletes every stored model. */
  async removeAll(): Promise<void> {
    await this.#bridge.api.deleteAll();
    this.progress = {};
    await this.refresh();
  }
}
