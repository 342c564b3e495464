/*
 * How llama.cpp keeps a conversation's KV cache and computes attention, on the CPU.
 *
 * WebAssembly has no f16 arithmetic, so llama.cpp's default f16 KV cache costs a conversion of
 * every key and value at every attention step, and its CPU flash-attention kernel over that f16
 * cache is ~3x slower per token for batches under ~64 tokens (most chat messages). Measured on
 * 2 cores (wllama directly, ~1,550 tokens cached), an f32 cache with flash attention off against
 * the defaults:
 *
 *                                   bench GGUF (n_embd 512)   1B-proportioned (n_embd 2048)
 *   decode, deep in a conversation     104-108 vs 33-43 tok/s     18-18.5 vs 14.3-14.5 tok/s
 *   an 11-token message                38-49 vs 173-219 ms        269-289 vs 397-457 ms
 *   a 36-token message                 121-148 vs 551-637 ms      763-787 vs 1,218-1,386 ms
 *   a 240-token message                653-725 vs 428-499 ms      5,100-5,331 vs 5,145-5,479 ms
 *   a 731-token first prompt           1,305-1,434 vs 973-1,017   18,157-18,181 vs 14,325-15,010 ms
 *
 * Twice the KV memory, and a long first prompt is slower; every reply is faster, and so is
 * every ordinary next message. So f32 without flash attention when the f32 cache stays within a
 * budget (Llama 3.2 1B's 4,096-token window is 256 MiB).
 *
 * Past the budget (the 3B at its 4,096-token default, any long window), an 8-bit (q8_0) cache
 * with flash attention on: half the memory of llama.cpp's f16 default, and without its slow
 * range for short batches. Measured on 2 cores (wllama directly, ~1,160-1,200 tokens cached, two
 * runs of medians of 3-4; `npm run bench` part 2 measures it again, "past the f32 budget"), on two
 * layers shaped like Llama 3.2 3B's (n_embd 3072, 24 heads, 8 KV heads of 128, n_ff 8192):
 *
 *                                   q8_0 + flash attention   f16 default      (f32, no flash attention)
 *   decode, deep in a conversation     22-23.8 tok/s            12.9-15 tok/s    21 tok/s
 *   an 11-18-token message             139-228 ms               486-591 ms       217 ms
 *   a 42-46-token message              516-537 ms               1,313-1,710 ms   517 ms
 *   a 144-152-token message            1,722-2,013 ms           1,225-1,615 ms   1,589 ms
 *   a 1,160-1,200-token first prompt   11.6-11.7 s              11.8-12.4 s      12.7 s
 *
 * A long pasted message deep in a conversation is slower; a reply and a short message are much
 * faster. (f16 without flash attention, the other way out of the slow range: 745 ms, 2,435 ms,
 * 20 tok/s, and 20.2 s for that first prompt.) An 8-bit cache rounds each value to 1 part in ~250
 * of its block's largest (f16 keeps 1 in ~2,000). The pinned llama.cpp rotates keys and values by a
 * Hadamard matrix before an 8-bit cache rounds them (ggml-org/llama.cpp#21038: it spreads the
 * outliers that rounding would hurt most, and the attention scores are unchanged), and says so in
 * its log ("n_rot_k = 128"), which the model details show. f32 stays the choice where it fits: it
 * is exact. On WebGPU, llama.cpp's defaults, where the trade is not this one.
 */

import type { KvHeadSizes } from '../shared/catalog';
import type { ComputeDevice, PromptScope } from '../shared/engineProtocol';

/**
 * The most an f32 KV cache may take: Llama 3.2 1B at 4,096 tokens (16 layers x 8 KV heads x 128
 * values x 4 B).
 */
export const f32KvCacheBudgetBytes = 256 * 2 ** 20;

/** Values in one block of llama.cpp's q8_0: a head an 8-bit cache holds is whole blocks. */
export const q8BlockValues = 32;

/** What llama.cpp is asked for. */
export interface LlamaAttentionChoice {
  /** KV cache type for keys and values. */
  cacheType: 'f32' | 'f16' | 'q8_0';
  /**
   * `off`, or `auto`: llama.cpp chooses (on the CPU it turns it on, and a quantized value cache
   * needs it). wllama cannot ask for "on": its `flash_attn: true` is llama.cpp's auto.
   */
  flashAttention: 'off' | 'auto';
  /** Why, in plain words. */
  why: string;
}

/**
 * The KV cache and attention to ask llama.cpp for. `kvValuesPerToken` is the model's layers x
 * KV heads x (key + value head size), from its GGUF header (the catalog entry); unknown keeps
 * llama.cpp's defaults. `headSizes` (the entry's too) say whether an 8-bit cache can hold it;
 * unknown, it is asked for, and a refusal loads again with the defaults (`defaultsAfterRefusal`).
 */
