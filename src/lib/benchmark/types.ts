/**
 * A benchmark run as Hearth keeps it (IndexedDB) and exports it (JSON, `benchmarkFile`): the
 * device, each model's load, and each model × prompt reply with its numbers.
 */
import type { SamplingSettings } from '../../../workers/shared/chat';
import type { EngineKind } from '../../../workers/shared/catalog';
import type { EngineErrorName } from '../../../workers/shared/engineErrors';
import type { BenchmarkPromptId } from './prompts';

/** The device the run measured, as the app probed it. */
export interface BenchmarkDevice {
  webgpu: boolean;
  /** Why there was no usable adapter, when there was none. */
  webgpuProblem: string | null;
  adapter: { vendor: string; architecture: string; description: string } | null;
  fallbackAdapter: boolean;
  /** WebGPU features that matter to the builds (`shader-f16`). */
  features: string[];
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** `navigator.hardwareConcurrency`. */
  hardwareConcurrency: number;
  crossOriginIsolated: boolean;
  userAgent: string;
}

/** A failure in plain words (the engine's typed error, explained). */
export interface BenchmarkError {
  name: EngineErrorName;
  title: string;
  detail: string;
}

/** One model of the run: how it loaded and where it ran. */
export interface BenchmarkModel {
  id: string;
  displayName: string;
  engine: EngineKind;
  quantization: string;
  /** The engine's npm package and version, once loaded. */
  engineLibrary: { name: string; version: string } | null;
  /** Where it ran, as the engine reported it, e.g. `llama.cpp on CPU, 2 threads` or `web-llm on WebGPU`. */
  runsOn: string | null;
  threads: number | null;
  /** llama.cpp's KV cache as it reported it, e.g. `f32, 16 MiB, flash attention off` (absent for web-llm and older runs). */
  kvCache?: string;
  contextWindow: number | null;
  loadMs: number | null;
  /** `loaded`, `error` (see `error`), or `skipped` (the run was stopped before it). */
  status: 'loaded' | 'error' | 'skipped';
  error: BenchmarkError | null;
}

/** One reply: a model answering a prompt. */
export interface BenchmarkResult {
  modelId: string;
  promptId: BenchmarkPromptId;
  /** `stopped`: the run was stopped during this reply (its numbers cover what was generated). */
  status: 'complete' | 'stopped' | 'error';
  promptTokens: number;
  /** Prompt tokens the engine served from its KV cache (the chat template's shared start). */
  cachedPromptTokens: number;
  completionTokens: number;
  timeToFirstTokenS: number;
  prefillTokensPerS: number;
  decodeTokensPerS: number;
  totalS: number;
  /** The reply's text (what the side-by-side view shows). */
  reply: string;
  error: BenchmarkError | null;
}

export type BenchmarkKind = 'benchmark' | 'sideBySide';

/** A whole run. */
export interface BenchmarkRun {
  id: string;
  kind: BenchmarkKind;
  /** ISO 8601 times. */
  startedAt: string;
  finishedAt: string | null;
  /** `running` only while it runs; `stopped` when the user stopped it (results so far kept). */
  status: 'running' | 'complete' | 'stopped';
  appVersion: string;
  sampling: SamplingSettings;
  promptIds: BenchmarkPromptId[];
  device: BenchmarkDevice;
  models: BenchmarkModel[];
  results: BenchmarkResult[];
}

/** The exported file: a run, with the format's name and version. */
export interface BenchmarkFile {
  format: 'hearth-benchmark';
  version: 1;
  run: BenchmarkRun;
}
