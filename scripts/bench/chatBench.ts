import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import { attentionFor, llamaCacheParams } from '../../workers/engine/llamaAttention';
import { acceptLicence } from './browser';
import { startWllamaPage } from '../../tests/fixtures/wllamaPage';
import type { CatalogEntry } from '../../workers/shared/catalog';
import { directExit, directLoad, directNoCache, directPrefillCurve, directReply, type DirectRun } from './wllamaDirect';
import { conversationTurn, measureAppReply, replyFigures, type AppRun } from './appReply';
import { benchKvCache, threeBLayersGguf, threeBLayersPath, type KvCacheBenchResult } from './kvCacheBench';
import { median } from './median';

const benchGguf = 'Bench-Llama-GGUF';
/** Two layers of Llama 3.2 1B (BENCH_1B_LAYERS_SHAPE), the same vocabulary: the conversation again, at the real model's share of attention. */
const oneBLayersGguf = 'Bench-Llama-1B-Layers-GGUF';
const oneBLayersShape = '2 layers of Llama 3.2 1B (n_embd 2048, 32 heads, 8 KV heads of 64, n_ff 8192), vocabulary 32,000, f32';
const replyTokens = 500;
const runs = 3;
/** The bench GGUF is generated with a 2048-token context; the catalog's default is 1024 (set in Settings, as a user would). */
const contextWindow = 2048;
/** Turns of the conversation whose time to first token is compared (turn 1 against turn 8). */
const turns = 8;
/** Short replies keep 8 turns at ~1,500 tokens: the random model's text re-tokenizes ~5x longer. */
const conversationReplyTokens = 20;
/**
 * Between a reply and the next message, the time a person takes to read the reply and type ~25
 * words (far longer in life): the engine settles llama.cpp's cache in it. The same conversations
 * are also run back to back (no pause), where the next prompt waits for that work.
 */
const readingMs = 2000;
/**
 * Typing speed of the typed conversations, ms a character: ~40 characters a second, several
 * times a fast typist's, so the model has less time to read ahead than in life.
 */
const typingMsPerChar = 25;

type TurnRow = ChatBenchResult['conversation']['turns'][number];

export interface ChatBenchResult {
  model: { id: string; threads: number; contextWindow: number; kvCache: string };
  /** Replies per side; the figures are medians. */
  runs: number;
  app: { sendToFirstTokenMs: number; completionTokens: number; decodePerS: number; streamTokensPerS: number; longTasks: number[]; longTaskSources: AppRun['longTaskSources']; mainThreadBusy: number };
  direct: { firstTokenMs: number; completionTokens: number; decodePerS: number; streamTokensPerS: number };
  ratios: { decodeAppVsDirect: number; streamAppVsDirect: number; decodeAppVsDirectOneThread: number };
  threads: { threads: number; decodePerS: number; streamTokensPerS: number; directDecodePerS: number }[];
  conversation: {
    /** `llamaPromptMs`: llama.cpp's own time for the prompt's new tokens (from its prefill rate), the rest of the engine's first-token time being other work. */
    turns: { turn: number; promptTokens: number; cachedTokens: number; llamaPromptMs: number; engineFirstTokenMs: number; sendToFirstTokenMs: number; decodePerS: number }[];
    turn8VsTurn1: number;
    /** The same conversations with each message sent the moment the reply before it ends. */
    backToBack: { turns: ChatBenchResult['conversation']['turns']; turn8VsTurn1: number };
    /**
     * The same conversations with each message typed key by key after the pause (the app has
     * llama.cpp read the message while it is typed) and sent at the last key.
     */
    typed: { msPerChar: number; turns: TurnRow[]; turn8VsTurn1: number };
    /**
     * The same conversations (a pause between turns) in the app on two layers of Llama 3.2 1B:
     * the bench GGUF's layers are 4x narrower, so attention over the history weighs ~5x more in
     * them than in the real 1B.
     */
    on1BLayers: { shape: string; turns: TurnRow[]; turn8VsTurn1: number };
    /** The same turn-1 and turn-8 prompts on wllama directly with the prompt cache off. */
    withoutReuse: { turn1Ms: number; turn8Ms: number; turn8VsTurn1: number };
    /**
     * llama.cpp alone (wllama directly): its prompt time for N new tokens after the turn-8
     * prompt is cached, with the KV cache and attention the app asks for, and with llama.cpp's
     * defaults (f16 KV cache, flash attention auto).
     */
    newTokensAtTurn8: { cachedTokens: number; rows: { newTokens: number; appMs: number; defaultsMs: number }[] };
    /** A reply's decode tok/s deep in the conversation (after the turn-8 prompt), as the app loads llama.cpp and with its defaults. */
    decodeAtTurn8: { appPerS: number; defaultsPerS: number };
  };
  /** Past the f32 budget (the 3B at its default window): the 8-bit cache the app asks for against llama.cpp's defaults. */
  pastF32Budget: KvCacheBenchResult;
  aims: { atLeast095OfDirect: boolean; zeroLongTasksDuringReply: boolean; turn8AtMost15xTurn1: boolean; turn8AtMost15xTurn1Typed: boolean; turn8AtMost15xTurn1On1BLayers: boolean };
}

