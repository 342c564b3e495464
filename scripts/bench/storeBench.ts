/**
 * Part 1 of `npm run bench`: the store against the raw limits of this browser and link, in one
 * page, through the Hugging Face–like host (every LFS shard 302s to the CDN origin). Three runs
 * of each measurement, medians; then the same with the link throttled to 40 MB/s (a fast home
 * connection), where verification and storage should cost nothing a user can see.
 */
import type { Page } from '@playwright/test';
import type { ModelHost } from '../../tests/fixtures/modelHost';
import { baselineWorkerSource, type RawFile } from './rawBaselines';
import { callStoreWorker, storeWorkerPath } from './storeClient';

export const runs = 3;
export const throttleBytesPerSecond = 40e6;

export interface Row {
  name: string;
  /** Median of the runs. */
  ms: number;
  mbPerS: number;
  runsMs: number[];
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export interface StoreBenchResult {
  rows: Row[];
  throttled: Row[];
  ratios: Record<string, number>;
  memory: { peakBytes: number; samples: number; peakVsLargestFile: number };
  mainThreadLongTasksDuringDownload: number[];
  aims: Record<string, boolean>;
}

async function runBaseline(page: Page, name: string, files: RawFile[]): Promise<number> {
  return page.evaluate(
    async ({ source, name, files }) => {
      const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
      const result = await new Promise<{ ms?: number; error?: string }>((resolve) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.postMessage({ name, files });
      });
      worker.terminate();
      if (result.error) throw new Error(result.error);
      return result.ms as number;
    },
    { source: baselineWorkerSource, name, files },
  );
}

/** Ours, through the UI: Download, wait until every file is verified and stored; then delete it. */
async function runOurs(page: Page, modelId: string, sampleMemory: boolean): Promise<{ ms: number; longTasks: number[]; peak: number; samples: number }> {
  await page.evaluate((sample) => {
    const w = window as unknown as { __longTasks: unknown[]; __sampleMemory: () => Promise<void> };
    w.__longTasks = [];
    if (sample) void w.__sampleMemory();
  }, sampleMemory);
  const row = page.locator(`li[data-model="${modelId}"]`);
  await row.getByRole('button', { name: /^Download/ }).click();
  const dialog = page.getByTestId('licence-dialog');
  if (await dialog.isVisible().catch(() => false)) {
    await dialog.getByRole('checkbox').check();
    const started = Date.now();
    await dialog.getByRole('button', { name: 'Accept and download' }).click();
    return finish(page, row, started);
  }
  return finish(page, row, Date.now());
}

async function finish(page: Page, row: ReturnType<Page['locator']>, started: number) {
  await row.and(page.locator('[data-status="cached"]')).waitFor({ timeout: 600_000 });
  const ms = Date.now() - started;
  // Download and load are one flow: the app then tries to load the MLC set (its fake model
  // library fails at once); let that end before anything else is timed.
  await page.locator('[data-testid="engine-status"][data-state="failed"]').waitFor({ timeout: 120_000 });
  const during = await page.evaluate(() => {
    const w = window as unknown as { __longTasks: { duration: number }[]; __memory: { peak: number; samples: number; running: boolean } };
    w.__memory.running = false;
    return { longTasks: w.__longTasks.map((t) => Math.round(t.duration)), peak: w.__memory.peak, samples: w.__memory.samples };
  });
  return { ms, ...during };
}

/** What the engine load checks (no bytes read), a read-back of every byte, and Verify's full re-hash. */
// Through the built store worker, from a bench-only client: the app exposes no hook.
async function warmLoad(page: Page, modelId: string): Promise<{ presence: number; size: number; hash: number }> {
  const workerPath = storeWorkerPath();
  const check = async (depth: string): Promise<number> => {
    const report = (await page.evaluate(callStoreWorker, { workerPath, method: 'check', argumentList: [modelId, depth] })) as { ok: boolean; ms: number };
    if (!report.ok) throw new Error(`warm load check (${depth}) failed`);
    return report.ms;
  };
  return { presence: await check('presence'), size: await check('size'), hash: await check('hash') };
}

async function deleteOurs(page: Page, modelId: string): Promise<void> {
  await page.evaluate(callStoreWorker, { workerPath: storeWorkerPath(), method: 'deleteModel', argumentList: [modelId] });
  await page.reload();
  await page.locator('main[data-ready="true"]').waitFor();
}

