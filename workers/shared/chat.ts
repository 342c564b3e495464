/** Chat types shared by the engine worker and the page. */

export type ChatRole = 'system' | 'user' | 'assistant';

/** One message as an engine receives it. */
export interface EngineMessage {
  role: ChatRole;
  content: string;
}

/** Sampling settings; a model's defaults come from its config. */
export interface SamplingSettings {
  temperature: number;
  topP: number;
  /** Upper bound on new tokens for one reply. */
  maxTokens: number;
}

/** What one reply cost, measured by the engine. */
export interface ReplyStats {
  promptTokens: number;
  completionTokens: number;
  /** Seconds from the request to the first token. */
  timeToFirstTokenS: number;
  prefillTokensPerS: number;
  decodeTokensPerS: number;
  totalS: number;
  /** Prompt tokens whose KV cache was reused from earlier turns (not computed again). */
  cachedPromptTokens?: number;
  /** Where the reply was computed, e.g. `CPU, 2 threads` (the loaded model's `runsOn.label`). */
  device?: string;
  /** Why the reply ended. */
  finishReason: 'stop' | 'length' | 'abort' | 'error';
}

/** A streamed piece of a reply. */
export type ReplyChunk = { type: 'text'; text: string } | { type: 'done'; stats: ReplyStats };

/** Identity of the model that produced a reply, recorded with it. */
export interface ModelStamp {
  id: string;
  revision: string;
  engine: 'webllm' | 'wllama';
}
