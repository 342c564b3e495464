import type { llamaCacheParams } from '../../workers/engine/llamaAttention';

/** What one direct run measured. */
export interface DirectRun {
  tokens: number;
  decodePerS: number;
  firstTokenMs: number;
  totalMs: number;
}

/** What the direct page loads. */
export interface DirectLoad {
  ggufUrl: string;
  nCtx: number;
  threads: number;
  /** The app's load options (`llamaCacheParams`: one slot, cache reuse, KV cache and attention); wllama's defaults when absent. */
  cacheParams?: ReturnType<typeof llamaCacheParams>;
}

type DirectGlobal = { __direct?: import('@wllama/wllama').Wllama };

/**
 * Runs in the direct page: loads the GGUF from the host on the CPU (with the app's load options when given, else wllama's defaults) and keeps
 * the instance for `directReply`, so its replies can alternate with the app's in the same minutes.
 */
export async function directLoad(args: DirectLoad): Promise<void> {
  const g = globalThis as DirectGlobal;
  await g.__direct?.exit();
  const moduleUrl = '/wllama/index.js';
  const { Wllama } = (await import(/* @vite-ignore */ moduleUrl)) as typeof import('@wllama/wllama');
  const quiet = { debug() {}, log() {}, warn() {}, error: console.error };
  const wllama = new Wllama({ default: new URL('/wllama/wasm/wllama.wasm', location.href).href }, { suppressNativeLog: true, logger: quiet });
  wllama.setCompat(null);
  const blob = await (await fetch(args.ggufUrl)).blob();
  await wllama.loadModel([blob], { n_ctx: args.nCtx, n_threads: args.threads, n_gpu_layers: 0, ...args.cacheParams });
  g.__direct = wllama;
}

/** Runs in the direct page: one greedy reply of `maxTokens` to `prompt` on the loaded instance. */
export async function directReply(args: { prompt: string; maxTokens: number }): Promise<DirectRun> {
  const wllama = (globalThis as DirectGlobal).__direct;
  if (!wllama) throw new Error('directLoad first');
  const started = performance.now();
  let first = 0;
  let tokens = 0;
  let decodePerS = 0;
  const stream = await wllama.createCompletion({ prompt: args.prompt, stream: true, max_tokens: args.maxTokens, temperature: 0, top_p: 1 });
  for await (const chunk of stream) {
    if (chunk.choices[0]?.text) first ||= performance.now();
    if (chunk.usage) tokens = chunk.usage.completion_tokens;
    if (chunk.timings) decodePerS = chunk.timings.predicted_per_second;
  }
  return { tokens, decodePerS, firstTokenMs: first - started, totalMs: performance.now() - started };
}

/** Runs in the direct page: each prompt timed to its first token with llama.cpp's prompt cache off, `runs` times. */
export async function directNoCache(args: { prompts: string[]; runs: number }): Promise<number[][]> {
  const wllama = (globalThis as DirectGlobal).__direct;
  if (!wllama) throw new Error('directLoad first');
  const all: number[][] = [];
  for (const prompt of args.prompts) {
    const times: number[] = [];
    for (let run = 0; run < args.runs; run++) {
      const started = performance.now();
      let first = 0;
      const stream = await wllama.createCompletion({ prompt, stream: true, max_tokens: 2, temperature: 0, cache_prompt: false } as Parameters<typeof wllama.createCompletion>[0]);
      for await (const chunk of stream) if (chunk.choices[0]?.text) first ||= performance.now();
      times.push((first || performance.now()) - started);
    }
    all.push(times);
  }
  return all;
}

/** One row of `directPrefillCurve`: how many new tokens llama.cpp computed, and its own times for them. */
export interface PrefillPoint {
  newTokens: number;
  promptMs: number[];
}

/**
 * Runs in the direct page: llama.cpp's own prompt time (`prompt_ms`) for a few new words after
 * `prefix` is in the cache, for each count of words, `runs` times. This is the cost of a next
 * message at a long context, without anything of the app.
 */
export async function directPrefillCurve(args: { prefix: string; words: number[]; runs: number }): Promise<PrefillPoint[]> {
  const wllama = (globalThis as DirectGlobal).__direct;
  if (!wllama) throw new Error('directLoad first');
  const vocabulary = 'the river runs down from the mountains to the sea and the bees sing over the old maps of winter'.split(' ');
  const timed = async (prompt: string): Promise<{ n: number; ms: number }> => {
    let result = { n: 0, ms: 0 };
    const stream = await wllama.createCompletion({ prompt, stream: true, max_tokens: 1, temperature: 0 });
    for await (const chunk of stream) if (chunk.timings) result = { n: chunk.timings.prompt_n, ms: chunk.timings.prompt_ms };
    return result;
  };
  const points: PrefillPoint[] = [];
  for (const count of args.words) {
    const words = Array.from({ length: count }, (_, k) => vocabulary[k % vocabulary.length]).join(' ');
    const runs: { n: number; ms: number }[] = [];
    for (let run = 0; run < args.runs; run++) {
      // A tail of its own each time, computed first, so only the new words are left to measure.
      const cached = `${args.prefix} note ${count}.${run}:`;
      await timed(cached);
      runs.push(await timed(`${cached} ${words}`));
    }
    points.push({ newTokens: runs[0].n, promptMs: runs.map((r) => Math.round(r.ms)) });
  }
  return points;
}

/** Runs in the direct page: llama.cpp's own time for the whole prompt (prompt cache off), `runs` times, and its token count. */
export async function directWholePrompt(args: { prompt: string; runs: number }): Promise<{ tokens: number; promptMs: number[] }> {
  const wllama = (globalThis as DirectGlobal).__direct;
  if (!wllama) throw new Error('directLoad first');
  const result = { tokens: 0, promptMs: [] as number[] };
  for (let run = 0; run < args.runs; run++) {
    const stream = await wllama.createCompletion({ prompt: args.prompt, stream: true, max_tokens: 1, temperature: 0, cache_prompt: false } as Parameters<typeof wllama.createCompletion>[0]);
    for await (const chunk of stream) {
      if (!chunk.timings) continue;
      result.tokens = chunk.timings.prompt_n;
      result.promptMs.push(Math.round(chunk.timings.prompt_ms));
    }
  }
  return result;
}

/** Runs in the direct page: frees the loaded instance. */
export async function directExit(): Promise<void> {
  const g = globalThis as DirectGlobal;
  await g.__direct?.exit();
  delete g.__direct;
}
