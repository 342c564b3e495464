/**
 * The fault soak: downloads of the test models, each with a fault drawn at random, and after
 * each the store's invariants (storeState.ts). Bounded and loopback only: the host is the local
 * test host. Used by `npm run soak` (the full run) and by one short run in the browser suite.
 */
import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import type { CatalogEntry } from '../../workers/shared/catalog';
import type { ModelHost } from '../../tests/fixtures/modelHost';
import { installStoreClient } from '../bench/storeClient';
import { checkStore, type Truth } from './storeState';

export const faultKinds = ['drop', 'corrupt', '5xx', '429', 'slow', 'reload', 'second-tab', 'quota', 'delete', 'tampered-lib'] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface SoakOptions {
  context: BrowserContext;
  /** A fresh browser context (its own profile): the disk-full fault needs a quota set before first use. */
  newContext: () => Promise<BrowserContext>;
  /** The app's URL; the soak calls the built store worker from a client of its own (storeClient.ts). */
  appUrl: string;
  host: ModelHost;
  downloads: number;
  seed?: number;
  /** Quota the disk-full fault gives a fresh profile before it first uses storage. */
  quotaBytes: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  counts: Record<FaultKind, number>;
  violations: string[];
  ms: number;
}

type Outcome = { ok: boolean; errors?: { name: string; path?: string }[] };

/** A small seeded PRNG, so a failing run can be repeated. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Starts a download in the page and returns its outcome promise (the page keeps running). */
function startDownload(page: Page, entry: CatalogEntry, hostUrl: string): Promise<Outcome> {
  return page.evaluate(
    ({ entry, hostUrl }) => {
      const g = globalThis as unknown as { hearthStore: { download(e: unknown, h: string): Promise<Outcome> } };
      return g.hearthStore.download(entry, hostUrl);
    },
    { entry, hostUrl },
  );
}

const storeCall = (page: Page, method: 'deleteAll' | 'deleteModel', id?: string): Promise<void> =>
  page.evaluate(({ method, id }) => (globalThis as unknown as { hearthStore: Record<string, (id?: string) => Promise<void>> }).hearthStore[method](id), { method, id });

async function openPage(context: BrowserContext, appUrl: string): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript('globalThis.__name ??= (f) => f;');
  await page.goto(appUrl);
  await page.locator('main[data-ready="true"]').waitFor();
  await installStoreClient(page);
  return page;
}

/** Fills the origin's storage from its store worker until the browser refuses 16 kB more. */
async function fillStorage(page: Page, quota: number): Promise<void> {
  const worker = page.workers().find((w) => w.url().includes('store'));
  await worker?.evaluate(async (quota) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('soak-filler', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('blobs');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const { usage = 0 } = await navigator.storage.estimate();
    let key = 0;
    for (let size = Math.max(16 << 10, quota - usage - (256 << 10)); size >= 16 << 10; ) {
      const ok = await new Promise<boolean>((resolve) => {
        const tx = db.transaction('blobs', 'readwrite');
        tx.objectStore('blobs').put(new Blob([new Uint8Array(size)]), key++);
        tx.oncomplete = () => resolve(true);
        tx.onerror = tx.onabort = () => resolve(false);
      });
      if (!ok) size >>= 1;
    }
    db.close();
  }, quota);
}