type LoadOptions = { threads: number | null; contextWindow: number };

const views = (page: Page) => page.getByRole('navigation', { name: 'Views' });

/**
 * Loads a GGUF (the bench GGUF unless told) with these engine settings, as a user demoing a device would: in
 * Settings, llama.cpp on the CPU, the threads and the context window; then the reload the
 * settings offer (or "Chat with this model" when nothing is loaded). Returns the threads
 * llama.cpp reports using.
 */
async function loadWith(page: Page, options: LoadOptions, id = benchGguf): Promise<number> {
  await views(page).getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Run GGUF builds on', { exact: true }).selectOption('cpu');
  await page.getByLabel('CPU threads for llama.cpp', { exact: true }).selectOption(options.threads === null ? '' : String(options.threads));
  await page.getByLabel('Context window', { exact: true }).selectOption(String(options.contextWindow));
  const reload = page.getByTestId('reload-with-settings');
  if (await reload.isVisible()) await reload.click();
  else if (!(await page.locator(`[data-testid="engine-status"][data-model-id="${id}"]`).isVisible())) {
    await views(page).getByRole('link', { name: 'Models' }).click();
    await page.locator(`li[data-model="${id}"]`).getByRole('button', { name: 'Chat with this model' }).click();
  }
  // Ready on the threads asked for (Automatic: every core up to 4, as cpuThreads).
  await page.waitForFunction(
    ({ id, threads }) => {
      const cores = navigator.hardwareConcurrency;
      const expected = threads ?? (cores <= 4 ? cores : Math.min(8, cores - 1));
      const status = document.querySelector<HTMLElement>('[data-testid="engine-status"]');
      return status?.dataset.state === 'ready' && status.dataset.modelId === id && new RegExp(`CPU, ${expected} threads?\\b`).test(status.textContent ?? '');
    },
    { id, threads: options.threads },
    { timeout: 180_000 },
  );
  await views(page).getByRole('link', { name: 'Chat' }).click();
  return Number(/(\d+) thread/.exec((await page.getByTestId('engine-status').textContent()) ?? '')?.[1] ?? 1);
}

/** A new conversation with greedy sampling and this reply length, set in its chat settings. */
async function newGreedyChat(page: Page, maxTokens: number): Promise<void> {
  await page.getByRole('button', { name: 'New chat', exact: true }).click();
  await page.getByRole('button', { name: 'Chat settings' }).click();
  for (const [label, value] of [['Temperature', 0], ['Max new tokens', maxTokens]] as const) {
    const input = page.getByLabel(label, { exact: true });
    await input.fill(String(value));
    await input.dispatchEvent('change');
  }
  await page.getByTestId('chat-settings').getByRole('button', { name: 'Done' }).click();
}

/** Seconds the page's main thread spent running tasks (DevTools' TaskDuration), to see what the UI costs. */
async function mainThreadSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
}

const defaultPrompt = '<|start_header_id|>user<|end_header_id|>\n\nTell me a long story.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n';

/**
 * Greedy 500-token replies to the same prompt, through the app (a new conversation) and on wllama
 * directly (the same exact prompt text), one after the other: app, direct, app, direct… so a
 * machine that speeds up or slows down during the bench (these are shared) moves both sides
 * alike. One reply each first, not counted: a freshly loaded wasm runs its first reply ~25%
 * slower while V8 compiles its hot functions with the optimizing tier.
 */
async function alternatingReplies(page: Page, cdp: CDPSession, directPage: Page): Promise<{ app: (AppRun & { mainThreadBusy: number })[]; direct: DirectRun[] }> {
  await newGreedyChat(page, replyTokens);
  const app: (AppRun & { mainThreadBusy: number })[] = [];
  const direct: DirectRun[] = [];
  // Each reply leaves no room for the one before in the window, so every prompt is the same.
  for (let run = 0; run <= runs; run++) {
    const busyBefore = await mainThreadSeconds(cdp);
    const started = Date.now();
    const reply = await page.evaluate(measureAppReply, 'Tell me a long story.');
    // The busy share is of the app's reply alone, measured before the direct reply runs.
    const mainThreadBusy = +(((await mainThreadSeconds(cdp)) - busyBefore) / ((Date.now() - started) / 1000)).toFixed(3);
    const directRun = await directPage.evaluate(directReply, { prompt: reply.prompt ?? defaultPrompt, maxTokens: replyTokens });
    if (run === 0) continue;
    app.push({ ...reply, mainThreadBusy });
    direct.push(directRun);
  }
  return { app, direct };
}

