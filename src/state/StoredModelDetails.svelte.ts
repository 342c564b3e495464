import type { ModelManifest } from '../../workers/shared/storeProtocol';
import type { StoreBridge } from '../lib/StoreBridge';
import type { BomFile } from '../lib/bom';

/** A document that came with the model (card, licence, use policy), read from the store. */
export interface ModelDocument {
  path: string;
  role: 'model-card' | 'licence' | 'use-policy';
  text: string;
}

/**
 * What the side panel shows of a model, read from the verified store (never the network), so
 * it is there offline: the manifest it was downloaded against, every stored file with its hash,
 * and its model card, licence and use policy texts.
 */
export class StoredModelDetails {
  readonly #store: StoreBridge;
  modelId = $state<string | null>(null);
  manifest = $state.raw<ModelManifest | null>(null);
  files = $state.raw<BomFile[]>([]);
  documents = $state.raw<ModelDocument[]>([]);

  constructor(store: StoreBridge) {
    this.#store = store;
  }

  /** Reads the details of a stored model. */
  async load(modelId: string): Promise<void> {
    const store = this.#store;
    const [manifest, files] = await Promise.all([store.manifest(modelId), store.verifiedFiles(modelId)]);
    const documents: ModelDocument[] = [];
    for (const f of files) {
      if (f.role !== 'model-card' && f.role !== 'licence' && f.role !== 'use-policy') continue;
      const blob = await store.fileBlob(modelId, f.path);
      if (blob) documents.push({ path: f.path, role: f.role, text: await blob.text() });
    }
    this.modelId = modelId;
    this.manifest = manifest ?? null;
    this.files = files;
    this.documents = documents;
  }

  /** Forgets what was read (the model was deleted). */
  clear(): void {
    this.modelId = null;
    this.manifest = null;
    this.files = [];
    this.documents = [];
  }

  /** The first document of a role. */
  document(role: ModelDocument['role']): ModelDocument | undefined {
    return this.documents.find((d) => d.role === role);
  }
}
