import type { CatalogEntry } from '../shared/catalog';
import type { EngineMessage, SamplingSettings } from '../shared/chat';
import type { DeviceReport } from '../shared/device';
import { probeDevice } from '../shared/deviceProbe';
import { classifyEngineError, type EngineError, type EngineResult } from '../shared/engineErrors';
import type { DraftRead, EngineLoadOptions, GenerateOptions, LoadedModel, LoadProgress, PromptScope, RawPrompt, ReplyResult } from '../shared/engineProtocol';
import { missingFiles, readFileBlob, readManifest } from '../store/storeReader';
import type { ChatEngine } from './types';
import { WebllmEngine } from './webllmEngine';
import { WllamaEngine } from './wllamaEngine';

let engine: ChatEngine | null = null;
let generation: AbortController | null = null;
/** The device as this worker sees it (its GPU limits judge allocation failures). */
let device: DeviceReport | null = null;

/** An error the engine already typed (a fit check), or whatever it threw, classified. */
function typed(error: unknown): EngineError {
  const fit = (error as { fit?: EngineError } | null)?.fit;
  return fit ?? classifyEngineError(error, device ?? undefined);
}

function fail<T>(error: EngineError): EngineResult<T> {
  return { ok: false, error };
}

/** Reads a verified file's text from the store (chat config, for web-llm's defaults). */
async function verifiedJson<T>(modelId: string, path: string): Promise<T> {
  const blob = await readFileBlob(modelId, path);
  return blob ? (JSON.parse(await blob.text()) as T) : ({} as T);
}

/**
 * How often the page gets the text of a reply being generated. The first piece goes at once (the
 * time to first token is what the user waits for); after it, one message per interval. Every
 * message makes the page render the reply again, on a main thread that shares the cores with
 * llama.cpp's threads: at one message per token the page took ~30% of a core during a reply and
 * decode ran at 0.68x of wllama alone (npm run bench); ten a second still reads as streaming.
 */
const replyBatchMs = 100;

// `flush` resolves once the page has received every piece: the callback travels on its own
// message port, so without waiting the final result could overtake the last pieces.
function batcher(onText: (text: string) => unknown): { push(text: string): void; flush(): Promise<void> } {
  let pending = '';
  let timer: ReturnType<typeof setTimeout> | null = null;
  let sentAny = false;
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
      if (!sentAny) {
        sentAny = true;
        send();
        return;
      }
      timer ??= setTimeout(send, replyBatchMs);
    },
    async flush() {
      send();
      await Promise.allSettled(delivered);
    },
  };
}

/** The engine worker's API: one model at a time, on web-llm (WebGPU) or wllama (llama.cpp: CPU or WebGPU). */
export const engineApi = {
  /**
   * Loads a downloaded model. Every file must be present with its recorded size first; files
   * that are not are reported (this worker never writes the store), so the page can have the
   * store drop and download them again before trying again.
   */
  async load(entry: CatalogEntry, options: EngineLoadOptions = {}, onProgress?: (progress: LoadProgress) => void): Promise<EngineResult<LoadedModel>> {
    await engineApi.unload();
    onProgress?.({ phase: 'checking', fraction: 0, text: 'Checking the stored files' });
    const manifest = await readManifest(entry.id);
    const missing = await missingFiles(entry.id);
    // Deleted meanwhile (in this tab or another): nothing to repair, and nothing is fetched again.
    if (!manifest || !missing) return fail({ name: 'ModelNotReadyError', message: 'This model is no longer on this device.', badFiles: [] });
    if (missing.length > 0) {
      return fail({
        name: 'ModelNotReadyError',
        message: 'Some files of this model are missing or damaged.',
        badFiles: missing.map((b) => b.path),
      });
    }
    try {
      device = await probeDevice();
      if (entry.engine === 'wllama') {
        // A split GGUF is several weight files, in order; llama.cpp reads them as one model.
        const weights = manifest.files.filter((f) => f.role === 'weights');
        const blobs = await Promise.all(weights.map((w) => readFileBlob(entry.id, w.path)));
        if (weights.length === 0 || blobs.some((b) => !b)) {
          if (!(await readManifest(entry.id))) return fail({ name: 'ModelNotReadyError', message: 'This model is no longer on this device.', badFiles: [] });
          return fail({ name: 'ModelNotReadyError', message: 'The model weights are not stored.', badFiles: weights.map((w) => w.path) });
        }
        onProgress?.({ phase: 'loading', fraction: 0.1, text: 'Loading the model into llama.cpp' });
        engine = await WllamaEngine.load(entry, blobs as Blob[], options, device);
      } else {
        const files = {
          chatConfig: await verifiedJson<Record<string, unknown>>(entry.id, 'mlc-chat-config.json'),
          tensorCache: await verifiedJson<unknown>(entry.id, 'tensor-cache.json'),
        };
        engine = await WebllmEngine.load(entry, manifest, files, device, (fraction, text) => onProgress?.({ phase: 'loading', fraction, text }));
      }
      onProgress?.({ phase: 'loading', fraction: 1, text: 'Ready' });
      return { ok: true, value: engine.loaded };
    } catch (error) {
      engine = null;
      return fail(typed(error));
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
      return fail(typed(error));
    } finally {
      if (generation === controller) generation = null;
    }
  },

  /**
   * Computes the prompt the message being typed would become (`messages` end with it), so Send
   * computes only what follows it: `whole` once computed, `part` when a slice of a long one was
   * (ask again), `none` when the engine cannot, a reply is being generated, or a newer draft or a
   * prompt replaced it. Never an error: it is only a cache.
   */
  async prepare(messages: EngineMessage[], scope: PromptScope | null = null): Promise<DraftRead> {
    if (!engine?.prepare || generation) return 'none';
    return engine.prepare(messages, scope).catch((): DraftRead => 'none');
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