/** Median decode tok/s of `runs` greedy replies to one prompt on wllama directly (the first, uncounted, warms up). */
async function directReplies(directPage: Page, args: { prompt: string; maxTokens: number }): Promise<number> {
  const rates: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const reply = await directPage.evaluate(directReply, args);
    if (run > 0) rates.push(reply.decodePerS);
  }
  return +median(rates).toFixed(1);
}

/**
 * Three 8-turn conversations, `pauseMs` between a reply and the next message, each message pasted
 * whole (or typed key by key, `typed`) and sent at once: each turn's medians.
 */
async function conversations(page: Page, pauseMs: number, prompts: { turn1: string; turn8: string }, typed = false): Promise<TurnRow[]> {
  const all: TurnRow[][] = [];
  for (let run = 0; run < runs; run++) {
    await newGreedyChat(page, conversationReplyTokens);
    const rows: TurnRow[] = [];
    for (let turn = 1; turn <= turns; turn++) {
      if (turn > 1 && pauseMs) await page.waitForTimeout(pauseMs);
      if (typed) await page.getByLabel('Message', { exact: true }).pressSequentially(conversationTurn(run, turn), { delay: typingMsPerChar });
      const reply = await page.evaluate(measureAppReply, typed ? undefined : conversationTurn(run, turn));
      const f = replyFigures(reply);
      const llamaPromptMs = f.prefillPerS ? Math.round(((f.promptTokens - f.cachedTokens) / f.prefillPerS) * 1000) : NaN;
      rows.push({ turn, promptTokens: f.promptTokens, cachedTokens: f.cachedTokens, llamaPromptMs, engineFirstTokenMs: reply.engineFirstTokenMs, sendToFirstTokenMs: Math.round(reply.firstMs), decodePerS: f.decodePerS });
      if (turn === 1) prompts.turn1 = reply.prompt ?? '';
      if (turn === turns) prompts.turn8 = reply.prompt ?? '';
    }
    all.push(rows);
  }
  return Array.from({ length: turns }, (_, i) => {
    const at = all.map((c) => c[i]);
    return {
      turn: i + 1,
      promptTokens: median(at.map((r) => r.promptTokens)),
      cachedTokens: median(at.map((r) => r.cachedTokens)),
      llamaPromptMs: median(at.map((r) => r.llamaPromptMs)),
      engineFirstTokenMs: median(at.map((r) => r.engineFirstTokenMs)),
      sendToFirstTokenMs: median(at.map((r) => r.sendToFirstTokenMs)),
      // Decode deep into a conversation: attention over the whole history at every token.
      decodePerS: median(at.map((r) => r.decodePerS)),
    };
  });
}

/**
 * The pause-between-turns conversations on {@link oneBLayersGguf}: downloaded from the Models view
 * (the download loads it, with the settings the bench GGUF has), then the bench GGUF loaded
 * again and its last conversation opened: part 3 opens the app on the bench GGUF (the app loads
 * the open conversation's model first).
 */
async function conversationsOn1BLayers(page: Page, threads: number): Promise<ChatBenchResult['conversation']['on1BLayers']> {
  // The bench GGUF's last conversation, opened again at the end: the app opens the last
  // conversation's model, and part 3 measures opening the bench GGUF.
  const benchConversation = await page.locator('li.current[data-conversation]').getAttribute('data-conversation');
  if (!benchConversation) throw new Error("no conversation of the bench GGUF is open before the 1B layers' conversations");
  await views(page).getByRole('link', { name: 'Models' }).click();
  const row = page.locator(`li[data-model="${oneBLayersGguf}"]`);
  await row.getByRole('button', { name: /^Download/ }).click();
  await acceptLicence(page);
  await row.and(page.locator('[data-status="cached"]')).waitFor({ timeout: 300_000 });
  await page.locator(`[data-testid="engine-status"][data-state="ready"][data-model-id="${oneBLayersGguf}"]`).waitFor({ timeout: 180_000 });
  // The settings stay Automatic, as for the bench GGUF's conversations: the download loads with them.
  const loadedThreads = await loadWith(page, { threads: null, contextWindow }, oneBLayersGguf);
  if (loadedThreads !== threads) throw new Error(`${oneBLayersGguf} runs on ${loadedThreads} threads, the bench GGUF on ${threads}`);
  const rows = await conversations(page, readingMs, { turn1: '', turn8: '' });
  // "Reload with these settings" reloads the model in use, so the bench GGUF is chosen in Models first.
  await views(page).getByRole('link', { name: 'Models' }).click();
  await page.locator(`li[data-model="${benchGguf}"]`).getByRole('button', { name: 'Chat with this model' }).click();
  await page.locator(`[data-testid="engine-status"][data-state="ready"][data-model-id="${benchGguf}"]`).waitFor({ timeout: 180_000 });
  await loadWith(page, { threads: null, contextWindow });
  await page.locator(`li[data-conversation="${benchConversation}"]`).getByRole('button').first().click();
  await page.locator(`li.current[data-conversation="${benchConversation}"]`).waitFor();
  return { shape: oneBLayersShape, turns: rows, turn8VsTurn1: +(rows[turns - 1].engineFirstTokenMs / rows[0].engineFirstTokenMs).toFixed(2) };
}

