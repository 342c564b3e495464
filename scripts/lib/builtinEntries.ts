/**
 * Builds the built-in catalog entries from what web-llm already knows (`prebuiltAppConfig`) plus
 * the facts it does not carry (licence, parameter counts, GGUF builds for the CPU engine), and
 * merges them with an existing catalog so pinned data survives regeneration.
 */
import type { ModelRecord } from '@mlc-ai/web-llm';
import type { CatalogEntry, CatalogFile, LicenceInfo, MlcArchitecture } from '../../workers/shared/catalog';
import { isCommitHash } from '../../workers/shared/catalog';

/** Meta's licence for every Llama 3.2 checkpoint (released September 25, 2024). */
export const llama32Licence: LicenceInfo = {
  name: 'Llama 3.2 Community License Agreement',
  version: '3.2',
  url: 'https://www.llama.com/llama3_2/license/',
  usePolicyUrl: 'https://www.llama.com/llama3_2/use-policy/',
};

const trainedContextWindow = 131072;
/** Context window we configure wllama with; matches web-llm's prebuilt 4096. */
const ggufContextWindow = 4096;

interface SizeFacts {
  label: '1B' | '3B';
  parameters: number;
  /** The shape in each build's mlc-chat-config.json (`model_config`): what its library was compiled for. */
  shape: Omit<MlcArchitecture, 'modelType' | 'quantization'>;
}

const sizes: SizeFacts[] = [
  { label: '1B', parameters: 1.24e9, shape: { hiddenSize: 2048, intermediateSize: 8192, layers: 16, heads: 32, kvHeads: 8, vocabSize: 128256 } },
  { label: '3B', parameters: 3.21e9, shape: { hiddenSize: 3072, intermediateSize: 8192, layers: 28, heads: 24, kvHeads: 8, vocabSize: 128256 } },
];

const mlcQuantizations = ['q4f16_1', 'q4f32_1'] as const;
type MlcQuantization = (typeof mlcQuantizations)[number];

/**
 * Download sizes before pinning. MLC group quantization stores 4-bit weights plus one scale per
 * 32 weights (f16: 4.5 bits/param, f32: 5 bits/param), embedding included, plus the ~9 MB
 * tokenizer.json; rounded to 10 MB. GGUF: the 1B Q4_K_M file is 807 694 464 bytes, the 3B one
 * about 2.02 GB. Pinning replaces all of these with exact file sizes.
 */
const approxSizeBytes: Record<string, number> = {
  'Llama-3.2-1B-Instruct-q4f16_1-MLC': 710e6,
  'Llama-3.2-1B-Instruct-q4f32_1-MLC': 780e6,
  'Llama-3.2-3B-Instruct-q4f16_1-MLC': 1810e6,
  'Llama-3.2-3B-Instruct-q4f32_1-MLC': 2020e6,
  'Llama-3.2-1B-Instruct-Q4_K_M-GGUF': 807_694_464,
  'Llama-3.2-3B-Instruct-Q4_K_M-GGUF': 2.02e9,
};

/** Files an MLC build needs that are known by name before pinning (shards are not). */
const mlcKnownFiles: CatalogFile[] = [
  { path: 'mlc-chat-config.json', role: 'chat-config' },
  { path: 'tokenizer.json', role: 'tokenizer' },
  { path: 'tensor-cache.json', role: 'tensor-cache' },
  { path: 'README.md', role: 'model-card' },
];

/** The `owner/name` part of a Hugging Face model URL such as web-llm's `model` field. */
export function repoFromModelUrl(modelUrl: string): string {
  const url = new URL(modelUrl);
  if (url.hostname !== 'huggingface.co') {
    throw new Error(`Expected a huggingface.co model URL, got ${modelUrl}`);
  }
  const parts = url.pathname.split('/').filter(Boolean);
  if (parts.length !== 2) {
    // e.g. `.../resolve/<rev>/`: web-llm would not append its own `resolve/main/` then.
    throw new Error(`Expected https://huggingface.co/<owner>/<name>, got ${modelUrl}`);
  }
  return `${parts[0]}/${parts[1]}`;
}

function findRecord(modelList: ModelRecord[], modelId: string): ModelRecord {
  const record = modelList.find((m) => m.model_id === modelId);
  if (!record) throw new Error(`web-llm's prebuiltAppConfig has no model ${modelId}`);
  return record;
}

