/**
 * The model catalog's types: one entry per downloadable model, as the app, the store and the
 * engines see it. Built-in entries live in `workers/catalog/catalog.json` (written by
 * `npm run pin`); a model host may add entries of its own (see `hostCatalog.ts`).
 */

/** Which engine runs an entry: web-llm on WebGPU, or wllama (llama.cpp in WebAssembly) on the CPU. */
export type EngineKind = 'webllm' | 'wllama';

/**
 * Where a verified file lives once stored. `webllm` files sit in web-llm's own IndexedDB layout
 * (so its `hasModelInCache` finds them); `chunks` files sit in our database as Blob chunks.
 */
export type FileRole =
  | 'weights'
  | 'tensor-cache'
  | 'chat-config'
  | 'tokenizer'
  | 'model-lib'
  | 'model-card'
  | 'licence'
  | 'use-policy';

/** A 40-hex git commit: the only kind of revision a pinned entry may name. */
export type CommitHash = string;

/** One file of a model, as the catalog knows it. */
export interface CatalogFile {
  /** Path inside the repository (or, for the model library, the file name). */
  path: string;
  role: FileRole;
  /** Size in bytes, when pinned. */
  size?: number;
  /** Lower-case hex SHA-256, when pinned. */
  sha256?: string;
}

/** Where an entry's files come from. */
export interface ModelSource {
  /** Repository on the model host, `owner/name`. */
  repo: string;
  /** Commit the files are pinned to; `null` until `npm run pin` has pinned the entry. */
  revision: CommitHash | null;
}

/** The compiled WebGPU library web-llm needs for an MLC build. */
export interface ModelLib {
  /** Absolute URL, or a path on the model host (starting with `/`) for host-provided entries. */
  url: string;
  size?: number;
  sha256?: string;
}

/** Licence facts shown before download and beside the chat. */
export interface LicenceInfo {
  name: string;
  version: string;
  url: string;
  usePolicyUrl: string;
}

/**
 * The architecture an MLC build was compiled for, as its `mlc-chat-config.json` says. A model
 * library runs only the architecture and quantization it was compiled for, so an MLC repository
 * a user adds is accepted only when a known entry has a library for exactly this.
 */
export interface MlcArchitecture {
  modelType: string;
  quantization: string;
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  vocabSize: number;
}

/**
 * Where an entry comes from, as the artifact view and the BOM name it. Built-in entries carry
 * none (`catalog`); a model host's own list may mark its entries as a mirror's.
 */
export type EntryOrigin =
  /** Built into Hearth (`workers/catalog/catalog.json`). */
  | { kind: 'catalog' }
  /** A Hugging Face repository the user added, pinned at the commit its revision resolved to then. */
  | { kind: 'repository'; hostUrl: string; repo: string; commit: string; requestedRevision: string; addedAt: number }
  /** Imported from files on a disk that matched no known model. */
  | { kind: 'file'; fileNames: string[]; importedAt: number }
  /** Written by `npm run mirror`: a copy of `upstream`'s files, verified when the mirror was made. */
  | { kind: 'mirror'; upstream: string; mirroredAt: string; upstreamOrigin?: 'catalog' | 'repository' };

/**
 * What a derivative says about where it comes from: its model card's front matter (or a GGUF's
 * own `general.*` metadata): the base model(s), the licence it names, its tags.
 */
export interface ModelLineage {
  /** `base_model:` as repository ids (`meta-llama/Llama-3.2-1B-Instruct`). */
  baseModels: string[];
  /** The licence it names (`license:` / `license_name:` / `general.license`), as written; null when none. */
  declaredLicence: string | null;
  /** `license_link:` when given. */
  licenceLink?: string;
  tags: string[];
  /** Where these facts were read. */
  from: 'model-card' | 'gguf-metadata';
}

/** One downloadable model. */
export interface CatalogEntry {
  /** Stable id; for web-llm entries this is web-llm's `model_id`. */
  id: string;
  displayName: string;
  /** Parameter count, e.g. 1.24e9. */
  parameters: number;
  /** Quantization name as its engine spells it (`q4f16_1`, `Q4_K_M`). */
  quantization: string;
  engine: EngineKind;
  source: ModelSource;
  files: CatalogFile[];
  modelLib?: ModelLib;
  /** Context window the engine is configured with. */
  contextWindow: number;
  /** Context window the checkpoint was trained for. */
  trainedContextWindow: number;
  vramRequiredMB?: number;
  /** WebGPU features the build needs (`shader-f16` for f16 builds). */
  requiredFeatures: string[];
  licence: LicenceInfo;
  modelCardUrl: string;
  /** Download size shown before pinning gives exact file sizes. */
  approxSizeBytes: number;
  /** True for generated models served by a local test host: the UI labels them. */
  test?: boolean;
  /** Where the entry comes from; absent on built-in entries and a host's own list. */
  origin?: EntryOrigin;
  /** For derivatives: base model, declared licence and tags. */
  lineage?: ModelLineage;
  /**
   * GGUF builds: KV cache values per token of context (layers x KV heads x (key + value head
   * size)), from the model's header; llama.cpp's KV cache size is this x the window x the type's size.
   */
  kvValuesPerToken?: number;
  /**
   * GGUF builds: the size of one attention head's keys and of its values (values each), from
   * the header. An 8-bit KV cache keeps whole 32-value blocks, so it can hold a model only when
   * both are whole blocks; absent on entries saved before catalogs carried them.
   */
  kvHeadSizes?: KvHeadSizes;
  /** MLC builds: the architecture their library was compiled for. */
  mlcArchitecture?: MlcArchitecture;
}

/** Values in one attention head's keys and in its values. */
export interface KvHeadSizes {
  key: number;
  value: number;
}

/** Whether an entry is bound by a Meta Llama licence: it names one, or its base model is Meta's. */
export function isLlamaDerived(entry: CatalogEntry): boolean {
  return /llama/i.test(entry.licence.name) || (entry.lineage?.baseModels ?? []).some((b) => /^meta-llama\//i.test(b));
}

/** Total bytes of an entry's files (and model library), exact when pinned. */
export function downloadSize(entry: CatalogEntry): { bytes: number; exact: boolean } {
  const sized = entry.files.every((f) => f.size !== undefined) && entry.files.length > 0;
  if (!sized) return { bytes: entry.approxSizeBytes, exact: false };
  const files = entry.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
  return { bytes: files + (entry.modelLib?.size ?? 0), exact: entry.modelLib ? entry.modelLib.size !== undefined : true };
}

const commitPattern = /^[0-9a-f]{40}$/;

/** Whether a revision string is a full commit hash (never a branch such as `main`). */
export function isCommitHash(revision: string | null): revision is CommitHash {
  return revision !== null && commitPattern.test(revision);
}
