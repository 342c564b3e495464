// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { ReplyStats } from '../../workers/shared/chat';
import type { DeviceReport } from '../../workers/shared/device';
import { deleteBenchmarkRun, listBenchmarkRuns, saveBenchmarkRun } from '../../src/lib/benchmark/benchmarkDb';
import { benchmarkFile, benchmarkFileName, benchmarkFileSchema } from '../../src/lib/benchmark/benchmarkFile';
import { chartLayout, chartSvgText } from '../../src/lib/benchmark/chart';
import { summaryDocument } from '../../src/lib/benchmark/document';
import { benchmarkPrompts, benchmarkSampling } from '../../src/lib/benchmark/prompts';
import { deviceRecord, errorResult, formatMetric, median, resultFromStats, runStatusText, summarizeRun } from '../../src/lib/benchmark/results';
import { describeRunDevice, runFooter } from '../../src/lib/benchmark/runText';
import type { BenchmarkModel, BenchmarkRun } from '../../src/lib/benchmark/types';

const report: DeviceReport = {
  webgpu: true,
  shaderF16: true,
  fallbackAdapter: false,
  adapter: { vendor: 'apple', architecture: 'metal-3', description: '' },
  maxBufferSize: 4 * 2 ** 30,
  maxStorageBufferBindingSize: 2 ** 31,
  cores: 8,
  crossOriginIsolated: true,
};

const stats = (over: Partial<ReplyStats> = {}): ReplyStats => ({
  promptTokens: 120,
  completionTokens: 64,
  timeToFirstTokenS: 0.25,
  prefillTokensPerS: 480,
  decodeTokensPerS: 30,
  totalS: 2.4,
  cachedPromptTokens: 20,
  device: 'CPU, 2 threads',
  finishReason: 'length',
  ...over,
});

function model(id: string, over: Partial<BenchmarkModel> = {}): BenchmarkModel {
  return {
    id,
    displayName: `${id} <b>&</b>`,
    engine: 'wllama',
    quantization: 'Q4_K_M',
    engineLibrary: { name: '@wllama/wllama', version: '3.13.0' },
    runsOn: 'llama.cpp on CPU, 2 threads',
    threads: 2,
    contextWindow: 4096,
    loadMs: 812,
    status: 'loaded',
    error: null,
    ...over,
  };
}

function run(over: Partial<BenchmarkRun> = {}): BenchmarkRun {
  return {
    id: 'run-1',
    kind: 'benchmark',
    startedAt: '2026-12-02T01:05:07.123Z',
    finishedAt: '2026-12-02T01:06:00.000Z',
    status: 'complete',
    appVersion: '0.1.0',
    sampling: { ...benchmarkSampling },
    promptIds: ['short', 'summary', 'code'],
    device: deviceRecord(report, 'Test/1.0'),
    models: [model('one', { kvCache: 'f32, 256 MiB, flash attention off' }), model('two', { status: 'error', engineLibrary: null, runsOn: null, threads: null, contextWindow: null, loadMs: null, error: { name: 'TooLargeForDeviceError', title: 'Too large for this GPU', detail: 'Needs more.' } })],
    results: [
      resultFromStats('one', 'short', stats({ decodeTokensPerS: 40 }), 'Paris.'),
      resultFromStats('one', 'summary', stats({ promptTokens: 1300, prefillTokensPerS: 900, timeToFirstTokenS: 1.5 }), '- a\n- b'),
      resultFromStats('one', 'code', stats({ decodeTokensPerS: 20, finishReason: 'abort' }), 'function'),
    ],
    ...over,
  };
}

const validate = addFormats.default(new Ajv2020({ allErrors: true, strict: true })).compile(benchmarkFileSchema);

describe('benchmark prompts', () => {
  it('are fixed: a short question, a document of about 1,000 tokens, a code task, with greedy sampling', () => {
    expect(benchmarkPrompts.map((p) => p.id)).toEqual(['short', 'summary', 'code']);
    const words = summaryDocument.split(/\s+/).length;
    // ~1.3 Llama 3 tokens per English word.
    expect(words * 1.3).toBeGreaterThan(900);
    expect(words * 1.3).toBeLessThan(1250);
    expect(benchmarkSampling).toEqual({ temperature: 0, topP: 1, maxTokens: 128 });
  });
});

