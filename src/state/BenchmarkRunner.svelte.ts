import type { CatalogEntry } from '../../workers/shared/catalog';
import type { ReplyStats } from '../../workers/shared/chat';
import type { DeviceReport } from '../../workers/shared/device';
import type { EngineLoadOptions } from '../../workers/shared/engineProtocol';
import { kvCacheText, runsOnText } from '../lib/builds';
import { benchmarkContextWindow, benchmarkPrompt, benchmarkSampling, type BenchmarkPromptId } from '../lib/benchmark/prompts';
import { benchmarkError, deviceRecord, errorResult, resultFromStats } from '../lib/benchmark/results';
import type { BenchmarkKind, BenchmarkModel, BenchmarkRun } from '../lib/benchmark/types';
import type { EngineBridge } from '../lib/EngineBridge';
import { newId } from '../lib/conversation';
import type { BenchmarkHistory } from './BenchmarkHistory.svelte';

/** Where a run is: which model, which prompt, and whether it is loading or answering. */
export interface BenchmarkProgress {
  modelIndex: number;
  modelCount: number;
  modelName: string;
  phase: 'loading' | 'answering';
  promptIndex: number;
  promptCount: number;
  promptLabel: string;
}

/** The chat's model, which the benchmark unloads to free memory and loads again afterwards. */
export interface ChatModelHandle {
  /** The model the chat has loaded (or is loading), with the options it was loaded with. */
  current(): { entry: CatalogEntry; options: EngineLoadOptions } | null;
  /** Unloads it, saying why in the header. */
  release(notice: string): Promise<void>;
  /** Loads it again (unless the user loaded another one meanwhile). */
  restore(entry: CatalogEntry, options: EngineLoadOptions): Promise<void>;
}

export interface BenchmarkDeps {
  /** A fresh engine worker for the run (ended after it, so its memory is given back). */
  engine: () => EngineBridge;
  history: BenchmarkHistory;
  chatModel: ChatModelHandle;
  device: () => Promise<DeviceReport>;
  /** The user's engine settings (device, threads); the benchmark fixes the context window. */
  loadOptions: () => EngineLoadOptions;
  appVersion: string;
}

/**
 * Runs a benchmark or a side-by-side comparison, only when asked: each model in turn in its own
 * engine worker, each prompt with fixed sampling, the run saved after every reply. Stop ends the
 * reply being generated at once (or abandons a load), keeps the results so far and marks the
 * run stopped; the chat's model comes back afterwards.
 */
export class BenchmarkRunner {
  readonly #deps: BenchmarkDeps;
  #engine: EngineBridge | null = null;
  #stop: (() => void) | null = null;
  #stopped = false;

  running = $state(false);
  progress = $state.raw<BenchmarkProgress | null>(null);
  /** The reply being generated, as it streams. */
  liveReply = $state('');
  /** Said after a run: what happened to the chat's model. */
  notice = $state<string | null>(null);

  constructor(deps: BenchmarkDeps) {
    this.#deps = deps;
  }

  /** Stops the run: the reply being generated ends now; what was measured is kept. */
  stop(): void {
    if (!this.running) return;
    this.#stopped = true;
    void this.#engine?.interrupt();
    this.#stop?.();
  }

