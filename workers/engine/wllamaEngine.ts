import { Template } from '@huggingface/jinja';
import { Wllama } from '@wllama/wllama';
import wllamaPackage from '@wllama/wllama/package.json';
import wasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import type { CatalogEntry } from '../shared/catalog';
import type { EngineMessage, ReplyStats, SamplingSettings } from '../shared/chat';
import { autoGgufDevice, threadsToUse, type DeviceReport } from '../shared/device';
import type { DraftRead, EngineLoadOptions, GenerateOptions, LoadedModel, PromptScope, RawPrompt, ReplyResult } from '../shared/engineProtocol';
import { CacheSettler, draftPrompt, exchangeAfterReply, nextReadSlice, promptUpToLastMessage } from './llamaCacheSettle';
import { attentionFor, cacheReuseFor, defaultsAfterRefusal, llamaCacheParams, readsAheadCheaply, type LlamaAttentionChoice } from './llamaAttention';
import { LlamaLog, readCacheTypeRefusal, readKvCache, readPlacement } from './llamaLog';
import { llamaRunsOn, type DeviceRequest } from './runsOn';
import type { ChatEngine } from './types';

/** The context window to configure: the option when given, within what the model was trained for. */
function contextWindowFor(entry: CatalogEntry, options: EngineLoadOptions): number {
  const wanted = options.contextWindow ?? entry.contextWindow;
  return Math.max(256, Math.min(Math.floor(wanted), entry.trainedContextWindow || wanted));
}

/** The device llama.cpp is asked for, and why. */
function deviceRequest(options: EngineLoadOptions, device: DeviceReport): DeviceRequest {
  const choice = options.ggufDevice ?? 'auto';
  if (choice !== 'auto') return { device: choice, chosenByUser: true };
  const auto = autoGgufDevice(device);
  const why = auto === 'webgpu' ? 'this GPU supports WebGPU' : !device.webgpu ? 'WebGPU is not available in this browser' : 'the only WebGPU adapter is a software fallback, slower than the CPU';
  return { device: auto, chosenByUser: false, why };
}