describe('benchmark results', () => {
  it('records a reply from the engine stats, marks a stopped one, and never keeps NaN', () => {
    const r = resultFromStats('m', 'short', stats({ decodeTokensPerS: Number.NaN, finishReason: 'abort' }), 'hi');
    expect(r).toMatchObject({ status: 'stopped', decodeTokensPerS: 0, promptTokens: 120, cachedPromptTokens: 20, completionTokens: 64, reply: 'hi', error: null });
    expect(resultFromStats('m', 'short', stats(), '').status).toBe('complete');
  });

  it('records a failure in plain words, with no numbers', () => {
    const r = errorResult('m', 'summary', { name: 'ContextOverflowError', message: 'too long', neededTokens: 5000, windowTokens: 4096 });
    expect(r.status).toBe('error');
    expect(r.error).toEqual({ name: 'ContextOverflowError', title: 'Too long for the model', detail: expect.stringContaining('at most 4096') });
    expect([r.timeToFirstTokenS, r.prefillTokensPerS, r.decodeTokensPerS]).toEqual([0, 0, 0]);
  });

  it('records the device: adapter, features, limits, cores', () => {
    expect(deviceRecord(report, 'UA')).toEqual({
      webgpu: true,
      webgpuProblem: null,
      adapter: { vendor: 'apple', architecture: 'metal-3', description: '' },
      fallbackAdapter: false,
      features: ['shader-f16'],
      maxBufferSize: 4 * 2 ** 30,
      maxStorageBufferBindingSize: 2 ** 31,
      hardwareConcurrency: 8,
      crossOriginIsolated: true,
      userAgent: 'UA',
    });
    expect(describeRunDevice(deviceRecord(report, 'UA'))).toBe('WebGPU: apple metal-3; 8 cores');
    expect(describeRunDevice(deviceRecord({ ...report, webgpu: false, adapter: undefined, webgpuProblem: 'this browser has no WebGPU', cores: 1 }, 'UA'))).toBe('No WebGPU: this browser has no WebGPU; 1 core');
  });

  it("summarises each model by the median of its measured replies; a model that failed has none", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 0, 2, 3])).toBe(2.5);
    expect(median([0, Number.NaN])).toBe(0);
    const [one, two] = summarizeRun(run());
    expect(one).toEqual({ modelId: 'one', replies: 3, decodeTokensPerS: 30, prefillTokensPerS: 480, timeToFirstTokenS: 0.25 });
    expect(two.replies).toBe(0);
    expect(two.decodeTokensPerS).toBe(0);
  });

  it('says how a run ended', () => {
    expect(runStatusText(run())).toBe('Complete');
    expect(runStatusText(run({ status: 'stopped' }))).toBe('Stopped after 2 of 6 replies');
    expect(formatMetric('timeToFirstTokenS', 0.4)).toBe('0.40 s');
    expect(formatMetric('prefillTokensPerS', 1234.5)).toBe('1,235 tokens/s');
    expect(formatMetric('decodeTokensPerS', 0)).toBe('—');
  });
});

