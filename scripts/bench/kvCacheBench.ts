/**
 * Part 2, past the f32 budget: the KV cache the app asks llama.cpp for when an f32 cache would
 * not fit (Llama 3.2 3B at its 4,096-token default: 8-bit with flash attention) against
 * llama.cpp's defaults (f16, flash attention auto), on wllama directly, on a GGUF with two of
 * the 3B's layers (n_embd 3072, 24 heads, 8 KV heads of 128, n_ff 8192): where the KV cache's
 * share of the work is the 3B's, at a size this machine loads in seconds.
 */
import type { Page } from '@playwright/test';
import { makeTinyLlamaGguf } from '../../tests/fixtures/gguf';
import { builtinCatalog } from '../../workers/catalog/catalog';
import { attentionFor, llamaCacheParams } from '../../workers/engine/llamaAttention';
import { directLoad, directPrefillCurve, directReply, directWholePrompt } from './wllamaDirect';
import { median } from './median';

/** Where the bench's direct page serves the GGUF. */
export const threeBLayersPath = '/models/llama-3b-layers-f32.gguf';
const contextWindow = 4096;
const runs = 3;
/** Random words that make ~1,160 tokens in the generated vocabulary: a conversation deep enough to show the cache's cost. */
const historyWords = 480;
/** New words of a next message: ~18, ~46 and ~152 tokens. */
const messageWords = [5, 18, 60];

export interface KvCacheBenchResult {
  model: { shape: string; threads: number; contextWindow: number; historyTokens: number };
  /** What each side asked llama.cpp for. */
  asked: { app: string; defaults: string };
  /** llama.cpp's own prompt time for the whole history, nothing cached. */
  firstPromptMs: { app: number; defaults: number };
  nextMessage: { newTokens: number; appMs: number; defaultsMs: number }[];
  decodeDeepPerS: { app: number; defaults: number };
}

/** The GGUF, generated (about 1 GB of f32 weights, a few seconds). */
export function threeBLayersGguf(): Uint8Array {
  return makeTinyLlamaGguf({ seed: 33, nVocab: 8192, nEmbd: 3072, nLayer: 2, nHead: 24, nHeadKv: 8, nFf: 8192, nCtx: contextWindow });
}

/** A fixed history of random words (the same every run: a seeded generator). */
function history(): string {
  const words = 'the river runs down from the mountains to the sea and the bees sing over the old maps of winter light'.split(' ');
  let seed = 12345;
  return Array.from({ length: historyWords }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return words[Math.floor((seed / 2147483648) * words.length)];
  }).join(' ');
}

/** Runs on the bench's direct page (`startWllamaPage` serving {@link threeBLayersGguf} at {@link threeBLayersPath}). */
export async function benchKvCache(directPage: Page, directUrl: string, threads: number): Promise<KvCacheBenchResult> {
  const threeB = builtinCatalog.find((e) => e.id === 'Llama-3.2-3B-Instruct-Q4_K_M-GGUF');
  if (!threeB?.kvValuesPerToken) throw new Error('the built-in 3B GGUF entry has no kvValuesPerToken');
  const app = attentionFor('cpu', threeB.kvValuesPerToken, contextWindow, threeB.kvHeadSizes);
  if (app.cacheType === 'f32') throw new Error('the app keeps an f32 cache for the 3B at 4,096 tokens: nothing past the budget to measure');
  const defaults = { cacheType: 'f16', flashAttention: 'auto' } as const;
  const prefix = history();
  const measure = async (choice: Pick<typeof app, 'cacheType' | 'flashAttention'>) => {
    await directPage.evaluate(directLoad, { ggufUrl: `${directUrl}${threeBLayersPath}`, nCtx: contextWindow, threads, cacheParams: llamaCacheParams(choice) });
    const first = await directPage.evaluate(directWholePrompt, { prompt: prefix, runs });
    const curve = await directPage.evaluate(directPrefillCurve, { prefix, words: messageWords, runs });
    const rates: number[] = [];
    // The first reply warms the wasm up and is not counted.
    for (let run = 0; run <= runs; run++) {
      const reply = await directPage.evaluate(directReply, { prompt: `${prefix} The river`, maxTokens: 128 });
      if (run > 0) rates.push(reply.decodePerS);
    }
    return { historyTokens: first.tokens, firstMs: median(first.promptMs), curve, decode: +median(rates).toFixed(1) };
  };
  const asApp = await measure(app);
  const asDefaults = await measure(defaults);
  return {
    model: { shape: '2 layers of Llama 3.2 3B (n_embd 3072, 24 heads, 8 KV heads of 128, n_ff 8192), vocabulary 8,192, f32', threads, contextWindow, historyTokens: asApp.historyTokens },
    asked: { app: `${app.cacheType}, flash attention ${app.flashAttention}`, defaults: 'f16, flash attention auto' },
    firstPromptMs: { app: asApp.firstMs, defaults: asDefaults.firstMs },
    nextMessage: asApp.curve.map((p, i) => ({ newTokens: p.newTokens, appMs: median(p.promptMs), defaultsMs: median(asDefaults.curve[i].promptMs) })),
    decodeDeepPerS: { app: asApp.decode, defaults: asDefaults.decode },
  };
}
