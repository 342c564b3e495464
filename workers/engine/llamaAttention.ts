/*
 * How llama.cpp keeps a conversation's KV cache and computes attention, on the CPU.
 *
 * WebAssembly has no f16 arithmetic, so llama.cpp's default f16 KV cache costs a conversion of
 * every key and value at every attention step, and its CPU flash-attention kernel is ~3x slower
 * per token for batches under ~64 tokens (most chat messages). Measured on 2 cores (wllama
 * directly, ~1,550 tokens cached), an f32 cache with flash attention off against the defaults:
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
 * budget (Llama 3.2 1B's 4,096-token window is 256 MiB), llama.cpp's defaults otherwise (a 3B,
 * a long window) and on WebGPU, where the trade is not this one.
 */

/** The most an f32 KV cache may take: Llama 3.2 1B at 4,096 tokens (16 layers x 8 KV heads x 128 values x 4 B). */
export const f32KvCacheBudgetBytes = 256 * 2 ** 20;

/** What llama.cpp is asked for. */
export interface LlamaAttentionChoice {
  /** KV cache type for keys and values. */
  cacheType: 'f32' | 'f16';
  /** `off`, or `auto`: llama.cpp chooses (on the CPU it turns it on). */
  flashAttention: 'off' | 'auto';
  /** Why, in plain words. */
  why: string;
}

/**
 * The KV cache and attention to ask llama.cpp for. `kvValuesPerToken` is the model's layers x
 * KV heads x (key + value head size), from its GGUF header (the catalog entry); unknown keeps
 * llama.cpp's defaults.
 */
export function attentionFor(device: 'cpu' | 'webgpu', kvValuesPerToken: number | undefined, contextWindow: number): LlamaAttentionChoice {
  if (device !== 'cpu') return { cacheType: 'f16', flashAttention: 'auto', why: "llama.cpp's defaults, as asked for WebGPU" };
  if (!kvValuesPerToken) return { cacheType: 'f16', flashAttention: 'auto', why: "llama.cpp's defaults: the model's header does not give its KV cache size" };
  const f32Bytes = kvValuesPerToken * 4 * contextWindow;
  const mib = Math.round(f32Bytes / 2 ** 20);
  if (f32Bytes > f32KvCacheBudgetBytes) {
    return { cacheType: 'f16', flashAttention: 'auto', why: `f16, llama.cpp's default: an f32 cache would take ${mib.toLocaleString('en-US')} MiB for this window (Hearth allows ${f32KvCacheBudgetBytes / 2 ** 20} MiB)` };
  }
  return { cacheType: 'f32', flashAttention: 'off', why: 'f32 without flash attention: on the CPU, replies and short messages deep in a conversation come faster, for twice the memory' };
}

/** llama.cpp chunks of at least this many tokens found later in the cache are shifted into place, not computed again. */
export const cacheReuseChunk = 64;

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
    ...(choice.flashAttention === 'off' ? { flash_attn: false } : {}),
  };
}
