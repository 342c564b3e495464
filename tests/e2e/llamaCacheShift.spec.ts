/*
 * A contract test on the pinned wllama (llama.cpp), driven directly: when the app drops the
 * oldest turns of a conversation, llama.cpp finds the turns that stay further on in its cache and
 * shifts them into place (cache reuse, `n_cache_reuse`), rotating their keys to the new
 * positions (RoPE). Past the f32 budget Hearth asks for an 8-bit cache, which llama.cpp also
 * Hadamard-rotates: a shift there dequantizes, rotates back, moves, rotates and quantizes again.
 * That must move the turns as the exact f32 cache does.
 *
 * (Reuse is not a fresh computation: the kept turns' keys and values in the upper layers were
 * computed while the oldest turn was in view, which is why the reference is the f32 shift.)
 */
import { expect, test } from '@playwright/test';
import { makeTinyLlamaGguf } from '../fixtures/gguf';
import { startWllamaPage } from '../fixtures/wllamaPage';
import { attentionFor, cacheReuseChunk, f32KvCacheBudgetBytes, llamaCacheParams } from '../../workers/engine/llamaAttention';

/** Llama 3.2 1B's and 3B's attention head sizes. */
const headSizes = [64, 128];
/** What Hearth asks llama.cpp for on the CPU within the f32 budget, and past it (Llama 3.2 1B's cache at 4,096 and 8,192 tokens). */
const llama1bValuesPerToken = f32KvCacheBudgetBytes / 4 / 4096;
const caches = [4096, 8192].map((window) => attentionFor('cpu', llama1bValuesPerToken, window, { key: 64, value: 64 }));

/** Seeded random words: the same prompt every run. */
function words(count: number, seed: number): string {
  const vocabulary = 'the river runs down from the mountains to the sea and the bees sing over the old maps of winter light'.split(' ');
  let s = seed;
  return Array.from({ length: count }, () => {
    s = (s * 48271) % 2147483647;
    return vocabulary[Math.floor((s / 2147483648) * vocabulary.length)];
  }).join(' ');
}

interface Completion {
  text: string;
  cachedTokens: number;
  promptTokens: number;
}

/**
 * Runs in the page: a load with the app's cache options, each prompt answered greedily in turn on
 * it (with its request's own `n_cache_reuse` when given), and the load log's rotation lines.
 */
async function completeInTurn(args: { url: string; cacheParams: ReturnType<typeof llamaCacheParams>; prompts: string[]; cacheReuse?: (number | null)[] }): Promise<{ completions: Completion[]; rotation: string[] }> {
  const moduleUrl = '/wllama/index.js';
  const { Wllama } = (await import(/* @vite-ignore */ moduleUrl)) as typeof import('@wllama/wllama');
  const lines: string[] = [];
  const keep = (...parts: unknown[]) => lines.push(parts.join(' '));
  const wllama = new Wllama({ default: new URL('/wllama/wasm/wllama.wasm', location.href).href }, { suppressNativeLog: false, logger: { debug: keep, log: keep, warn: keep, error: keep } });
  wllama.setCompat(null);
  await wllama.loadModel([await (await fetch(args.url)).blob()], { n_ctx: 1024, n_threads: 1, n_gpu_layers: 0, ...args.cacheParams });
  const completions: Completion[] = [];
  for (const [i, prompt] of args.prompts.entries()) {
    const completion = { text: '', cachedTokens: -1, promptTokens: -1 };
    const reuse = args.cacheReuse?.[i];
    const stream = await wllama.createCompletion({ prompt, stream: true, max_tokens: 24, temperature: 0, top_p: 1, ...(typeof reuse === 'number' ? { n_cache_reuse: reuse } : {}) } as Parameters<typeof wllama.createCompletion>[0]);
    for await (const chunk of stream) {
      completion.text += chunk.choices[0]?.text ?? '';
      if (chunk.timings) completion.cachedTokens = chunk.timings.cache_n;
      if (chunk.usage) completion.promptTokens = chunk.usage.prompt_tokens;
    }
    completions.push(completion);
  }
  await wllama.exit();
  return { completions, rotation: lines.filter((l) => /n_rot_k = /.test(l)) };
}

