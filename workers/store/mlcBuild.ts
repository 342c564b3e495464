/**
 * What an MLC build is, from its own files: the architecture its `mlc-chat-config.json`
 * describes (which decides the compiled model library it needs) and the shards its
 * `tensor-cache.json` names. Shared by adding an MLC repository and importing an MLC folder.
 */
import type { CatalogEntry, MlcArchitecture } from '../shared/catalog';

/** The architecture a chat config describes; null when it is not an MLC chat config. */
export function architectureOf(config: unknown): MlcArchitecture | null {
  if (typeof config !== 'object' || config === null) return null;
  const c = config as Record<string, unknown>;
  const m = (typeof c.model_config === 'object' && c.model_config !== null ? c.model_config : {}) as Record<string, unknown>;
  const n = (v: unknown): number => (typeof v === 'number' ? v : -1);
  if (typeof c.model_type !== 'string' || typeof c.quantization !== 'string') return null;
  return {
    modelType: c.model_type,
    quantization: c.quantization,
    hiddenSize: n(m.hidden_size),
    intermediateSize: n(m.intermediate_size),
    layers: n(m.num_hidden_layers),
    heads: n(m.num_attention_heads),
    kvHeads: n(m.num_key_value_heads),
    vocabSize: n(m.vocab_size ?? c.vocab_size),
  };
}

const sameArchitecture = (a: MlcArchitecture, b: MlcArchitecture): boolean => (Object.keys(a) as (keyof MlcArchitecture)[]).every((k) => a[k] === b[k]);

/** A known web-llm entry whose model library was compiled for exactly this architecture. */
export function libraryFor(architecture: MlcArchitecture, known: CatalogEntry[]): CatalogEntry | undefined {
  return known.find((e) => e.engine === 'webllm' && e.modelLib && e.mlcArchitecture && sameArchitecture(e.mlcArchitecture, architecture));
}

/** What an MLC build takes from the known entry whose library runs it: the library, window, memory and features. */
export function libraryFacts(library: CatalogEntry, modelLib: NonNullable<CatalogEntry['modelLib']>, architecture: MlcArchitecture, trainedContext: number) {
  return {
    modelLib: { ...modelLib },
    mlcArchitecture: architecture,
    contextWindow: Math.min(trainedContext, library.contextWindow),
    trainedContextWindow: trainedContext,
    vramRequiredMB: library.vramRequiredMB,
    requiredFeatures: [...library.requiredFeatures],
  } satisfies Partial<CatalogEntry>;
}

/** The plain-words reason an MLC build cannot be added, naming the libraries Hearth has. */
export function noLibraryMessage(what: string, architecture: MlcArchitecture | null, known: CatalogEntry[]): string {
  const have = [...new Set(known.filter((e) => e.engine === 'webllm' && e.mlcArchitecture).map((e) => e.displayName.replace(/\s*\([^)]*\)\s*$/, '') + ` ${e.quantization}`))];
  const arch = architecture ? `${architecture.modelType}, ${architecture.layers} layers, hidden size ${architecture.hiddenSize}, ${architecture.quantization}` : 'an architecture it does not describe';
  return (
    `${what} is an MLC build for ${arch}. MLC builds run only with a model library compiled for exactly that architecture and quantization, and Hearth has libraries only for ${have.length ? have.join(', ') : 'Llama 3.2 1B and 3B'}. ` +
    'Look for a GGUF build of the same model instead: the CPU engine runs any GGUF.'
  );
}

/** The shard files a `tensor-cache.json` names (what web-llm will read). */
export function shardsOf(tensorCache: unknown): string[] | null {
  const records = (tensorCache as { records?: { dataPath?: unknown }[] } | null)?.records;
  if (!Array.isArray(records)) return null;
  const paths = records.map((r) => r.dataPath);
  return paths.every((p): p is string => typeof p === 'string') ? paths : null;
}