function mlcEntry(modelList: ModelRecord[], size: SizeFacts, quantization: MlcQuantization): CatalogEntry {
  const id = `Llama-3.2-${size.label}-Instruct-${quantization}-MLC`;
  const record = findRecord(modelList, id);
  const contextWindow = record.overrides?.context_window_size;
  if (contextWindow === undefined) throw new Error(`${id} has no overrides.context_window_size`);
  if (record.vram_required_MB === undefined) throw new Error(`${id} has no vram_required_MB`);
  const repo = repoFromModelUrl(record.model);
  // web-llm does not declare shader-f16 for these builds; we do, for a clean error on old GPUs.
  const features = new Set(record.required_features ?? []);
  if (quantization.includes('f16')) features.add('shader-f16');
  return {
    id,
    displayName: `Llama 3.2 ${size.label} Instruct (${quantization}, WebGPU)`,
    parameters: size.parameters,
    quantization,
    engine: 'webllm',
    source: { repo, revision: null },
    files: mlcKnownFiles.map((f) => ({ ...f })),
    modelLib: { url: record.model_lib },
    mlcArchitecture: { modelType: 'llama', quantization, ...size.shape },
    contextWindow,
    trainedContextWindow,
    vramRequiredMB: record.vram_required_MB,
    requiredFeatures: [...features].sort(),
    licence: { ...llama32Licence },
    modelCardUrl: `https://huggingface.co/${repo}`,
    approxSizeBytes: approxSizeBytes[id],
  };
}

function ggufEntry(size: SizeFacts): CatalogEntry {
  const headSize = size.shape.hiddenSize / size.shape.heads;
  const id = `Llama-3.2-${size.label}-Instruct-Q4_K_M-GGUF`;
  const repo = `bartowski/Llama-3.2-${size.label}-Instruct-GGUF`;
  return {
    id,
    displayName: `Llama 3.2 ${size.label} Instruct (Q4_K_M, CPU)`,
    parameters: size.parameters,
    quantization: 'Q4_K_M',
    engine: 'wllama',
    source: { repo, revision: null },
    files: [
      { path: `Llama-3.2-${size.label}-Instruct-Q4_K_M.gguf`, role: 'weights' },
      { path: 'README.md', role: 'model-card' },
    ],
    contextWindow: ggufContextWindow,
    trainedContextWindow,
    // llama.cpp's KV cache per token: layers x KV heads x (key + value head size).
    kvValuesPerToken: size.shape.layers * size.shape.kvHeads * 2 * headSize,
    kvHeadSizes: { key: headSize, value: headSize },
    requiredFeatures: [],
    licence: { ...llama32Licence },
    modelCardUrl: `https://huggingface.co/${repo}`,
    approxSizeBytes: approxSizeBytes[id],
  };
}

/** The built-in entries, unpinned, in display order (smallest first, WebGPU before CPU). */
export function buildBuiltinEntries(modelList: ModelRecord[]): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  for (const size of sizes) {
    for (const q of mlcQuantizations) entries.push(mlcEntry(modelList, size, q));
    entries.push(ggufEntry(size));
  }
  return entries;
}

/** What `mergeWithExisting` did, for the script's summary. */
export interface MergeReport {
  /** Ids whose pinned revision and files were kept. */
  keptPinned: string[];
  /** Ids in the existing catalog that this generator does not produce; kept as they were. */
  keptExtra: string[];
}

/**
 * Regenerated entries with the pinned data of the existing catalog carried over: revision and
 * files when the repo is unchanged, and the model library's size/hash when its URL is unchanged.
 * Entries the generator does not know are kept (they may have been added by hand).
 */
export function mergeWithExisting(
  generated: CatalogEntry[],
  existing: CatalogEntry[],
): { entries: CatalogEntry[]; report: MergeReport } {
  const byId = new Map(existing.map((e) => [e.id, e]));
  const report: MergeReport = { keptPinned: [], keptExtra: [] };
  const entries = generated.map((entry) => {
    const old = byId.get(entry.id);
    if (!old) return entry;
    const merged: CatalogEntry = { ...entry };
    if (isCommitHash(old.source.revision) && old.source.repo === entry.source.repo) {
      merged.source = { ...old.source };
      merged.files = old.files.map((f) => ({ ...f }));
      report.keptPinned.push(entry.id);
    }
    if (old.modelLib && entry.modelLib && old.modelLib.url === entry.modelLib.url) {
      merged.modelLib = { ...old.modelLib };
    }
    return merged;
  });
  const generatedIds = new Set(generated.map((e) => e.id));
  for (const old of existing) {
    if (!generatedIds.has(old.id)) {
      entries.push(old);
      report.keptExtra.push(old.id);
    }
  }
  return { entries, report };
}