for (const headSize of headSizes) {
  test(`llama.cpp shifts the turns that stay into place in the 8-bit cache as in the exact f32 cache: ${headSize}-value heads`, async ({ page }) => {
    expect(caches.map((c) => c.cacheType)).toEqual(['f32', 'q8_0']);
    // A random model whose next words depend on the whole prompt (seed 8, for both head sizes).
    const server = await startWllamaPage(0, new Map([['/model.gguf', makeTinyLlamaGguf({ seed: 8, nVocab: 512, nEmbd: headSize * 2, nLayer: 2, nHead: 2, nHeadKv: 2, nFf: 64, nCtx: 1024 })]]));
    try {
      await page.addInitScript('globalThis.__name ??= (f) => f;');
      await page.goto(server.url);
      // A system prompt, the oldest turn, the turns that stay (far more than the 64-token chunk
      // llama.cpp moves), and the newest message; then the same without the oldest turn.
      const [system, oldest, staying, newest] = [words(8, 1), words(60, 2), words(120, 3), words(6, 4)];
      const prompts = [`${system} ${oldest} ${staying} ${newest}`, `${system} ${staying} ${newest}`];
      const url = `${server.url}/model.gguf`;
      const runs: Awaited<ReturnType<typeof completeInTurn>>[] = [];
      for (const cache of caches) runs.push(await page.evaluate(completeInTurn, { url, cacheParams: llamaCacheParams(cache), prompts }));
      for (const [i, run] of runs.entries()) {
        const [whole, withoutOldest] = run.completions;
        expect(whole.cachedTokens).toBe(0);
        // The turns that stay came from the cache, moved back by the oldest turn's length.
        expect(withoutOldest.cachedTokens).toBeGreaterThan(withoutOldest.promptTokens / 2);
        expect(withoutOldest.text.length).toBeGreaterThan(0);
        // The 8-bit cache is the rotated one (what the model details call "Hadamard-rotated").
        expect(run.rotation.join('\n')).toContain(`n_rot_k = ${caches[i].cacheType === 'q8_0' ? headSize : 0},`);
      }
      // The moved keys and values decide the answer: computed afresh (nothing cached), the same
      // prompt is answered otherwise. So the comparison below is of the shifted cache itself.
      const fresh = await page.evaluate(completeInTurn, { url, cacheParams: llamaCacheParams(caches[0]), prompts: [prompts[1]] });
      expect(fresh.completions[0].cachedTokens).toBe(0);
      expect(fresh.completions[0].text).not.toBe(runs[0].completions[1].text);
      // The 8-bit cache answers as the f32 one, before the drop and after the shift.
      expect(runs[1].completions.map((c) => c.text)).toEqual(runs[0].completions.map((c) => c.text));
      expect(runs[1].completions[1].cachedTokens).toBe(runs[0].completions[1].cachedTokens);
    } finally {
      await server.close();
    }
  });
}

test('a request’s own n_cache_reuse decides whether llama.cpp moves cached text into place for it (the app asks for none but after a window shift)', async ({ page }) => {
  const server = await startWllamaPage(0, new Map([['/model.gguf', makeTinyLlamaGguf({ seed: 8, nVocab: 512, nEmbd: 128, nLayer: 2, nHead: 2, nHeadKv: 2, nFf: 64, nCtx: 1024 })]]));
  try {
    await page.addInitScript('globalThis.__name ??= (f) => f;');
    await page.goto(server.url);
    // A paragraph deleted from the middle: what follows it is a run of 64+ cached tokens.
    const [start, deleted, after] = [words(8, 1), words(40, 2), words(120, 3)];
    const prompts = [`${start} ${deleted} ${after}`, `${start} ${after}`];
    const cacheParams = llamaCacheParams(caches[0]);
    expect(cacheParams.n_cache_reuse).toBe(cacheReuseChunk);
    const url = `${server.url}/model.gguf`;
    const moved = await page.evaluate(completeInTurn, { url, cacheParams, prompts });
    const movedAsked = await page.evaluate(completeInTurn, { url, cacheParams, prompts, cacheReuse: [0, cacheReuseChunk] });
    const computed = await page.evaluate(completeInTurn, { url, cacheParams, prompts, cacheReuse: [0, 0] });
    // With the load's setting, or asked for by the request, the text after the deleted paragraph is moved…
    for (const run of [moved, movedAsked]) expect(run.completions[1].cachedTokens).toBeGreaterThan(run.completions[1].promptTokens / 2);
    // …and with the request's n_cache_reuse 0, only the prefix the two share comes from the cache.
    expect(computed.completions[1].cachedTokens).toBeLessThan(computed.completions[1].promptTokens / 4);
    expect(computed.completions[1].cachedTokens).toBeGreaterThan(0);
  } finally {
    await server.close();
  }
});