/** Part 2: a 500-token reply through the whole app against wllama driven directly, threads, and a growing conversation. */
export async function benchChat(context: BrowserContext, page: Page, _hostUrl: string, ggufUrl: string, kv: Pick<CatalogEntry, 'kvValuesPerToken' | 'kvHeadSizes'>): Promise<ChatBenchResult> {
  // wllama directly gets what the app asks llama.cpp for on the CPU: the same KV cache and attention.
  if (!kv.kvValuesPerToken) throw new Error(`${benchGguf} has no kvValuesPerToken in the host's catalog: the two sides could not load alike`);
  const attention = attentionFor('cpu', kv.kvValuesPerToken, contextWindow, kv.kvHeadSizes);
  const cacheParams = llamaCacheParams(attention);
  // Download and load are one flow: Download, then the model is ready in the chat.
  await views(page).getByRole('link', { name: 'Models' }).click();
  const row = page.locator(`li[data-model="${benchGguf}"]`);
  await row.getByRole('button', { name: /^Download/ }).click();
  await acceptLicence(page);
  await row.and(page.locator('[data-status="cached"]')).waitFor({ timeout: 300_000 });
  await page.locator(`[data-testid="engine-status"][data-state="ready"][data-model-id="${benchGguf}"]`).waitFor({ timeout: 120_000 });

  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  // The direct page also serves the 3B-layer GGUF, generated when its turn comes.
  const directFiles = new Map<string, Uint8Array>();
  const direct = await startWllamaPage(4290, directFiles);
  const directPage = await context.newPage();
  await directPage.addInitScript('globalThis.__name ??= (f) => f;');
  try {
    await directPage.goto(direct.url);
    // Threads: one, then the app's own choice for this device (which the rest uses); wllama
    // directly on the same threads each time.
    await loadWith(page, { threads: 1, contextWindow });
    await directPage.evaluate(directLoad, { ggufUrl, nCtx: contextWindow, threads: 1, cacheParams });
    const single = await alternatingReplies(page, cdp, directPage);
    const threads = await loadWith(page, { threads: null, contextWindow });
    await directPage.evaluate(directLoad, { ggufUrl, nCtx: contextWindow, threads, cacheParams });
    const { app: appRuns, direct: results } = await alternatingReplies(page, cdp, directPage);
    const singleFigures = single.app.map(replyFigures);
    const figures = appRuns.map(replyFigures);
    const threadRows = [
      { threads: 1, runs: singleFigures },
      { threads, runs: figures },
    ].map((t) => ({
      threads: t.threads,
      decodePerS: median(t.runs.map((r) => r.decodePerS)),
      streamTokensPerS: +median(t.runs.map((r) => r.streamTokensPerS)).toFixed(1),
    }));
    const app = {
      firstMs: median(appRuns.map((r) => r.firstMs)),
      decode: median(figures.map((r) => r.decodePerS)),
      stream: median(figures.map((r) => r.streamTokensPerS)),
      completionTokens: figures[0].completionTokens,
      longTasks: appRuns.flatMap((r) => r.longTasks),
      longTaskSources: appRuns.flatMap((r) => r.longTaskSources),
      mainThreadBusy: median(appRuns.map((r) => r.mainThreadBusy)),
    };

    // A conversation of 8 turns (~1,500 tokens at turn 8), three times: time to first token by turn.
    const prompts: { turn1: string; turn8: string } = { turn1: '', turn8: '' };
    const byTurn = await conversations(page, readingMs, prompts);
    const backToBack = await conversations(page, 0, prompts);
    const typedTurns = await conversations(page, readingMs, { turn1: '', turn8: '' }, true);
    const [noCache1, noCache8] = (await directPage.evaluate(directNoCache, { prompts: [prompts.turn1, prompts.turn8], runs })).map((ms) => Math.round(median(ms)));
    // What a next message costs llama.cpp at turn 8's length, by its length: a chat message is
    // 10-60 tokens, the bench's ~100.
    const curve = { prefix: prompts.turn8, words: [1, 5, 15, 30, 50, 100], runs };
    const deepReply = { prompt: `${prompts.turn8}The river`, maxTokens: 200 };
    const asApp = await directPage.evaluate(directPrefillCurve, curve);
    const decodeAsApp = await directReplies(directPage, deepReply);
    await directPage.evaluate(directLoad, { ggufUrl, nCtx: contextWindow, threads, cacheParams: llamaCacheParams({ cacheType: 'f16', flashAttention: 'auto' }) });
    const withDefaults = await directPage.evaluate(directPrefillCurve, curve);
    const decodeWithDefaults = await directReplies(directPage, deepReply);
    const newTokensAtTurn8 = {
      cachedTokens: byTurn[turns - 1].promptTokens,
      rows: asApp.map((p, i) => ({ newTokens: p.newTokens, appMs: median(p.promptMs), defaultsMs: median(withDefaults[i].promptMs) })),
    };
    const decodeAtTurn8 = { appPerS: decodeAsApp, defaultsPerS: decodeWithDefaults };
    directFiles.set(threeBLayersPath, threeBLayersGguf());
    const pastF32Budget = await benchKvCache(directPage, direct.url, threads);
    directFiles.clear();
    const on1BLayers = await conversationsOn1BLayers(page, threads);

    const singleDirectDecode = median(single.direct.map((r) => r.decodePerS));
    const directDecode = median(results.map((r) => r.decodePerS));
    const directStream = median(results.map((r) => r.tokens / ((r.totalMs - r.firstTokenMs) / 1000)));
    const decodeRatio = +(app.decode / directDecode).toFixed(3);
    const streamRatio = +(app.stream / directStream).toFixed(3);
    const ratio = (rows: TurnRow[]): number => +(rows[turns - 1].engineFirstTokenMs / rows[0].engineFirstTokenMs).toFixed(2);
    const turn8VsTurn1 = ratio(byTurn);
    return {
      model: { id: benchGguf, threads, contextWindow, kvCache: `${attention.cacheType}, flash attention ${attention.flashAttention}` },
      runs,
      app: { sendToFirstTokenMs: Math.round(app.firstMs), completionTokens: app.completionTokens, decodePerS: app.decode, streamTokensPerS: +app.stream.toFixed(1), longTasks: app.longTasks, longTaskSources: app.longTaskSources, mainThreadBusy: app.mainThreadBusy },
      direct: { firstTokenMs: Math.round(median(results.map((r) => r.firstTokenMs))), completionTokens: results[0].tokens, decodePerS: +directDecode.toFixed(1), streamTokensPerS: +directStream.toFixed(1) },
      ratios: { decodeAppVsDirect: decodeRatio, streamAppVsDirect: streamRatio, decodeAppVsDirectOneThread: +(threadRows[0].decodePerS / singleDirectDecode).toFixed(3) },
      threads: threadRows.map((t, i) => ({ ...t, directDecodePerS: +(i === 0 ? singleDirectDecode : directDecode).toFixed(1) })),
      conversation: { turns: byTurn, turn8VsTurn1, on1BLayers, backToBack: { turns: backToBack, turn8VsTurn1: ratio(backToBack) }, typed: { msPerChar: typingMsPerChar, turns: typedTurns, turn8VsTurn1: ratio(typedTurns) }, withoutReuse: { turn1Ms: noCache1, turn8Ms: noCache8, turn8VsTurn1: +(noCache8 / noCache1).toFixed(2) }, newTokensAtTurn8, decodeAtTurn8 },
      pastF32Budget,
      aims: { atLeast095OfDirect: decodeRatio >= 0.95 && streamRatio >= 0.95, zeroLongTasksDuringReply: app.longTasks.length === 0, turn8AtMost15xTurn1: turn8VsTurn1 <= 1.5, turn8AtMost15xTurn1Typed: ratio(typedTurns) <= 1.5, turn8AtMost15xTurn1On1BLayers: on1BLayers.turn8VsTurn1 <= 1.5 },
    };
  } finally {
    await directPage.evaluate(directExit).catch(() => {});
    await directPage.close();
    await direct.close();
  }
}
