import { proxy, wrap, type Remote } from 'comlink';
import type { EngineMessage, SamplingSettings } from '../../workers/shared/chat';
import type { EngineResult } from '../../workers/shared/engineErrors';
import type { EngineApi, ReplyResult } from '../../workers/shared/engineProtocol';

/** A reply being generated: its text as it streams, and how it ended. */
export interface ReplyStream {
  chunks: AsyncIterable<string>;
  result: Promise<EngineResult<ReplyResult>>;
}

/**
 * Owns the engine worker: started on first use, calls, interrupt (the worker stays alive and
 * the model loaded), terminate. The page never imports the worker's code, only its API type.
 */
export class EngineBridge {
  #worker: Worker | undefined;
  #api: Remote<EngineApi> | undefined;

  /** The worker's API, starting the worker if needed. */
  get api(): Remote<EngineApi> {
    if (!this.#api) {
      this.#worker = new Worker(new URL('../../workers/engine/engine.worker.ts', import.meta.url), {
        type: 'module',
        name: 'hearth-engine',
      });
      this.#api = wrap<EngineApi>(this.#worker);
    }
    return this.#api;
  }

  /** Streams a reply as an async iterable of text pieces. */
  stream(messages: EngineMessage[], sampling: SamplingSettings): ReplyStream {
    const queue: string[] = [];
    let wake: (() => void) | null = null;
    let ended = false;
    const result = this.api
      .generate(
        messages,
        sampling,
        proxy((text: string) => {
          queue.push(text);
          wake?.();
        }),
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
    return this.api.interrupt();
  }

  /** Ends the worker; the next call starts a fresh one. */
  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#api = undefined;
  }
}