/** Raised when llama.cpp could not allocate a buffer on the GPU it was given. */
export class GpuAllocationError extends Error {
  override name = 'GpuAllocationError';
  constructor(readonly bytes: number | null, cause: unknown) {
    super(`llama.cpp could not allocate a WebGPU buffer${bytes ? ` of ${bytes} bytes` : ''}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * The GGUF engine: llama.cpp in WebAssembly (wllama), on the CPU or on WebGPU, fed the verified
 * GGUF bytes as a Blob straight from our store (no request, no second copy). We render the GGUF's
 * own chat template and give llama.cpp that exact text, so the "raw prompt" the user sees is what
 * the model reads. One slot: every turn reuses the KV cache of the prompt it shares with the last.
 */
export class WllamaEngine implements ChatEngine {
  readonly loaded: LoadedModel;
  readonly #wllama: Wllama;
  readonly #log: LlamaLog;
  readonly #template: Template;
  readonly #addsBos: boolean;
  /** Computes a finished exchange, or a message being typed, while llama.cpp is idle (llamaCacheSettle.ts). */
  readonly #settler: CacheSettler<{ text: string; scope: PromptScope | null }>;
  /** The last prompt given to llama.cpp and its scope: what its cache holds (`cacheReuseFor`). */
  #held: { text: string; scope: PromptScope | null } = { text: '', scope: null };
  /** Counts generations, so only the latest one settles the cache after it. */
  #generations = 0;

  private constructor(wllama: Wllama, log: LlamaLog, template: string, loaded: LoadedModel) {
    this.#wllama = wllama;
    this.#settler = new CacheSettler(({ text, scope }, signal) => this.#prefill(text, scope, signal));
    this.#log = log;
    this.#template = new Template(template);
    this.#addsBos = wllama.mustAddBosToken();
    this.loaded = loaded;
  }

  /** Loads a GGUF (or a split GGUF's parts, in order) from verified bytes on the device asked for (or chosen for this device). */
  static async load(entry: CatalogEntry, gguf: Blob[], options: EngineLoadOptions, device: DeviceReport): Promise<WllamaEngine> {
    const request = deviceRequest(options, device);
    // The load time shown is what the user waited for, a failed first try included.
    const started = performance.now();
    try {
      return await WllamaEngine.#loadOn(entry, gguf, options, device, request, { started });
    } catch (error) {
      // Hearth's own choice of the GPU did not fit it: the CPU has no buffer limits.
      if (error instanceof GpuAllocationError && !request.chosenByUser) {
        const why = `the model did not fit this GPU${error.bytes ? ` (a ${Math.round(error.bytes / 1e6)} MB buffer failed)` : ''}`;
        return WllamaEngine.#loadOn(entry, gguf, options, device, { device: 'cpu', chosenByUser: false, why }, { started });
      }
      throw error;
    }
  }

  /** One load on one device, timed from `attempt.started`; `attempt.attention` is asked for again after a refusal. */
  static async #loadOn(entry: CatalogEntry, gguf: Blob[], options: EngineLoadOptions, device: DeviceReport, request: DeviceRequest, attempt: { started: number; attention?: LlamaAttentionChoice }): Promise<WllamaEngine> {
    const log = new LlamaLog();
    // Our own wasm, served by the app; compat builds would come from a CDN, so never use them.
    // The native log is kept: it is where llama.cpp says which device holds the model.
    const wllama = new Wllama({ default: new URL(wasmUrl, self.location.href).href }, { logger: log.logger, suppressNativeLog: false, allowOffline: true });
    wllama.setCompat(null);
    const threads = threadsToUse(device, options.threads);
    const contextWindow = contextWindowFor(entry, options);
    const attention = attempt.attention ?? (await WllamaEngine.#attention(entry, gguf[0], request.device, contextWindow));
    // A model llama.cpp cannot keep in the 8-bit cache loads again with its defaults, saying why.
    const refusedCache = async (): Promise<LlamaAttentionChoice | null> => {
      const refusal = attention.cacheType === 'q8_0' ? readCacheTypeRefusal(log.lines) : null;
      if (!refusal) return null;
      await wllama.exit().catch(() => {});
      return defaultsAfterRefusal(refusal);
    };
    try {
      await wllama.loadModel(gguf, {
        n_ctx: contextWindow,
        n_threads: threads,
        // 0 keeps llama.cpp off WebGPU entirely (wllama then never opens a GPU device).
        n_gpu_layers: request.device === 'cpu' ? 0 : 999,
        // One conversation at a time, cache reuse (dropping the oldest turns keeps the cache of
        // the turns that stay), and the KV cache and attention chosen for this device.
        ...llamaCacheParams(attention),
      });
    } catch (error) {
      const defaults = await refusedCache();
      if (defaults) return WllamaEngine.#loadOn(entry, gguf, options, device, request, { started: attempt.started, attention: defaults });
      await wllama.exit().catch(() => {});
      const failure = readPlacement(log.lines).allocationFailure;
      if (failure && /webgpu/i.test(failure.backend)) throw new GpuAllocationError(failure.bytes, error);
      throw error;
    }
    // (wllama 3.13.0 can resolve a load whose context llama.cpp refused to create.)
    const defaults = await refusedCache();
    if (defaults) return WllamaEngine.#loadOn(entry, gguf, options, device, request, { started: attempt.started, attention: defaults });
    const placement = readPlacement(log.lines);
    const kvCache = readKvCache(log.lines);
    log.loaded();
    const template = wllama.getChatTemplate();
    if (!template) {
      await wllama.exit();
      throw new Error('This GGUF has no chat template (tokenizer.chat_template).');
    }
    const usedThreads = wllama.isMultithread() ? wllama.getNumThreads() : 1;
    const runsOn = llamaRunsOn(placement, request, usedThreads);
    return new WllamaEngine(wllama, log, template, {
      modelId: entry.id,
      engine: 'wllama',
      engineLibrary: { name: '@wllama/wllama', version: wllamaPackage.version },
      engineVersion: `@wllama/wllama ${wllamaPackage.version} (llama.cpp, ${runsOn.label})`,
      runsOn,
      contextWindow,
      chatTemplate: template,
      // Llama 3.2 Instruct's generation_config.json: temperature 0.6, top_p 0.9.
      defaults: { temperature: 0.6, topP: 0.9, maxTokens: Math.min(1024, Math.floor(contextWindow / 2)) },
      threads: usedThreads,
      canContinue: true,
      readsAhead: readsAheadCheaply(runsOn.kvDevice, kvCache?.keyType ?? null),
      loadMs: performance.now() - attempt.started,
      ...(kvCache ? { kvCache: { ...kvCache, why: attention.why } } : {}),
    });
  }

  /** The KV cache and attention for this entry on this device (see `attentionFor`). */
  static async #attention(entry: CatalogEntry, firstPart: Blob, device: 'cpu' | 'webgpu', contextWindow: number): Promise<LlamaAttentionChoice> {
    if (device !== 'cpu' || entry.kvValuesPerToken) return attentionFor(device, entry.kvValuesPerToken, contextWindow, entry.kvHeadSizes);
    // Entries saved before catalogs carried the size: read it from the model's own header.
    // (Loaded only then: the header reader is not needed for any other load.)
    const facts = await (await import('../store/ggufFacts')).kvCacheFactsOfBlob(firstPart);
    return attentionFor(device, facts.kvValuesPerToken ?? undefined, contextWindow, facts.kvHeadSizes ?? undefined);
  }

  // llama.cpp adds BOS itself when the model asks for it, so the template renders it empty.
  #render(messages: EngineMessage[], generation: boolean): string {
    return this.#template.render({ messages, add_generation_prompt: generation, bos_token: '', eos_token: '' });
  }

  async formatPrompt(messages: EngineMessage[], options: GenerateOptions = {}): Promise<RawPrompt> {
    const render = (list: EngineMessage[], generation: boolean): string => this.#render(list, generation);
    const addedTokens = this.#addsBos ? ['<|begin_of_text|>'] : [];
    const last = messages.at(-1);
    if (!options.continueLast || last?.role !== 'assistant') return { text: render(messages, true), addedTokens, tokens: null };
    // Continuing: the prompt ends inside the partial reply, before whatever the template closes a turn with.
    return { text: promptUpToLastMessage((list) => render(list, false), messages) ?? render(messages, true), addedTokens, tokens: null };
  }

  /**
   * Has llama.cpp read the prompt a message being typed would become (`messages` end with it), so
   * Send computes only what follows; a long one a slice at a time (see llamaCacheSettle.ts).
   */
  async prepare(messages: EngineMessage[], scope: PromptScope | null = null): Promise<DraftRead> {
    const text = this.loaded.readsAhead ? draftPrompt((list) => this.#render(list, false), messages) : null;
    if (!text) return 'none';
    const slice = nextReadSlice(this.#held.text, text);
    if (!(await this.#settler.start({ text: slice, scope }))) return 'none';
    return slice === text ? 'whole' : 'part';
  }

  async generate(messages: EngineMessage[], sampling: SamplingSettings, signal: AbortSignal, onText: (text: string) => void, options: GenerateOptions = {}): Promise<ReplyResult> {
    const prompt = await this.formatPrompt(messages, options);
    const generation = ++this.#generations;
    const started = performance.now();
    let reply = '';
    let firstTokenAt: number | null = null;
    let finishReason: ReplyStats['finishReason'] = 'stop';
    let promptTokens = 0;
    let cachedTokens: number | undefined;
    let completionTokens = 0;
    let prefillPerS = 0;
    let decodePerS = 0;
    let pieces = 0;
    try {
      // Counted in the time to first token: a prompt that waits here waits for its own prefix.
      await this.#settler.before(prompt.text, signal);
      if (signal.aborted) throw new DOMException('Stopped before the first token', 'AbortError');
      const stream = await this.#wllama.createCompletion({
        ...this.#request(prompt.text, options.scope ?? null),
        prompt: prompt.text,
        stream: true,
        max_tokens: sampling.maxTokens,
        temperature: sampling.temperature,
        top_p: sampling.topP,
        abortSignal: signal,
      });
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (choice?.text) {
          firstTokenAt ??= performance.now();
          pieces += 1;
          reply += choice.text;
          onText(choice.text);
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason === 'length' ? 'length' : 'stop';
        if (chunk.usage) {
          promptTokens = chunk.usage.prompt_tokens;
          completionTokens = chunk.usage.completion_tokens;
          cachedTokens ??= chunk.usage.prompt_tokens_details?.cached_tokens;
        }
        if (chunk.timings) {
          prefillPerS = chunk.timings.prompt_per_second;
          decodePerS = chunk.timings.predicted_per_second;
          cachedTokens = chunk.timings.cache_n;
          promptTokens ||= chunk.timings.prompt_n + chunk.timings.cache_n;
          completionTokens ||= chunk.timings.predicted_n;
        }
      }
    } catch (error) {
      if (!signal.aborted && !(error instanceof Error && error.name === 'AbortError')) throw this.#explain(error);
      finishReason = 'abort';
    }
    const endedAt = performance.now();
    // A stopped reply is kept by the page too; an older generation that ends late settles nothing.
    const exchange = exchangeAfterReply(messages, reply, !!options.continueLast);
    if (exchange && generation === this.#generations) void this.#settler.start({ text: this.#render(exchange, false), scope: options.scope ?? null });
    const totalS = (endedAt - started) / 1000;
    // An interrupted stream ends before llama.cpp reports usage or timings: count the pieces we
    // received (one token each) and time them ourselves, so a stopped reply's rate is true.
    completionTokens ||= pieces;
    if (!decodePerS && firstTokenAt !== null && completionTokens > 1 && endedAt > firstTokenAt) {
      decodePerS = (completionTokens - 1) / ((endedAt - firstTokenAt) / 1000);
    }
    return {
      prompt: { ...prompt, tokens: promptTokens || null },
      stats: {
        promptTokens,
        completionTokens,
        timeToFirstTokenS: firstTokenAt === null ? totalS : (firstTokenAt - started) / 1000,
        prefillTokensPerS: prefillPerS,
        decodeTokensPerS: decodePerS,
        totalS,
        ...(cachedTokens !== undefined ? { cachedPromptTokens: cachedTokens } : {}),
        device: this.loaded.runsOn.label,
        finishReason,
      },
    };
  }

  /** A generation failure, named by what llama.cpp logged just before (a lost GPU says so there). */
  #explain(error: unknown): unknown {
    const recent = readPlacement(this.#log.lines);
    if (recent.deviceLost) return Object.assign(new Error(`The WebGPU device was lost: ${recent.deviceLost}`), { name: 'DeviceLostError' });
    if (recent.allocationFailure) return new GpuAllocationError(recent.allocationFailure.bytes, error);
    return error;
  }

  /**
   * A request for this prompt: the cache reuse it may ask for (`cacheReuseFor`), as llama.cpp's
   * per-request `n_cache_reuse` (not in wllama's types; a contract test holds it). The prompt is
   * then what llama.cpp holds.
   */
  #request(text: string, scope: PromptScope | null): Partial<Parameters<Wllama['createCompletion']>[0]> {
    const reuse = cacheReuseFor(this.#held.scope, scope);
    this.#held = { text, scope };
    return { n_cache_reuse: reuse } as Partial<Parameters<Wllama['createCompletion']>[0]>;
  }

  /** Has llama.cpp compute this text into its cache (one token is sampled and thrown away). */
  async #prefill(text: string, scope: PromptScope | null, signal: AbortSignal): Promise<void> {
    const stream = await this.#wllama.createCompletion({ ...this.#request(text, scope), prompt: text, stream: true, max_tokens: 1, temperature: 0, abortSignal: signal });
    for await (const chunk of stream) void chunk;
  }

  async unload(): Promise<void> {
    await this.#settler.stop();
    await this.#wllama.exit();
  }
}
