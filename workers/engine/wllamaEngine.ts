import { Template } from '@huggingface/jinja';
// The package's `main` points at a file it does not ship; its built ESM bundle is the entry.
import { Wllama } from '@wllama/wllama/esm/index.js';
import wllamaPackage from '@wllama/wllama/package.json';
import wasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import type { CatalogEntry } from '../shared/catalog';
import type { EngineMessage, ReplyStats, SamplingSettings } from '../shared/chat';
import type { GenerateOptions, LoadedModel, RawPrompt, ReplyResult } from '../shared/engineProtocol';
import type { ChatEngine } from './types';

const quiet = { debug() {}, log() {}, warn() {}, error: console.error.bind(console) };

/** Threads for llama.cpp: several when the page is cross-origin isolated, else one. */
function threadCount(): number {
  if (!self.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
}

/**
 * The CPU engine: llama.cpp in WebAssembly (wllama), fed the verified GGUF bytes as a Blob
 * straight from our store (no request, no second copy). We render the GGUF's own chat template
 * and give llama.cpp that exact text, so the "raw prompt" the user sees is what the model reads.
 */
export class WllamaEngine implements ChatEngine {
  readonly loaded: LoadedModel;
  readonly #wllama: Wllama;
  readonly #template: Template;
  readonly #addsBos: boolean;

  private constructor(wllama: Wllama, template: string, loaded: LoadedModel) {
    this.#wllama = wllama;
    this.#template = new Template(template);
    this.#addsBos = wllama.mustAddBosToken();
    this.loaded = loaded;
  }

  /** Loads a GGUF (or a split GGUF's parts, in order) from verified bytes. */
  static async load(entry: CatalogEntry, gguf: Blob[]): Promise<WllamaEngine> {
    const started = performance.now();
    // Our own wasm, served by the app; compat builds would come from a CDN, so never use them.
    const wllama = new Wllama({ default: new URL(wasmUrl, self.location.href).href }, { logger: quiet, suppressNativeLog: true, allowOffline: true });
    wllama.setCompat(null);
    const threads = threadCount();
    await wllama.loadModel(gguf, { n_ctx: entry.contextWindow, n_threads: threads });
    const template = wllama.getChatTemplate();
    if (!template) {
      await wllama.exit();
      throw new Error('This GGUF has no chat template (tokenizer.chat_template).');
    }
    return new WllamaEngine(wllama, template, {
      modelId: entry.id,
      engine: 'wllama',
      engineLibrary: { name: '@wllama/wllama', version: wllamaPackage.version },
      engineVersion: `@wllama/wllama ${wllamaPackage.version} (llama.cpp, WebAssembly, ${wllama.isMultithread() ? `${wllama.getNumThreads()} threads` : '1 thread'})`,
      contextWindow: entry.contextWindow,
      chatTemplate: template,
      // Llama 3.2 Instruct's generation_config.json: temperature 0.6, top_p 0.9.
      defaults: { temperature: 0.6, topP: 0.9, maxTokens: Math.min(1024, Math.floor(entry.contextWindow / 2)) },
      threads: wllama.getNumThreads(),
      canContinue: true,
      loadMs: performance.now() - started,
    });
  }

  async formatPrompt(messages: EngineMessage[], options: GenerateOptions = {}): Promise<RawPrompt> {
    // llama.cpp adds BOS itself when the model asks for it, so the template renders it empty.
    const render = (list: EngineMessage[], generation: boolean): string =>
      this.#template.render({ messages: list, add_generation_prompt: generation, bos_token: '', eos_token: '' });
    const addedTokens = this.#addsBos ? ['<|begin_of_text|>'] : [];
    const last = messages.at(-1);
    if (!options.continueLast || last?.role !== 'assistant') return { text: render(messages, true), addedTokens, tokens: null };
    // Continuing: the prompt ends inside the partial reply, before whatever the template closes
    // a turn with. A marker finds that point for any template.
    const marker = '\u0001hearth-continue\u0001';
    const text = render([...messages.slice(0, -1), { ...last, content: last.content + marker }], false);
    const at = text.indexOf(marker);
    return { text: at >= 0 ? text.slice(0, at) : render(messages, true), addedTokens, tokens: null };
  }

  async generate(messages: EngineMessage[], sampling: SamplingSettings, signal: AbortSignal, onText: (text: string) => void, options: GenerateOptions = {}): Promise<ReplyResult> {
    const prompt = await this.formatPrompt(messages, options);
    const started = performance.now();
    let firstTokenAt: number | null = null;
    let finishReason: ReplyStats['finishReason'] = 'stop';
    let promptTokens = 0;
    let completionTokens = 0;
    let prefillPerS = 0;
    let decodePerS = 0;
    let pieces = 0;
    try {
      const stream = await this.#wllama.createCompletion({
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
          onText(choice.text);
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason === 'length' ? 'length' : 'stop';
        if (chunk.usage) {
          promptTokens = chunk.usage.prompt_tokens;
          completionTokens = chunk.usage.completion_tokens;
        }
        if (chunk.timings) {
          prefillPerS = chunk.timings.prompt_per_second;
          decodePerS = chunk.timings.predicted_per_second;
          promptTokens ||= chunk.timings.prompt_n + chunk.timings.cache_n;
          completionTokens ||= chunk.timings.predicted_n;
        }
      }
    } catch (error) {
      if (!signal.aborted && !(error instanceof Error && error.name === 'AbortError')) throw error;
      finishReason = 'abort';
    }
    const endedAt = performance.now();
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
        finishReason,
      },
    };
  }

  async unload(): Promise<void> {
    await this.#wllama.exit();
  }
}