/** Space comes back: the filler goes and the quota is the browser's own again. */
async function freeStorage(page: Page, cdp: CDPSession, origin: string): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => { const r = indexedDB.deleteDatabase('soak-filler'); r.onsuccess = r.onerror = r.onblocked = resolve; }));
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const started = Date.now();
  const rand = random(options.seed ?? 1);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const { host, context } = options;
  const catalog = await host.catalog();
  const models = catalog.filter((e) => ['Tiny-Llama-GGUF', 'Tiny-Llama-MLC', 'Tiny-Llama-GGUF-unpinned', 'Tiny-Llama-MLC-unpinned'].includes(e.id));
  // What the host really serves, per model (an unpinned twin serves what its pinned entry lists).
  const truth: Truth = {};
  for (const e of models) {
    const pinned = catalog.find((p) => p.id === e.id.replace(/-unpinned$/, ''))!;
    truth[e.id] = Object.fromEntries(pinned.files.filter((f) => f.sha256).map((f) => [f.path, f.sha256!]));
    if (pinned.modelLib?.sha256) truth[e.id][pinned.modelLib.url.split('/').pop()!] = pinned.modelLib.sha256;
  }
  const counts = Object.fromEntries(faultKinds.map((k) => [k, 0])) as Record<FaultKind, number>;
  const violations: string[] = [];
  const main = await openPage(context, options.appUrl);
  const origin = new URL(options.appUrl).origin;

  for (let i = 0; i < options.downloads; i++) {
    // Every kind comes up early (a short run covers them all), then at random.
    const kind: FaultKind = i < faultKinds.length ? faultKinds[i] : pick(faultKinds);
    const entry = kind === 'tampered-lib' ? pick(models.filter((m) => m.engine === 'webllm')) : pick(models);
    const pinned = catalog.find((e) => e.id === entry.id.replace(/-unpinned$/, ''))!;
    const file = pick(pinned.files);
    const at = `#${i} ${kind} ${entry.id}`;
    counts[kind]++;
    host.clearFaults();
    // The disk-full fault runs in a fresh profile whose quota is set before it first stores anything.
    let quotaContext: BrowserContext | undefined;
    let quotaCdp: CDPSession | undefined;
    let page = main;
    if (kind === 'quota') {
      quotaContext = await options.newContext();
      const blank = await quotaContext.newPage();
      quotaCdp = await quotaContext.newCDPSession(blank);
      await limitQuota(quotaCdp, origin, options.quotaBytes);
      // (the blank page stays open: its DevTools session carries the override)
      page = await openPage(quotaContext, options.appUrl);
    }
    await storeCall(page, 'deleteAll');
    const slow = (): void => host.setFault({ kind: 'slow', path: '.gguf', bytesPerSecond: 200_000 });
    const slowAll = (): void => host.setFault({ kind: 'slow', path: '*', bytesPerSecond: 400_000 });
    let second: Page | undefined;
    switch (kind) {
      case 'drop':
        host.setFault({ kind: 'drop-after', path: file.path, bytes: 1 + Math.floor(rand() * Math.max(1, (file.size ?? 2) - 1)), times: 1 });
        break;
      case 'corrupt':
        host.setFault({ kind: 'corrupt-byte', path: file.path, offset: Math.floor(rand() * (file.size ?? 1)), times: 1 });
        break;
      case '5xx':
        host.setFault({ kind: 'status', status: pick([500, 502, 503] as const), path: file.path, times: 1 + Math.floor(rand() * 3) });
        break;
      case '429':
        host.setFault({ kind: 'rate-limit', retryAfter: 1, path: file.path, times: 1 });
        break;
      case 'slow':
        host.setFault({ kind: 'slow', path: file.path, bytesPerSecond: 500_000 });
        break;
      case 'tampered-lib':
        host.setFault({ kind: 'corrupt-byte', path: '.wasm', times: 1 });
        break;
      default:
        if (entry.engine === 'wllama') slow();
        else slowAll();
    }
    const running: Promise<Outcome> = startDownload(page, entry, host.url).catch(() => ({ ok: false }));
    if (kind === 'reload' || kind === 'delete' || kind === 'quota' || kind === 'second-tab') await page.waitForTimeout(150 + rand() * 400);
    if (kind === 'reload') {
      await page.reload();
      await page.locator('main[data-ready="true"]').waitFor();
      await installStoreClient(page);
    } else if (kind === 'delete') {
      await storeCall(page, 'deleteModel', entry.id);
    } else if (kind === 'quota') {
      await fillStorage(page, options.quotaBytes);
    } else if (kind === 'second-tab') {
      second = await openPage(context, options.appUrl);
      await startDownload(second, entry, host.url).catch(() => ({ ok: false }));
    }
    const first: Outcome = await running;
    if (kind === 'tampered-lib' && first.ok) violations.push(`${at}: a tampered model library was accepted`);
    if (kind === 'quota') await freeStorage(page, quotaCdp!, origin);
    await second?.close();

    // The faulted attempt may fail; what it stored must already hold the invariants.
    let state = await checkStore(page, truth);
    violations.push(...state.violations.map((v) => `${at} (after the fault): ${v}`));
    host.clearFaults();
    // Resumable to verified by a retry (the delete case starts over).
    let outcome: Outcome = first;
    for (let retry = 0; retry < 3 && !(outcome.ok && state.complete[entry.id]); retry++) {
      outcome = await startDownload(page, entry, host.url).catch((e: unknown) => ({ ok: false, errors: [{ name: String(e) }] }));
      state = await checkStore(page, truth);
    }
    violations.push(...state.violations.map((v) => `${at} (after the retry): ${v}`));
    if (!outcome.ok || !state.complete[entry.id]) violations.push(`${at}: not verified after retries (${JSON.stringify(outcome.errors ?? [])})`);
    options.log?.(`${at}: first ${first.ok ? 'ok' : (first.errors ?? []).map((e) => e.name).join(',') || 'failed'}, then ${outcome.ok ? 'verified' : 'FAILED'}`);
    await quotaContext?.close();
  }
  await main.close();
  return { counts, violations, ms: Date.now() - started };
}

/** Sets a quota for the app's origin before it first uses storage (DevTools protocol). */
export async function limitQuota(cdp: CDPSession, origin: string, quotaBytes: number): Promise<void> {
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: quotaBytes });
}
