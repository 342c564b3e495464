/**
 * What the page knows of the engine worker: the types its API takes and returns, and the API
 * type itself (derived from the implementation, imported as a type only).
 */
import type { EngineKind } from './catalog';
import type { ReplyStats, SamplingSettings } from './chat';

/** Loading progress in our own terms. */
export interface LoadProgress {
  phase: 'checking' | 'loading';
  fraction: number;
  text: string;
}

/** A model loaded in an engine, as the page sees it. */
export interface LoadedModel {
  modelId: string;
  engine: EngineKind;
  /** Engine library and version, with how it runs, e.g. `@wllama/wllama 3.8.1 (…, 1 thread)`. */
  engineVersion: string;
  /** The engine's npm package and exact version. */
  engineLibrary: { name: string; version: string };
  contextWindow: number;
  /** The chat template as the engine applies it (GGUF jinja, or web-llm's conversation config). */
  chatTemplate: string;
  /** Sampling defaults the model ships with. */
  defaults: SamplingSettings;
  /** CPU threads in use (CPU engine). */
  threads?: number;
  /** Whether a reply cut at the token limit can be continued (`GenerateOptions.continueLast`). */
  canContinue: boolean;
  loadMs: number;
}

/** How a reply is generated. */
export interface GenerateOptions {
  /** The last message is a partial assistant reply: write on from its last token, no new turn. */
  continueLast?: boolean;
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
