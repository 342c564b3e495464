/**
 * Part 1 of `npm run bench`: the store against the raw limits of this browser and link, in one
 * page, through the Hugging Face–like host (every LFS shard 302s to the CDN origin). Three runs
 * of each measurement, medians; then the same with the link throttled to 40 MB/s (a fast home
 * connection), where verification and storage should cost nothing a user can see. Memory is
 * sampled during each of our downloads (memorySampler.ts), CPU per process measured (processes.ts);
 * `profile` adds one traced download at each rate (downloadProfile.ts), never a measured one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { ModelHost } from '../../tests/fixtures/modelHost';
import { analyse, describeProfile, markedWindow, startTrace, threadBusy, type DownloadProfile } from './downloadProfile';
import { sampleMemory, type MemoryReport } from './memorySampler';
import { cpuMeter } from './processes';
import { baselineWorkerSource, type RawFile } from './rawBaselines';
import { callStoreWorker, storeWorkerPath } from './storeClient';
import { median } from './median';

export const throttleBytesPerSecond = 40e6;

/** The measurements of part 1, by name (`--only=` picks some while iterating). */
export const measurements = ['fetch', 'idbWrite', 'fetchAndWrite', 'hash', 'cacheAdd', 'ours', 'idbRead', 'warm', 'throttled'] as const;
export type Measurement = (typeof measurements)[number];

export interface StoreBenchOptions {
  runs: number;
  only: Set<Measurement>;
  profile: boolean;
  /** The bench browser's profile directory (to find its processes). */
  profileDir: string;
}

export interface Row {
  name: string;
  /** Median of the runs. */
  ms: number;
  mbPerS: number;
  runsMs: number[];
}

interface OursRun {
  ms: number;
  longTasks: number[];
  memory: MemoryReport;
  cpuSeconds: Record<string, number>;
}

export interface StoreBenchResult {
  rows: Row[];
  throttled: Row[];
  ratios: Record<string, number | null>;
  /** Peak over every unthrottled download of ours (each run's own peak in `runs`). */
  memory: { pagePeakBytes: number; pageSamples: number; pagePeakVsLargestFile: number; rendererPeakBytes: number; browserPeakBytes: number; runs: MemoryReport[] };
  /** CPU seconds by process during each download of ours and each raw pipeline (e) run. */
  cpu: { ours: Record<string, number>[]; fetchAndWrite: Record<string, number>[]; oursThrottled: Record<string, number>[] };
  mainThreadLongTasksDuringDownload: number[];
  profiles: { unthrottled?: DownloadProfile; throttled?: DownloadProfile };
  aims: Record<string, boolean | null>;
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

/** Ours, through the UI: Download, wait until every file is verified and stored. */
async function runOurs(page: Page, modelId: string, profileDir: string): Promise<OursRun> {
  await page.evaluate(() => ((window as unknown as { __longTasks: unknown[] }).__longTasks = []));
  const row = page.locator(`li[data-model="${modelId}"]`);
  const memory = sampleMemory(page, profileDir);
  const cpu = cpuMeter(profileDir);
  let started = Date.now();
  await row.getByRole('button', { name: /^Download/ }).click();
  const dialog = page.getByTestId('licence-dialog');
  // The first Llama download of a profile asks for the licence: the clock starts at its accept.
  if (await dialog.isVisible().catch(() => false)) {
    await dialog.getByRole('checkbox').check();
    started = Date.now();
    await dialog.getByRole('button', { name: 'Accept and download' }).click();
  }
  await row.and(page.locator('[data-status="cached"]')).waitFor({ timeout: 600_000 });
  const ms = Date.now() - started;
  const cpuSeconds = cpu.stop();
  const report = await memory.stop();
  // Download and load are one flow: the app then tries to load the MLC set (its fake model
  // library fails at once); let that end before anything else is timed.
  await page.locator('[data-testid="engine-status"][data-state="failed"]').waitFor({ timeout: 120_000 });
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: { duration: number }[] }).__longTasks.map((t) => Math.round(t.duration)));
  return { ms, longTasks, memory: report, cpuSeconds };
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

let traces = 0;

