import type { BenchmarkFile, BenchmarkRun } from './types';

/** The exported file of a run (JSON: `format` and `version` say how to read it). */
export function benchmarkFile(run: BenchmarkRun): BenchmarkFile {
  return { format: 'hearth-benchmark', version: 1, run };
}

/** `hearth-benchmark-2026-12-02T01-05-07.json` (or `.svg`, `.png`): the run's start, safe in a file name. */
export function benchmarkFileName(run: BenchmarkRun, extension: 'json' | 'svg' | 'png'): string {
  return `hearth-${run.kind === 'sideBySide' ? 'side-by-side' : 'benchmark'}-${run.startedAt.slice(0, 19).replace(/:/g, '-')}.${extension}`;
}

const number = { type: 'number', minimum: 0 } as const;
const nullableString = { type: ['string', 'null'] } as const;
const error = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['name', 'title', 'detail'],
  properties: { name: { type: 'string' }, title: { type: 'string' }, detail: { type: 'string' } },
} as const;

/**
 * JSON Schema (draft 2020-12) of `BenchmarkFile` version 1: what a reader of an exported file
 * may rely on. The unit tests check exported files against it.
 */
export const benchmarkFileSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://hearth.local/schemas/hearth-benchmark-1.json',
  title: 'Hearth benchmark run',
  type: 'object',
  additionalProperties: false,
  required: ['format', 'version', 'run'],
  properties: {
    format: { const: 'hearth-benchmark' },
    version: { const: 1 },
    run: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'kind', 'startedAt', 'finishedAt', 'status', 'appVersion', 'sampling', 'promptIds', 'device', 'models', 'results'],
      properties: {
        id: { type: 'string' },
        kind: { enum: ['benchmark', 'sideBySide'] },
        startedAt: { type: 'string', format: 'date-time' },
        finishedAt: { type: ['string', 'null'], format: 'date-time' },
        status: { enum: ['running', 'complete', 'stopped'] },
        appVersion: { type: 'string' },
        sampling: {
          type: 'object',
          additionalProperties: false,
          required: ['temperature', 'topP', 'maxTokens'],
          properties: { temperature: number, topP: number, maxTokens: { type: 'integer', minimum: 1 } },
        },
        promptIds: { type: 'array', items: { enum: ['short', 'summary', 'code'] } },
        device: {
          type: 'object',
          additionalProperties: false,
          required: ['webgpu', 'webgpuProblem', 'adapter', 'fallbackAdapter', 'features', 'maxBufferSize', 'maxStorageBufferBindingSize', 'hardwareConcurrency', 'crossOriginIsolated', 'userAgent'],
          properties: {
            webgpu: { type: 'boolean' },
            webgpuProblem: nullableString,
            adapter: {
              type: ['object', 'null'],
              additionalProperties: false,
              required: ['vendor', 'architecture', 'description'],
              properties: { vendor: { type: 'string' }, architecture: { type: 'string' }, description: { type: 'string' } },
            },
            fallbackAdapter: { type: 'boolean' },
            features: { type: 'array', items: { type: 'string' } },
            maxBufferSize: number,
            maxStorageBufferBindingSize: number,
            hardwareConcurrency: { type: 'integer', minimum: 1 },
            crossOriginIsolated: { type: 'boolean' },
            userAgent: { type: 'string' },
          },
        },
        models: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'displayName', 'engine', 'quantization', 'engineLibrary', 'runsOn', 'threads', 'contextWindow', 'loadMs', 'status', 'error'],
            properties: {
              id: { type: 'string' },
              displayName: { type: 'string' },
              engine: { enum: ['webllm', 'wllama'] },
              quantization: { type: 'string' },
              engineLibrary: {
                type: ['object', 'null'],
                additionalProperties: false,
                required: ['name', 'version'],
                properties: { name: { type: 'string' }, version: { type: 'string' } },
              },
              runsOn: nullableString,
              threads: { type: ['integer', 'null'], minimum: 1 },
              kvCache: { type: 'string' },
              contextWindow: { type: ['integer', 'null'], minimum: 1 },
              loadMs: { type: ['number', 'null'], minimum: 0 },
              status: { enum: ['loaded', 'error', 'skipped'] },
              error,
            },
          },
        },
        results: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['modelId', 'promptId', 'status', 'promptTokens', 'cachedPromptTokens', 'completionTokens', 'timeToFirstTokenS', 'prefillTokensPerS', 'decodeTokensPerS', 'totalS', 'reply', 'error'],
            properties: {
              modelId: { type: 'string' },
              promptId: { enum: ['short', 'summary', 'code'] },
              status: { enum: ['complete', 'stopped', 'error'] },
              promptTokens: { type: 'integer', minimum: 0 },
              cachedPromptTokens: { type: 'integer', minimum: 0 },
              completionTokens: { type: 'integer', minimum: 0 },
              timeToFirstTokenS: number,
              prefillTokensPerS: number,
              decodeTokensPerS: number,
              totalS: number,
              reply: { type: 'string' },
              error,
            },
          },
        },
      },
    },
  },
} as const;
