import type { CatalogEntry } from '../shared/catalog';
import type { EngineMessage, SamplingSettings } from '../shared/chat';
import { classifyEngineError, type EngineError, type EngineResult } from '../shared/engineErrors';
import type { GenerateOptions, LoadedModel, LoadProgress, RawPrompt, ReplyResult } from '../shared/engineProtocol';
import { missingFiles, readFileBlob, readManifest } from '../store/storeReader';
import type { ChatEngine } from './types';
import { WebllmEngine } from './webllmEngine';
import { WllamaEngine } from './wllamaEngine';

let engine: ChatEngine | null = null;
let generation: AbortController | null = null;

function fail<T>(error: EngineError): EngineResult<T> {
  return { ok: false, error };
}

/** Reads a verified file's text from the store (chat config, for web-llm's defaults). */
async function verifiedJson<T>(modelId: string, path: string): Promise<T> {
  const blob = await readFileBlob(modelId, path);
  return blob ? (JSON.parse(await blob.text()) as T) : ({} as T);
}

// Pieces of a reply are posted in batches: one message per ~16 ms instead of per token.
// `flush` resolves once the page has received every piece: the callback travels on its own
// message port, so without waiting the final result could overtake the last pieces.
function batcher(onText: (text: string) => unknown): { push(text: string): void; flush(): Promise<void> } {
  let pending = '';
  let timer: ReturnType<typeof setTimeout> | null = null;
  const delivered: Promise<unknown>[] = [];
  const send = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending) delivered.push(Promise.resolve(onText(pending)));
    pending = '';
  };
  return {
    push(text) {
      pending += text;
      timer ??= setTimeout(send, 16);
    },
    async flush() {
      send();
      await Promise.allSettled(delivered);
    },
  };
}

/** The engine worker's API: one model at a time, on web-llm (WebGPU) or wllama (CPU). */
export const engineApi = {
  /**
   * Loads a downloaded model. Every file must be present with its recorded size first; files
   * that are not are reported (this worker never writes the store), so the page can have the
   * store drop and download them again before trying again.
   */
  async load(entry: CatalogEntry, onProgress?: (progress: LoadProgress) => void): Promise<EngineResult<LoadedModel>> {
    await engineApi.unload();
    onProgress?.({ phase: 'checking', fraction: 0, text: 'Checking the stored files' });
    const manifest = await readManifest(entry.id);
    const missing = await missingFiles(entry.id);
    if (!manifest || !missing || missing.length > 0) {
      return fail({
        name: 'ModelNotReadyError',
        message: 'Some files of this model are missing or damaged.',
        badFiles: missing?.map((b) => b.path) ?? [],
      });
    }
    try {
      if (entry.engine === 'wllama') {
        // A split GGUF is several weight files, in order; llama.cpp reads them as one model.
        const weights = manifest.files.filter((f) => f.role === 'weights');
        const blobs = await Promise.all(weights.map((w) => readFileBlob(entry.id, w.path)));
        if (weights.length === 0 || blobs.some((b) => !b)) return fail({ name: 'ModelNotReadyError', message: 'The model weights are not stored.', badFiles: weights.map((w) => w.path) });
        onProgress?.({ phase: 'loading', fraction: 0.1, text: 'Loading the model into the CPU engine' });
        engine = await WllamaEngine.load(entry, blobs as Blob[]);
      } else {
        const chatConfig = await verifiedJson<Record<string, unknown>>(entry.id, 'mlc-chat-config.json');
        engine = await WebllmEngine.load(entry, manifest, chatConfig, (fraction, text) => onProgress?.({ phase: 'loading', fraction, text }));
      }
      onProgress?.({ phase: 'loading', fraction: 1, text: 'Ready' });
      return { ok: true, value: engine.loaded };
    } catch (error) {
      engine = null;
      return fail(classifyEngineError(error));
    }
  },

  /** The exact prompt a conversation becomes for the loaded engine. */
  async formatPrompt(messages: EngineMessage[]): Promise<EngineResult<RawPrompt>> {
    if (!engine) return fail({ name: 'EngineError', message: 'No model is loaded.' });
    try {
      return { ok: true, value: await engine.formatPrompt(messages) };
    } catch (error) {
      return fail(classifyEngineError(error));
    }
  },

  /**
   * Streams a reply to `onText` in small batches. Resolves with the stats and the exact prompt
   * when the reply ends, including when `interrupt` stopped it (the engine stays loaded).
   */
  async generate(messages: EngineMessage[], sampling: SamplingSettings, onText: (text: string) => void, options: GenerateOptions = {}): Promise<EngineResult<ReplyResult>> {
    if (!engine) return fail({ name: 'EngineError', message: 'No model is loaded.' });
    if (options.continueLast && !engine.loaded.canContinue) return fail({ name: 'EngineError', message: 'This engine cannot continue a reply.' });
    generation?.abort();
    const controller = new AbortController();
    generation = controller;
    const batch = batcher(onText);
    try {
      const result = await engine.generate(messages, sampling, controller.signal, batch.push, options);
      await batch.flush();
      return { ok: true, value: result };
    } catch (error) {
      await batch.flush();
      return fail(classifyEngineError(error));
    } finally {
      if (generation === controller) generation = null;
    }
  },

  /** Stops the reply being generated; what was generated is kept by the page. */
  interrupt(): void {
    generation?.abort();
  },

  /** Frees the loaded model. */
  async unload(): Promise<void> {
    generation?.abort();
    const current = engine;
    engine = null;
    await current?.unload().catch(() => {});
  },
};