/** One traced download of ours (not measured), read back into a profile. */
async function profiledDownload(page: Page, modelId: string, options: StoreBenchOptions, sizes: Map<string, number>, log: (line: string) => void): Promise<DownloadProfile> {
  const trace = await startTrace(page);
  const run = await runOurs(page, modelId, options.profileDir);
  const events = await trace.stop();
  const profile = analyse(events, sizes);
  // Loadable in Perfetto or DevTools' performance panel.
  const file = `bench-results/download-trace-${++traces}.json`;
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(file, JSON.stringify({ traceEvents: events }));
  log(`  trace written to ${file}`);
  log(`  profiled run (traced, not measured): ${run.ms} ms; CPU s ${JSON.stringify(run.cpuSeconds)}`);
  for (const line of describeProfile(profile)) log(line);
  await deleteOurs(page, modelId);
  return profile;
}

export async function benchStore(page: Page, host: ModelHost, modelId: string, files: RawFile[], options: StoreBenchOptions, log: (line: string) => void): Promise<StoreBenchResult> {
  const { runs, only } = options;
  const totalBytes = files.reduce((s, f) => s + f.size, 0);
  const largest = Math.max(...files.map((f) => f.size));
  const sizes = new Map(files.map((f) => [f.url.split('/').pop() as string, f.size]));
  const row = (name: string, runsMs: number[]): Row => {
    const ms = Math.round(median(runsMs));
    return { name, ms, mbPerS: Math.round((totalBytes / 1e6 / ms) * 1000), runsMs: runsMs.map(Math.round) };
  };
  const series: Record<Exclude<Measurement, 'warm' | 'throttled'>, number[]> = { fetch: [], idbWrite: [], idbRead: [], fetchAndWrite: [], cacheAdd: [], hash: [], ours: [] };
  const memoryRuns: MemoryReport[] = [];
  const cpu: StoreBenchResult['cpu'] = { ours: [], fetchAndWrite: [], oursThrottled: [] };
  const longTasks: number[] = [];
  let warm: Awaited<ReturnType<typeof warmLoad>> | undefined;
  const baseline = async (name: Exclude<Measurement, 'ours' | 'warm' | 'throttled'>): Promise<void> => {
    if (only.has(name)) series[name].push(await runBaseline(page, name, files));
  };
  // Warm the host's file cache so the first measurement is not penalised.
  await runBaseline(page, 'fetch', files);
  for (let run = 0; run < runs; run++) {
    await baseline('fetch');
    // (d) reads what (b) wrote.
    if (only.has('idbWrite') || only.has('idbRead')) series.idbWrite.push(await runBaseline(page, 'idbWrite', files));
    await baseline('idbRead');
    if (only.has('fetchAndWrite')) {
      const meter = cpuMeter(options.profileDir);
      series.fetchAndWrite.push(await runBaseline(page, 'fetchAndWrite', files));
      cpu.fetchAndWrite.push(meter.stop());
    }
    await baseline('hash');
    await runBaseline(page, 'cleanup', files);
    await baseline('cacheAdd');
    await runBaseline(page, 'cleanup', files);
    if (!only.has('ours')) continue;
    const ours = await runOurs(page, modelId, options.profileDir);
    series.ours.push(ours.ms);
    memoryRuns.push(ours.memory);
    cpu.ours.push(ours.cpuSeconds);
    longTasks.push(...ours.longTasks);
    const fw = series.fetchAndWrite[run];
    log(`  run ${run + 1}: ours ${ours.ms} ms${fw ? `, raw fetch+write ${Math.round(fw)} ms` : ''}; peak ${(ours.memory.pagePeakBytes / 1e6).toFixed(0)} MB (page + workers, ${ours.memory.pageSamples} samples), CPU s ${JSON.stringify(ours.cpuSeconds)}`);
    if (run === runs - 1 && only.has('warm')) warm = await warmLoad(page, modelId);
    await deleteOurs(page, modelId);
  }
  const profiles: StoreBenchResult['profiles'] = {};
  if (options.profile) {
    // The raw pipeline (e) traced too, to compare its threads with ours.
    const trace = await startTrace(page);
    const ms = await runBaseline(page, 'fetchAndWrite', files);
    const events = await trace.stop();
    log(`  profiled raw pipeline (e) (traced): ${Math.round(ms)} ms; busiest threads: ${threadBusy(events, ...markedWindow(events, 'bench:fetchAndWrite')).map((t) => `${t.thread} ${t.busyMs} ms`).join('; ')}`);
    profiles.unthrottled = await profiledDownload(page, modelId, options, sizes, log);
  }

  const slowFetch: number[] = [];
  const slowOurs: number[] = [];
  if (only.has('throttled')) {
    log(`  throttled to ${throttleBytesPerSecond / 1e6} MB/s…`);
    host.setLinkRate(throttleBytesPerSecond);
    try {
      for (let run = 0; run < runs; run++) {
        slowFetch.push(await runBaseline(page, 'fetch', files));
        const ours = await runOurs(page, modelId, options.profileDir);
        slowOurs.push(ours.ms);
        cpu.oursThrottled.push(ours.cpuSeconds);
        longTasks.push(...ours.longTasks);
        log(`  throttled run ${run + 1}: ours ${ours.ms} ms, raw fetch ${Math.round(slowFetch[run])} ms; peak ${(ours.memory.pagePeakBytes / 1e6).toFixed(0)} MB`);
        await deleteOurs(page, modelId);
      }
      if (options.profile) profiles.throttled = await profiledDownload(page, modelId, options, sizes, log);
    } finally {
      host.setLinkRate(null);
    }
  }

  const named: [string, number[]][] = [
    ['(a) raw fetch, 4 parallel, nothing stored', series.fetch],
    ['(b) raw IndexedDB write, no fetch/hash', series.idbWrite],
    ['(e) raw fetch + IndexedDB write together, no hash', series.fetchAndWrite],
    ['(f) SHA-256 (WebCrypto), no fetch/write', series.hash],
    ['(c) web-llm default: Cache API add x4, unverified', series.cacheAdd],
    ['Hearth: download + SHA-256 + store', series.ours],
    ['(d) raw IndexedDB read', series.idbRead],
    ...((warm ? [['Hearth load-time check (presence, no bytes read)', [warm.presence]], ['Hearth warm load: check + read back', [warm.size]], ['Hearth warm load with full re-hash', [warm.hash]]] : []) as [string, number[]][]),
  ];
  const rows = named.filter(([, ms]) => ms.length > 0).map(([name, ms]) => row(name, ms));
  const throttled = slowFetch.length > 0 ? [row('(a) raw fetch at 40 MB/s', slowFetch), row('Hearth at 40 MB/s', slowOurs)] : [];
  const by = (name: string): Row | undefined => rows.find((r) => r.name.startsWith(name));
  const ratio = (a: number | undefined, b: number | undefined): number | null => (a && b && Number.isFinite(b) ? +(a / b).toFixed(3) : null);
  const ours = by('Hearth:');
  const ratios = {
    oursVsRawFetchAndWriteTogether: ratio(ours?.mbPerS, by('(e)')?.mbPerS),
    oursVsSlowerOfFetchAndWrite: ratio(ours?.mbPerS, Math.min(by('(a)')?.mbPerS ?? Infinity, by('(b)')?.mbPerS ?? Infinity)),
    oursTimeVsWebllmDefault: ratio(ours?.ms, by('(c)')?.ms),
    oursAt40MBpsVsRawFetchAt40MBps: ratio(throttled[0]?.ms, throttled[1]?.ms),
    warmLoadTimeVsRawRead: ratio(warm?.size, by('(d)')?.ms),
    rehashTimeVsRawRead: ratio(warm?.hash, by('(d)')?.ms),
  };
  const peak = (key: 'pagePeakBytes' | 'rendererPeakBytes' | 'browserPeakBytes'): number => Math.max(0, ...memoryRuns.map((m) => m[key]));
  const samples = memoryRuns.reduce((s, m) => s + m.pageSamples, 0);
  const aim = (value: number | null, atLeast: number): boolean | null => (value === null ? null : value >= atLeast);
  return {
    rows,
    throttled,
    ratios,
    memory: {
      pagePeakBytes: peak('pagePeakBytes'),
      pageSamples: samples,
      pagePeakVsLargestFile: +(peak('pagePeakBytes') / largest).toFixed(3),
      rendererPeakBytes: peak('rendererPeakBytes'),
      browserPeakBytes: peak('browserPeakBytes'),
      runs: memoryRuns,
    },
    cpu,
    mainThreadLongTasksDuringDownload: longTasks,
    profiles,
    aims: {
      oursAtLeast090OfRawPipeline: aim(ratios.oursVsRawFetchAndWriteTogether, 0.9),
      oursAtLeast097OfRawFetchAt40MBps: aim(ratios.oursAt40MBpsVsRawFetchAt40MBps, 0.97),
      peakUnderTwiceLargestFile: samples > 0 ? peak('pagePeakBytes') < 2 * largest : null,
      zeroLongTasks: longTasks.length === 0,
    },
  };
}
