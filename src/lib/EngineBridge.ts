import { proxy, wrap, type Remote } from 'comlink';
import type { CatalogEntry } from '../../workers/shared/catalog';
import type { EngineMessage, SamplingSettings } from '../../workers/shared/chat';
import type { EngineResult } from '../../workers/shared/engineErrors';
import type { DraftRead, EngineApi, EngineLoadOptions, GenerateOptions, LoadedModel, LoadProgress, PromptScope, RawPrompt, ReplyResult } from '../../workers/shared/engineProtocol';

/** A reply being generated: its text as it streams, and how it ended. */
export interface ReplyStream {
  chunks: AsyncIterable<string>;
  result: Promise<EngineResult<ReplyResult>>;
}

/**
 * Owns the engine worker: started on first use (or early, by `start`, when a model is about to
 * load), calls, interrupt (the worker stays alive and the model loaded), terminate. The page
 * never imports the worker's code, only its API type.
 */
export class EngineBridge {
  #worker: Worker | undefined;
  #api: Remote<EngineApi> | undefined;
  /** Loads in flight, settled by `terminate` (a call to a dead worker would never answer). */
  #loads = new Set<(result: EngineResult<LoadedModel>) => void>();

  get #remote(): Remote<EngineApi> {
    if (!this.#api) {
      this.#worker = new Worker(new URL('../../workers/engine/engine.worker.ts', import.meta.url), { type: 'module', name: 'hearth-engine' });
      this.#api = wrap<EngineApi>(this.#worker);
    }
    return this.#api;
  }

  /** Starts the worker now (its bundle is large), so a load that follows does not wait for it. */
  start(): void {
    void this.#remote;
  }

  /** Loads a downloaded model (on the device, threads and window `options` ask for), reporting progress. */
  load(entry: CatalogEntry, options: EngineLoadOptions, onProgress: (progress: LoadProgress) => void): Promise<EngineResult<LoadedModel>> {
    return new Promise((resolve, reject) => {
      const settle = (result: EngineResult<LoadedModel>): void => {
        this.#loads.delete(settle);
        resolve(result);
      };
      this.#loads.add(settle);
      this.#remote.load(entry, options, proxy(onProgress)).then(settle, (error: unknown) => {
        this.#loads.delete(settle);
        reject(error);
      });
    });
  }

  /** The exact prompt these messages become for the loaded model. */
  formatPrompt(messages: EngineMessage[]): Promise<EngineResult<RawPrompt>> {
    return this.#remote.formatPrompt(messages);
  }

  /** Has the engine read the message being typed (`messages` end with it), of this conversation scope. */
  prepare(messages: EngineMessage[], scope: PromptScope): Promise<DraftRead> {
    return this.#api?.prepare(messages, scope) ?? Promise.resolve('none');
  }

  /** Streams a reply as an async iterable of text pieces. */
  stream(messages: EngineMessage[], sampling: SamplingSettings, options: GenerateOptions = {}): ReplyStream {
    const queue: string[] = [];
    let wake: (() => void) | null = null;
    let ended = false;
    const result = this.#remote
      .generate(
        messages,
        sampling,
        proxy((text: string) => {
          queue.push(text);
          wake?.();
        }),
        options,
      )
      .finally(() => {
        ended = true;
        wake?.();
      });
    const chunks: AsyncIterable<string> = {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (queue.length > 0) yield queue.shift() as string;
          if (ended) return;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      },
    };
    return { chunks, result };
  }

  /** Stops the reply being generated. */
  interrupt(): Promise<void> {
    return this.#api?.interrupt() ?? Promise.resolve();
  }

  /**
   * Frees the loaded model (the worker stays). A load still in flight cannot be stopped inside
   * the engines, and would finish after the unload (a model in memory no one uses, and web-llm
   * writing its caches after the user deleted them), so then the worker is ended instead.
   */
  unload(): Promise<void> {
    if (this.#loads.size > 0) {
      this.terminate();
      return Promise.resolve();
    }
    return this.#api?.unload() ?? Promise.resolve();
  }

  /** Ends the worker, settling a load in flight as stopped; the next call starts a fresh one. */
  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#api = undefined;
    for (const settle of [...this.#loads]) settle({ ok: false, error: { name: 'EngineError', message: 'The model stopped loading.' } });
  }
}