export async function benchStore(page: Page, host: ModelHost, modelId: string, files: RawFile[], log: (line: string) => void): Promise<StoreBenchResult> {
  const totalBytes = files.reduce((s, f) => s + f.size, 0);
  const largest = Math.max(...files.map((f) => f.size));
  const row = (name: string, runsMs: number[]): Row => {
    const ms = Math.round(median(runsMs));
    return { name, ms, mbPerS: Math.round((totalBytes / 1e6 / ms) * 1000), runsMs: runsMs.map(Math.round) };
  };
  const series = { fetch: [] as number[], idbWrite: [] as number[], idbRead: [] as number[], fetchAndWrite: [] as number[], cacheAdd: [] as number[], hash: [] as number[], ours: [] as number[] };
  let peak = 0;
  let samples = 0;
  const longTasks: number[] = [];
  let warm: Awaited<ReturnType<typeof warmLoad>> | undefined;
  // Warm the host's file cache so the first measurement is not penalised.
  await runBaseline(page, 'fetch', files);
  for (let run = 0; run < runs; run++) {
    series.fetch.push(await runBaseline(page, 'fetch', files));
    series.idbWrite.push(await runBaseline(page, 'idbWrite', files));
    series.idbRead.push(await runBaseline(page, 'idbRead', files));
    series.fetchAndWrite.push(await runBaseline(page, 'fetchAndWrite', files));
    series.hash.push(await runBaseline(page, 'hash', files));
    await runBaseline(page, 'cleanup', files);
    series.cacheAdd.push(await runBaseline(page, 'cacheAdd', files));
    await runBaseline(page, 'cleanup', files);
    const ours = await runOurs(page, modelId, !process.env.NO_MEM);
    series.ours.push(ours.ms);
    peak = Math.max(peak, ours.peak);
    samples += ours.samples;
    longTasks.push(...ours.longTasks);
    log(`  run ${run + 1}: ours ${ours.ms} ms, raw fetch+write ${Math.round(series.fetchAndWrite[run])} ms`);
    if (run === runs - 1) warm = await warmLoad(page, modelId);
    await deleteOurs(page, modelId);
  }
  const rows = [
    row('(a) raw fetch, 4 parallel, nothing stored', series.fetch),
    row('(b) raw IndexedDB write, no fetch/hash', series.idbWrite),
    row('(e) raw fetch + IndexedDB write together, no hash', series.fetchAndWrite),
    row('(f) SHA-256 (WebCrypto), no fetch/write', series.hash),
    row('(c) web-llm default: Cache API add x4, unverified', series.cacheAdd),
    row('Hearth: download + SHA-256 + store', series.ours),
    row('(d) raw IndexedDB read', series.idbRead),
    row('Hearth load-time check (presence, no bytes read)', [warm!.presence]),
    row('Hearth warm load: check + read back', [warm!.size]),
    row('Hearth warm load with full re-hash', [warm!.hash]),
  ];

  log(`  throttled to ${throttleBytesPerSecond / 1e6} MB/s…`);
  host.setLinkRate(throttleBytesPerSecond);
  const slowFetch: number[] = [];
  const slowOurs: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      slowFetch.push(await runBaseline(page, 'fetch', files));
      slowOurs.push((await runOurs(page, modelId, false)).ms);
      log(`  throttled run ${run + 1}: ours ${slowOurs[run]} ms, raw fetch ${Math.round(slowFetch[run])} ms`);
      await deleteOurs(page, modelId);
    }
  } finally {
    host.setLinkRate(null);
  }
  const throttled = [row('(a) raw fetch at 40 MB/s', slowFetch), row('Hearth at 40 MB/s', slowOurs)];
  const by = (name: string) => rows.find((r) => r.name.startsWith(name)) as Row;
  const ours = by('Hearth');
  const ratios = {
    oursVsRawFetchAndWriteTogether: +(ours.mbPerS / by('(e)').mbPerS).toFixed(3),
    oursVsSlowerOfFetchAndWrite: +(ours.mbPerS / Math.min(by('(a)').mbPerS, by('(b)').mbPerS)).toFixed(3),
    oursTimeVsWebllmDefault: +(ours.ms / by('(c)').ms).toFixed(3),
    oursAt40MBpsVsRawFetchAt40MBps: +(throttled[0].ms / throttled[1].ms).toFixed(3),
    warmLoadTimeVsRawRead: +(warm!.size / by('(d)').ms).toFixed(3),
    rehashTimeVsRawRead: +(warm!.hash / by('(d)').ms).toFixed(3),
  };
  return {
    rows,
    throttled,
    ratios,
    memory: { peakBytes: peak, samples, peakVsLargestFile: +(peak / largest).toFixed(3) },
    mainThreadLongTasksDuringDownload: longTasks,
    aims: {
      oursAtLeast090OfRawPipeline: ratios.oursVsRawFetchAndWriteTogether >= 0.9,
      oursAtLeast097OfRawFetchAt40MBps: ratios.oursAt40MBpsVsRawFetchAt40MBps >= 0.97,
      peakHeapUnderTwiceLargestFile: samples > 0 && peak < 2 * largest,
      zeroLongTasks: longTasks.length === 0,
    },
  };
}