  /** Resolves with `value`, or with `null` as soon as Stop is pressed. */
  #untilStopped<T>(value: Promise<T>): Promise<T | null> {
    return Promise.race([value, new Promise<null>((resolve) => (this.#stop = () => resolve(null)))]);
  }

  /** Runs `promptIds` on each of `entries` (in order) and keeps the run. */
  async start(kind: BenchmarkKind, entries: CatalogEntry[], promptIds: BenchmarkPromptId[]): Promise<void> {
    if (this.running || entries.length === 0) return;
    this.running = true;
    this.#stopped = false;
    this.notice = null;
    const deps = this.#deps;
    const chatModel = deps.chatModel.current();
    try {
      if (chatModel) await deps.chatModel.release('Unloaded while the benchmark runs; it loads again when the benchmark ends.');
      const device = await deps.device();
      let run: BenchmarkRun = {
        id: newId(),
        kind,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        status: 'running',
        appVersion: deps.appVersion,
        sampling: { ...benchmarkSampling },
        promptIds: [...promptIds],
        device: deviceRecord(device, navigator.userAgent),
        models: entries.map(placeholder),
        results: [],
      };
      const save = async (next: BenchmarkRun): Promise<void> => {
        run = next;
        await deps.history.save(run);
      };
      await save(run);
      this.#engine = deps.engine();
      for (const [modelIndex, entry] of entries.entries()) {
        if (this.#stopped) break;
        const step = { modelIndex, modelCount: entries.length, modelName: entry.displayName, promptCount: promptIds.length };
        this.progress = { ...step, phase: 'loading', promptIndex: 0, promptLabel: benchmarkPrompt(promptIds[0]).label };
        const options = { ...deps.loadOptions(), contextWindow: Math.min(benchmarkContextWindow, entry.trainedContextWindow) };
        const loaded = await this.#untilStopped(this.#engine.load($state.snapshot(entry) as CatalogEntry, options, () => {}));
        if (!loaded) break;
        const model: BenchmarkModel = loaded.ok
          ? {
              ...placeholder(entry),
              status: 'loaded',
              engineLibrary: loaded.value.engineLibrary,
              runsOn: runsOnText(loaded.value),
              threads: loaded.value.runsOn.threads,
              ...(loaded.value.kvCache ? { kvCache: kvCacheText(loaded.value.kvCache) } : {}),
              contextWindow: loaded.value.contextWindow,
              loadMs: loaded.value.loadMs,
            }
          : { ...placeholder(entry), status: 'error', error: benchmarkError(loaded.error) };
        await save({ ...run, models: run.models.map((m, i) => (i === modelIndex ? model : m)) });
        if (!loaded.ok) continue;
        // A first reply after a load pays one-off costs (buffers, caches): a short warm-up, not
        // recorded, so the first prompt is measured like the others.
        const warmUp = this.#engine.stream([{ role: 'user', content: 'Hello' }], { ...benchmarkSampling, maxTokens: 8 });
        await this.#untilStopped(warmUp.result);
        for (const [promptIndex, promptId] of promptIds.entries()) {
          if (this.#stopped) break;
          const prompt = benchmarkPrompt(promptId);
          this.progress = { ...step, phase: 'answering', promptIndex, promptLabel: prompt.label };
          this.liveReply = '';
          const { chunks, result } = this.#engine.stream([{ role: 'user', content: prompt.text }], benchmarkSampling);
          const streamed = async (): Promise<Awaited<typeof result>> => {
            for await (const piece of chunks) this.liveReply += piece;
            return result;
          };
          // Stop interrupts the engine, which ends the reply with its stats; a worker that no
          // longer answers is given up on at once all the same.
          const outcome = (await this.#untilStopped(streamed())) ?? { ok: true as const, value: { stats: abandoned, prompt: { text: '', addedTokens: [], tokens: null } } };
          const row = outcome.ok ? resultFromStats(entry.id, promptId, outcome.value.stats, this.liveReply) : errorResult(entry.id, promptId, outcome.error, this.liveReply);
          await save({ ...run, results: [...run.results, row] });
        }
      }
      await save({ ...run, status: this.#stopped ? 'stopped' : 'complete', finishedAt: new Date().toISOString() });
    } finally {
      this.#engine?.terminate();
      this.#engine = null;
      this.#stop = null;
      this.progress = null;
      this.liveReply = '';
      this.running = false;
      if (chatModel) {
        this.notice = `Loading ${chatModel.entry.displayName} for the chat again.`;
        await deps.chatModel.restore(chatModel.entry, chatModel.options);
        this.notice = null;
      }
    }
  }
}

/** The stats of a reply given up on (the engine never answered the stop): nothing measured. */
const abandoned: ReplyStats = { promptTokens: 0, completionTokens: 0, timeToFirstTokenS: 0, prefillTokensPerS: 0, decodeTokensPerS: 0, totalS: 0, finishReason: 'abort' };

/** A model of the run before it is loaded (and as it stays when the run stops first). */
function placeholder(entry: CatalogEntry): BenchmarkModel {
  return {
    id: entry.id,
    displayName: entry.displayName,
    engine: entry.engine,
    quantization: entry.quantization,
    engineLibrary: null,
    runsOn: null,
    threads: null,
    contextWindow: null,
    loadMs: null,
    status: 'skipped',
    error: null,
  };
}