export function attentionFor(device: 'cpu' | 'webgpu', kvValuesPerToken: number | undefined, contextWindow: number, headSizes?: KvHeadSizes): LlamaAttentionChoice {
  if (device !== 'cpu') return { cacheType: 'f16', flashAttention: 'auto', why: "llama.cpp's defaults, as asked for WebGPU" };
  if (!kvValuesPerToken) return { cacheType: 'f16', flashAttention: 'auto', why: "llama.cpp's defaults: the model's header does not give its KV cache size" };
  const f32Bytes = kvValuesPerToken * 4 * contextWindow;
  const mib = Math.round(f32Bytes / 2 ** 20);
  if (f32Bytes > f32KvCacheBudgetBytes) {
    const partBlock = headSizes && [headSizes.key, headSizes.value].find((size) => size % q8BlockValues !== 0);
    if (partBlock) return { cacheType: 'f16', flashAttention: 'auto', why: `f16, llama.cpp's default: an 8-bit cache cannot hold this model (${headsNotWholeBlocks(partBlock, q8BlockValues, 'q8_0')})` };
    // llama.cpp turns flash attention on for a quantized value cache ("enabling flash_attn since
    // it is required for quantized V cache"); the model details show what its log says.
    return {
      cacheType: 'q8_0',
      flashAttention: 'auto',
      why: `8-bit with flash attention: an f32 cache would take ${mib.toLocaleString('en-US')} MiB for this window (Hearth allows ${f32KvCacheBudgetBytes / 2 ** 20} MiB); on the CPU, 8-bit keeps replies fast deep in a conversation, in half the memory of f16`,
    };
  }
  return { cacheType: 'f32', flashAttention: 'off', why: 'f32 without flash attention: on the CPU, replies and short messages deep in a conversation come faster, for twice the memory' };
}

/** Why a quantized cache cannot hold a head, in the same words whether the header or llama.cpp's refusal says it. */
export function headsNotWholeBlocks(headSize: number, blockValues: number, cacheType: string): string {
  return `its attention heads are ${headSize} values wide, not whole ${blockValues}-value blocks of ${cacheType}`;
}

/**
 * llama.cpp's defaults, when it refused the 8-bit cache for this model (its head sizes are not
 * whole blocks of 32 values, `readCacheTypeRefusal`): the load is tried again with these.
 */
export function defaultsAfterRefusal(refusal: string): LlamaAttentionChoice {
  return { cacheType: 'f16', flashAttention: 'auto', why: `f16, llama.cpp's default: llama.cpp refused an 8-bit cache for this model (${refusal})` };
}

/**
 * llama.cpp chunks of at least this many tokens found later in the cache are shifted into place,
 * not computed again. Not a fresh computation: the kept turns' upper layers were computed while
 * the dropped turns were in view (llama.cpp's cache reuse, as its server does it). In the 8-bit
 * cache the shift moves turns as the f32 cache does (tests/e2e/llamaCacheShift.spec.ts).
 */
export const cacheReuseChunk = 64;

/**
 * The cache reuse a prompt asks llama.cpp for (its per-request `n_cache_reuse`), after a prompt
 * of `held`'s scope. Reuse moves any run of 64+ cached tokens that the prompt has past the prefix
 * they share into place, with the keys and values computed with what came before it then: what
 * leaving out the oldest turns of a conversation wants (the approximation above), and nothing else
 * does. After an edited message, a paragraph deleted from a message read ahead, or in another
 * conversation, it would put text the user removed, or another conversation, into what the model
 * reads (tests/e2e/promptCache.spec.ts). So only a prompt that leaves out more of the same
 * conversation's turns than the last one asks for it; every other asks for none.
 */
export function cacheReuseFor(held: PromptScope | null, next: PromptScope | null): number {
  return held && next && held.conversation === next.conversation && next.droppedTurns > held.droppedTurns ? cacheReuseChunk : 0;
}

/**
 * The wllama load options every CPU load of a GGUF shares with the app's (the benchmark's wllama
 * side too): one slot, so each turn finds the last turn's cache; cache reuse; this KV cache and attention.
 */
export function llamaCacheParams(choice: Pick<LlamaAttentionChoice, 'cacheType' | 'flashAttention'>) {
  return {
    n_parallel: 1,
    n_cache_reuse: cacheReuseChunk,
    cache_type_k: choice.cacheType,
    cache_type_v: choice.cacheType,
    // Absent, llama.cpp decides (`auto`); wllama maps true to auto too, and false to disabled.
    ...(choice.flashAttention === 'off' ? { flash_attn: false } : {}),
  };
}

/**
 * Whether llama.cpp, as it was set up, computes a few new tokens about as cheaply per token as
 * many, so reading a message while it is typed (a few tokens at a time) costs no more than
 * computing it on Send. On the CPU its f32 cache without flash attention and its 8-bit cache with
 * it do (bench part 2); its f16 default with flash attention takes several times longer per token
 * for batches under ~64 tokens (why the first read-ahead was taken out, 46632d8). WebGPU is not
 * measured (no GPU here).
 */
export function readsAheadCheaply(kvDevice: ComputeDevice, keyType: string | null): boolean {
  return kvDevice === 'cpu' && (keyType === 'f32' || keyType === 'q8_0');
}
