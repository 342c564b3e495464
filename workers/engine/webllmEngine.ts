import { MLCEngine } from '@mlc-ai/web-llm';
import webllmPackage from '@mlc-ai/web-llm/package.json';
import type { CatalogEntry } from '../shared/catalog';
import type { EngineMessage, ReplyStats, SamplingSettings } from '../shared/chat';
import type { ModelManifest } from '../shared/storeProtocol';
import type { DeviceReport } from '../shared/device';
import type { LoadedModel, RawPrompt, ReplyResult } from '../shared/engineProtocol';
import { checkGpuFit, largestMlcTensor } from '../shared/gpuFit';
import type { ChatEngine } from './types';
import { webllmAppConfig } from './webllmConfig';
import { webllmReusedTokens, type WebllmKvState } from './webllmReuse';

interface ChatConfigFile {
  conv_template?: unknown;
  temperature?: number;
  top_p?: number;
}

/**
 * The WebGPU engine: web-llm's MLCEngine inside our own worker (not its ready-made handler,
 * which flattens errors to strings), configured with `cacheBackend: "indexeddb"` over the files
 * the store verified, so reload makes no request.
 */
export class WebllmEngine implements ChatEngine {
  readonly loaded: LoadedModel;
  readonly #engine: MLCEngine;
  /** What web-llm's KV cache holds after the last reply, to count what the next one reuses. */
  #kv: WebllmKvState | null = null;

  private constructor(engine: MLCEngine, loaded: LoadedModel) {
    this.#engine = engine;
    this.loaded = loaded;
  }

  /**
   * Loads an MLC build whose files the store placed in web-llm's cache. web-llm checks the
   * adapter only after instantiating the model library; checking first (WebGPU, shader-f16, the
   * largest tensor against the GPU's buffer limits) gives the clear error at once and spares
   * compiling a library that cannot run.
   */
  static async load(
    entry: CatalogEntry,
    manifest: ModelManifest,
    files: { chatConfig: ChatConfigFile; tensorCache: unknown },
    device: DeviceReport,
    onProgress: (fraction: number, text: string) => void,
  ): Promise<WebllmEngine> {
    const started = performance.now();
    const { chatConfig } = files;
    if (!device.webgpu) throw Object.assign(new Error(`WebGPU is not available: ${device.webgpuProblem}`), { name: 'WebGPUNotAvailableError' });
    if (entry.requiredFeatures.includes('shader-f16') && !device.shaderF16) {
      throw Object.assign(new Error('This model requires the WebGPU feature shader-f16, which this GPU does not offer.'), { name: 'ShaderF16SupportError' });
    }
    const need = largestMlcTensor(files.tensorCache);
    const tooLarge = need && checkGpuFit(need, device);
    if (tooLarge) throw Object.assign(new Error(tooLarge.message), { name: 'TooLargeForDeviceError', fit: tooLarge });
    const engine = new MLCEngine({
      appConfig: webllmAppConfig(entry, manifest),
      initProgressCallback: (report) => onProgress(report.progress, report.text),
      logLevel: 'WARN',
    });
    await engine.reload(entry.id);
    return new WebllmEngine(engine, {
      modelId: entry.id,
      engine: 'webllm',
      engineLibrary: { name: '@mlc-ai/web-llm', version: webllmPackage.version },
      engineVersion: `@mlc-ai/web-llm ${webllmPackage.version} (WebGPU)`,
      runsOn: {
        device: 'webgpu',
        kvDevice: 'webgpu',
        threads: null,
        requested: 'webgpu',
        label: 'WebGPU',
        note: `web-llm runs on WebGPU only${device.adapter?.description || device.adapter?.vendor ? `, here on ${device.adapter.description || device.adapter.vendor}` : ''}.`,
      },
      contextWindow: entry.contextWindow,
      chatTemplate: JSON.stringify(chatConfig.conv_template ?? {}, null, 2),
      defaults: { temperature: chatConfig.temperature ?? 0.6, topP: chatConfig.top_p ?? 0.9, maxTokens: 1024 },
      // web-llm's chat API always opens a new assistant turn.
      canContinue: false,
      loadMs: performance.now() - started,
    });
  }

  async formatPrompt(messages: EngineMessage[]): Promise<RawPrompt> {
    // web-llm builds its prompt internally from the conversation template; it does not expose
    // the text, so we show the messages as sent and mark the template as web-llm's.
    const text = messages.map((m) => `[${m.role}]\n${m.content}`).join('\n\n');
    return { text, addedTokens: [], tokens: null };
  }

  async generate(messages: EngineMessage[], sampling: SamplingSettings, signal: AbortSignal, onText: (text: string) => void): Promise<ReplyResult> {
    const started = performance.now();
    let firstTokenAt: number | null = null;
    let pieces = 0;
    let finishReason: ReplyStats['finishReason'] = 'stop';
    const stats: Partial<ReplyStats> = {};
    const reused = webllmReusedTokens(this.#kv, messages);
    let reply = '';
    const stop = (): void => void this.#engine.interruptGenerate();
    signal.addEventListener('abort', stop, { once: true });
    try {
      const stream = await this.#engine.chat.completions.create({
        messages,
        stream: true,
        stream_options: { include_usage: true },
        temperature: sampling.temperature,
        top_p: sampling.topP,
        max_tokens: sampling.maxTokens,
      });
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        const text = choice?.delta?.content;
        if (text) {
          firstTokenAt ??= performance.now();
          reply += text;
          pieces += 1;
          onText(text);
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason === 'abort' ? 'abort' : choice.finish_reason === 'length' ? 'length' : 'stop';
        if (chunk.usage) {
          stats.promptTokens = chunk.usage.prompt_tokens;
          stats.completionTokens = chunk.usage.completion_tokens;
          stats.prefillTokensPerS = chunk.usage.extra?.prefill_tokens_per_s ?? 0;
          stats.decodeTokensPerS = chunk.usage.extra?.decode_tokens_per_s ?? 0;
        }
      }
    } finally {
      signal.removeEventListener('abort', stop);
    }
    const endedAt = performance.now();
    const totalS = (endedAt - started) / 1000;
    // Stopped before web-llm reported usage: count and time the pieces received ourselves.
    stats.completionTokens ||= pieces;
    if (!stats.decodeTokensPerS && firstTokenAt !== null && pieces > 1) stats.decodeTokensPerS = (pieces - 1) / ((endedAt - firstTokenAt) / 1000);
    // web-llm counts only the tokens it prefilled this round; the rest came from its cache.
    const promptTokens = (stats.promptTokens ?? 0) + reused;
    const ended = signal.aborted ? 'abort' : finishReason;
    this.#kv = { messages: [...messages, { role: 'assistant', content: reply }], tokens: promptTokens + (stats.completionTokens ?? 0), finishedCleanly: ended === 'stop' };
    return {
      prompt: { ...(await this.formatPrompt(messages)), tokens: stats.promptTokens === undefined ? null : promptTokens },
      stats: {
        promptTokens,
        cachedPromptTokens: reused,
        device: this.loaded.runsOn.label,
        completionTokens: stats.completionTokens ?? 0,
        timeToFirstTokenS: firstTokenAt === null ? totalS : (firstTokenAt - started) / 1000,
        prefillTokensPerS: stats.prefillTokensPerS ?? 0,
        decodeTokensPerS: stats.decodeTokensPerS ?? 0,
        totalS,
        finishReason: ended,
      },
    };
  }

  async unload(): Promise<void> {
    await this.#engine.unload();
  }
}
