import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../../playwright.config';
import { attentionFor, llamaCacheParams } from '../../workers/engine/llamaAttention';
import { startWllamaPage } from '../../tests/fixtures/wllamaPage';
import type { KvHeadSizes } from '../../workers/shared/catalog';
import { median } from './median';

const runs = 3;

export interface OpenToReadyResult {
  runs: { openToReadyMs: number; pageLoadMs: number; idbReadMs: number; engineLoadMs: number }[];
  /** Medians of the runs. */
  openToReadyMs: number;
  parts: { pageLoadMs: number; idbReadMs: number; engineLoadMs: number };
  sumMs: number;
  ratio: number;
  aims: { within115OfSum: boolean };
}

/** Page script: the moment (ms since navigation) the composer first accepts a message with a model loaded, and which model. */
const readyProbe = `
  globalThis.__name ??= (f) => f;
  window.__ready = null;
  new MutationObserver((_, observer) => {
    const form = document.querySelector('form.composer[data-ready="true"]');
    const status = document.querySelector('[data-testid="engine-status"][data-state="ready"]');
    if (form && status && window.__ready === null) {
      window.__ready = { at: performance.now(), modelId: status.dataset.modelId };
      observer.disconnect();
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
`;

/**
 * Part 3: with a model on this device (the last one loaded), a fresh tab from navigation until the
 * composer accepts a message with the model loaded, against the sum of its raw parts measured in
 * the same run: the page's own load (navigation to its load event), a raw IndexedDB read of the
 * model's bytes, and the engine's load alone (wllama given the same bytes already in memory).
 */
export async function benchOpenToReady(context: BrowserContext, appUrl: string, model: { modelId: string; ggufUrl: string; threads: number; nCtx: number; kvValuesPerToken: number | undefined; kvHeadSizes: KvHeadSizes | undefined }): Promise<OpenToReadyResult> {
  const measured: OpenToReadyResult['runs'] = [];
  const direct = await startWllamaPage(4291);
  const directPage = await context.newPage();
  await directPage.addInitScript('globalThis.__name ??= (f) => f;');
  try {
    await directPage.goto(direct.url);
    for (let run = 0; run < runs; run++) {
      const page = await context.newPage();
      await page.addInitScript(readyProbe);
      await page.goto(appUrl);
      await page.waitForFunction(() => (window as unknown as { __ready: unknown }).__ready !== null, undefined, { timeout: 120_000 });
      const ready = await page.evaluate(() => (window as unknown as { __ready: { at: number; modelId: string } }).__ready);
      // Its raw parts are the bench GGUF's: a run that opened another model would compare unlike loads.
      if (ready.modelId !== model.modelId) throw new Error(`part 3 opened the app on ${ready.modelId}, not ${model.modelId}`);
      const openToReadyMs = ready.at;
      const pageLoadMs = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
      const idbReadMs = await page.evaluate(rawIdbRead, model.modelId);
      await page.close();
      const engineLoadMs = await directPage.evaluate(engineLoadOnly, { ggufUrl: model.ggufUrl, threads: model.threads, nCtx: model.nCtx, cacheParams: llamaCacheParams(attentionFor('cpu', model.kvValuesPerToken, model.nCtx, model.kvHeadSizes)) });
      measured.push({ openToReadyMs: Math.round(openToReadyMs), pageLoadMs: Math.round(pageLoadMs), idbReadMs: Math.round(idbReadMs), engineLoadMs: Math.round(engineLoadMs) });
    }
  } finally {
    await directPage.close();
    await direct.close();
  }
  const parts = { pageLoadMs: median(measured.map((r) => r.pageLoadMs)), idbReadMs: median(measured.map((r) => r.idbReadMs)), engineLoadMs: median(measured.map((r) => r.engineLoadMs)) };
  const sumMs = parts.pageLoadMs + parts.idbReadMs + parts.engineLoadMs;
  const openToReadyMs = median(measured.map((r) => r.openToReadyMs));
  const ratio = +(openToReadyMs / sumMs).toFixed(3);
  return { runs: measured, openToReadyMs, parts, sumMs, ratio, aims: { within115OfSum: ratio <= 1.15 } };
}

/** Runs in the app's page: reads every byte of the model's weights from IndexedDB, as raw as it gets. */
async function rawIdbRead(modelId: string): Promise<number> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open('hearth-store');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const started = performance.now();
  const chunks = await new Promise<{ path: string; data: Blob }[]>((resolve, reject) => {
    const range = IDBKeyRange.bound([modelId], [modelId, []]);
    const r = db.transaction('chunks').objectStore('chunks').getAll(range);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const weights = chunks.filter((c) => c.path.endsWith('.gguf'));
  const bytes = (await new Blob(weights.map((c) => c.data)).arrayBuffer()).byteLength;
  const ms = performance.now() - started;
  db.close();
  if (bytes === 0) throw new Error('no weights stored for the open-to-ready bench');
  return ms;
}

/** Runs in the wllama direct page: the engine's load alone, from bytes already in memory. */
async function engineLoadOnly(args: { ggufUrl: string; threads: number; nCtx: number; cacheParams: ReturnType<typeof llamaCacheParams> }): Promise<number> {
  const moduleUrl = '/wllama/index.js';
  const { Wllama } = (await import(/* @vite-ignore */ moduleUrl)) as typeof import('@wllama/wllama');
  const blob = await (await fetch(args.ggufUrl)).blob();
  const quiet = { debug() {}, log() {}, warn() {}, error: console.error };
  const started = performance.now();
  const wllama = new Wllama({ default: new URL('/wllama/wasm/wllama.wasm', location.href).href }, { suppressNativeLog: true, logger: quiet });
  wllama.setCompat(null);
  // The options the app loads the bench GGUF with (llama.cpp on the CPU, one slot, cache reuse, its KV cache and attention).
  await wllama.loadModel([blob], { n_ctx: args.nCtx, n_threads: args.threads, n_gpu_layers: 0, ...args.cacheParams });
  const ms = performance.now() - started;
  await wllama.exit();
  return ms;
}

/**
 * The JavaScript a first visit loads (a fresh profile, nothing on the device: the page, the
 * chunks it imports at once, the store worker), gzip-sized from the build; everything else
 * (the engines, the highlighter) loads only when needed.
 */
export async function firstLoadJavaScript(appUrl: string, distDir = 'dist'): Promise<{ pageKb: number; pageFiles: string[]; storeWorkerKb: number; onDemand: { file: string; kb: number }[] }> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const loaded = new Set<string>();
  try {
    const page = await (await browser.newContext()).newPage();
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.endsWith('.js') && path.startsWith('/assets/')) loaded.add(path.slice(1));
    });
    await page.goto(appUrl);
    await page.locator('main[data-ready="true"]').waitFor();
    await page.waitForTimeout(500);
  } finally {
    await browser.close();
  }
  const kb = (file: string): number => +(gzipSync(readFileSync(`${distDir}/${file}`)).length / 1024).toFixed(1);
  const all = readdirSync(`${distDir}/assets`).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
  const store = all.find((f) => f.includes('store.worker')) ?? '';
  const pageFiles = all.filter((f) => loaded.has(f) && f !== store);
  return {
    pageKb: +pageFiles.reduce((sum, f) => sum + kb(f), 0).toFixed(1),
    pageFiles: pageFiles.map((f) => f.replace('assets/', '')),
    storeWorkerKb: store && loaded.has(store) ? kb(store) : 0,
    onDemand: all.filter((f) => !loaded.has(f)).map((f) => ({ file: f.replace('assets/', ''), kb: kb(f) })),
  };
}
