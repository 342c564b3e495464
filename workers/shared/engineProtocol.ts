/**
 * What the page knows of the engine worker: the types its API takes and returns, and the API
 * type itself (derived from the implementation, imported as a type only).
 */
import type { EngineKind } from './catalog';
import type { ReplyStats, SamplingSettings } from './chat';
import type { GgufDeviceChoice } from './device';

/** Loading progress in our own terms. */
export interface LoadProgress {
  phase: 'checking' | 'loading';
  fraction: number;
  text: string;
}

/** How to load a model; every field is optional (the engine chooses for this device). */
export interface EngineLoadOptions {
  /** Where the GGUF engine (llama.cpp) runs: `auto` follows the device's recommendation. */
  ggufDevice?: GgufDeviceChoice;
  /** CPU threads for llama.cpp; by default as many as help on this device (`cpuThreads`). */
  threads?: number;
  /** Context window in tokens, at most the trained one; by default the catalog entry's. */
  contextWindow?: number;
}

/** Where work can run: a chip, both (some layers on each), or not reported by the engine. */
export type ComputeDevice = 'webgpu' | 'cpu' | 'mixed' | 'unknown';

/** Where a loaded model actually runs, as the engine reported it (not what was asked). */
export interface RunsOn {
  /** Where the model's weights (its layers) live. */
  device: ComputeDevice;
  /** Where the KV cache (the conversation's memory) lives. */
  kvDevice: ComputeDevice;
  /** CPU threads, when work runs on the CPU. */
  threads: number | null;
  /** What was asked for. */
  requested: 'webgpu' | 'cpu';
  /** Layers on the GPU out of all, when the engine reported them. */
  gpuLayers?: { on: number; of: number };
  /** Short plain label, e.g. `CPU, 2 threads` or `WebGPU`. */
  label: string;
  /** Why it runs there, in plain words (the choice, and what the engine did when that differs). */
  note: string;
}

/** A model loaded in an engine, as the page sees it. */
export interface LoadedModel {
  modelId: string;
  engine: EngineKind;
  /** Engine library and version, with where it runs, e.g. `@wllama/wllama 3.13.0 (llama.cpp, CPU, 2 threads)`. */
  engineVersion: string;
  /** The engine's npm package and exact version. */
  engineLibrary: { name: string; version: string };
  /** Where the model runs, read from the engine's own report. */
  runsOn: RunsOn;
  contextWindow: number;
  /** The chat template as the engine applies it (GGUF jinja, or web-llm's conversation config). */
  chatTemplate: string;
  /** Sampling defaults the model ships with. */
  defaults: SamplingSettings;
  /** CPU threads in use (CPU engine). */
  threads?: number;
  /** Whether a reply cut at the token limit can be continued (`GenerateOptions.continueLast`). */
  canContinue: boolean;
  /** Whether the engine reads a message while it is typed (`prepare`), so Send computes only what is left. */
  readsAhead?: boolean;
  loadMs: number;
  /** llama.cpp: the KV cache and attention it set up (read from its log), and why they were asked for. */
  kvCache?: KvCacheReport;
}

/** The KV cache and attention llama.cpp set up, as its load log says (`readKvCache`). */
export interface KvCache {
  /** Key and value types, e.g. `f32`, `f16`, `q8_0`. */
  keyType: string;
  valueType: string;
  /** MiB of every KV cache llama.cpp made (a sliding-window model has two). */
  mib: number;
  /** Whether flash attention is used; null when the log did not say. */
  flashAttention: boolean | null;
  /**
   * Whether keys or values are stored Hadamard-rotated: llama.cpp rotates them before an 8-bit or
   * smaller cache rounds them (the rotation spreads outliers across a block), and back after.
   */
  rotated: boolean;
}

/** The conversation's memory in llama.cpp, as it reported it, and why it was asked for. */
export interface KvCacheReport extends KvCache {
  /** Why this was asked for, in plain words. */
  why: string;
}

/** How a reply is generated. */
export interface GenerateOptions {
  /** The last message is a partial assistant reply: write on from its last token, no new turn. */
  continueLast?: boolean;
  /** The conversation the prompt is of, and how many of its oldest turns it leaves out. */
  scope?: PromptScope;
}

/** How much of a message being typed the engine read: all of it, a slice of a long one (ask again), or none. */
export type DraftRead = 'whole' | 'part' | 'none';

/**
 * Which conversation a prompt is of and how many of its oldest turns it leaves out: llama.cpp may
 * move cached turns into place (cache reuse) only for a prompt that leaves out more turns of the
 * same conversation than the one it holds (`cacheReuseFor`).
 */
export interface PromptScope {
  conversation: string;
  droppedTurns: number;
}

/** A finished reply: its stats and the exact prompt the engine was given. */
export interface ReplyResult {
  stats: ReplyStats;
  prompt: RawPrompt;
}

/** The exact text an engine received, with the special tokens it adds marked. */
export interface RawPrompt {
  text: string;
  /** Tokens the engine adds around the text itself (e.g. BOS), in order. */
  addedTokens: string[];
  /** Exact token count when the engine reported it, else null. */
  tokens: number | null;
}

/** The engine worker's API type, derived from its implementation (a type-only import). */
export type EngineApi = typeof import('../engine/engineApi').engineApi;