describe('benchmark chart', () => {
  it('draws a bar per reply against the largest value, notes a model without numbers, and says it all in words', () => {
    const layout = chartLayout(run(), 'decodeTokensPerS');
    expect(layout.title).toBe('Decode speed (tokens/s, higher is better)');
    expect(layout.groups.map((g) => g.bars.map((b) => [b.promptId, b.fraction]))).toEqual([
      [['short', 1], ['summary', 0.75], ['code', 0.5]],
      [],
    ]);
    expect(layout.groups[0].bars[2].label).toBe('Code task (stopped)');
    expect(layout.groups[1].note).toBe('Did not load: Too large for this GPU');
    expect(layout.description).toContain('Short question 40.0 tokens/s');
    const ys = layout.groups.flatMap((g) => [g.y, ...g.bars.map((b) => b.y)]);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    expect(layout.height).toBeGreaterThan(ys.at(-1) ?? 0);
    expect(chartLayout(run(), 'timeToFirstTokenS').title).toContain('lower is better');
  });
  it('says a model not yet reached is waiting while the run goes on, and not run once it was stopped', () => {
    const waiting = { ...model('two'), status: 'skipped' as const, error: null };
    expect(chartLayout(run({ status: 'running', models: [run().models[0], waiting] }), 'decodeTokensPerS').groups[1].note).toBe('Waiting for its turn');
    expect(chartLayout(run({ status: 'stopped', models: [run().models[0], waiting] }), 'decodeTokensPerS').groups[1].note).toBe('Not run: the run was stopped first');
  });

  it('exports a well-formed standalone SVG that escapes model names and carries the device and date', () => {
    const r = run();
    const svg = chartSvgText(chartLayout(r, 'prefillTokensPerS'), runFooter(r));
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
    expect(doc.documentElement.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(doc.querySelector('title')?.textContent).toBe('Prefill speed (tokens/s, higher is better)');
    expect(doc.querySelector('desc')?.textContent).toContain('one <b>&</b>');
    expect(svg).not.toContain('<b>');
    expect(doc.querySelectorAll('rect[fill="#c2410c"]')).toHaveLength(1);
    expect(svg).toContain('WebGPU: apple metal-3; 8 cores · 2026-12-02 01:05 UTC');
  });
});

describe('benchmark file', () => {
  it('is a versioned file that validates against its JSON Schema, with the same numbers', () => {
    const file = JSON.parse(JSON.stringify(benchmarkFile(run()))) as ReturnType<typeof benchmarkFile>;
    expect(validate(file), JSON.stringify(validate.errors)).toBe(true);
    expect(file.format).toBe('hearth-benchmark');
    expect(file.version).toBe(1);
    expect(file.run.results[1].prefillTokensPerS).toBe(900);
    expect(file.run.models[0].kvCache).toBe('f32, 256 MiB, flash attention off');
    // A run kept from before the KV cache was recorded still validates.
    expect(validate(JSON.parse(JSON.stringify(benchmarkFile(run({ models: [model('one')] })))))).toBe(true);
    expect(benchmarkFileName(run(), 'json')).toBe('hearth-benchmark-2026-12-02T01-05-07.json');
    expect(benchmarkFileName(run({ kind: 'sideBySide' }), 'svg')).toBe('hearth-side-by-side-2026-12-02T01-05-07.svg');
  });

  it('the schema refuses another version, a missing number and an unknown prompt', () => {
    const file = benchmarkFile(run());
    expect(validate({ ...file, version: 2 })).toBe(false);
    const { decodeTokensPerS: _dropped, ...partial } = file.run.results[0];
    void _dropped;
    expect(validate({ ...file, run: { ...file.run, results: [partial] } })).toBe(false);
    expect(validate({ ...file, run: { ...file.run, promptIds: ['poem'] } })).toBe(false);
  });
});

describe('benchmark runs in IndexedDB', () => {
  it('keeps runs newest first, replaces a run saved again, and deletes one', async () => {
    await saveBenchmarkRun(run({ id: 'old', startedAt: '2026-12-01T10:00:00.000Z' }));
    await saveBenchmarkRun(run({ id: 'new', startedAt: '2026-12-02T10:00:00.000Z', status: 'running' }));
    await saveBenchmarkRun(run({ id: 'new', startedAt: '2026-12-02T10:00:00.000Z', status: 'stopped' }));
    const runs = await listBenchmarkRuns();
    expect(runs.map((r) => [r.id, r.status])).toEqual([['new', 'stopped'], ['old', 'complete']]);
    await deleteBenchmarkRun('old');
    expect((await listBenchmarkRuns()).map((r) => r.id)).toEqual(['new']);
  });
});
