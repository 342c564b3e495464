/**
 * Peak memory during a download, sampled from the bench's side every 100 ms, two ways:
 * - the page's own measure of itself and its workers (`measureUserAgentSpecificMemory`, made
 *   eager by `--enable-blink-features=ForceEagerMeasureMemory`): JS heaps and the ArrayBuffers
 *   they hold, by realm;
 * - the anonymous resident memory of the renderer processes and of the whole browser
 *   (`/proc`), which also counts the copies no JS heap holds: WebCrypto's copy of its input,
 *   IndexedDB values on their way to the browser process, the network service's buffers.
 */
import type { Page } from '@playwright/test';
import { anonymousBytes, browserProcesses } from './processes';

export interface MemoryReport {
  /** Peak of the page's measure (page + workers), bytes; 0 with no sample. */
  pagePeakBytes: number;
  pageSamples: number;
  /** At that peak: bytes per realm (`Window`, `DedicatedWorkerGlobalScope store.worker`…). */
  pagePeakByRealm: Record<string, number>;
  /** Slowest single measurement, ms, and how many gave no answer within 5 s. */
  pageSlowestSampleMs: number;
  pageTimeouts: number;
  /** Peak anonymous memory of the renderers (the page and its workers' process), and at the start. */
  rendererPeakBytes: number;
  rendererStartBytes: number;
  /** The same for every process of the browser together. */
  browserPeakBytes: number;
  browserStartBytes: number;
  processSamples: number;
}

interface PageSample {
  bytes: number;
  byRealm: Record<string, number>;
}

/** Runs in the page: one measurement, summed per realm (shared and DOM memory kept apart). */
async function measurePage(): Promise<PageSample> {
  const perf = performance as unknown as {
    measureUserAgentSpecificMemory(): Promise<{ bytes: number; breakdown: { bytes: number; types: string[]; attribution: { scope: string; url: string }[] }[] }>;
  };
  const result = await perf.measureUserAgentSpecificMemory();
  const byRealm: Record<string, number> = {};
  for (const part of result.breakdown) {
    const realm = part.attribution.map((a) => `${a.scope} ${a.url.replace(/^.*\/([^/?#]+)(\?.*)?(#.*)?$/, '$1')}`).join(', ') || part.types.join('+') || 'other';
    byRealm[realm] = (byRealm[realm] ?? 0) + part.bytes;
  }
  return { bytes: result.bytes, byRealm };
}

/** Starts sampling; `stop()` ends it and reports the peaks. */
export function sampleMemory(page: Page, profileDir: string): { stop(): Promise<MemoryReport> } {
  let running = true;
  const report: MemoryReport = {
    pagePeakBytes: 0,
    pageSamples: 0,
    pagePeakByRealm: {},
    pageSlowestSampleMs: 0,
    pageTimeouts: 0,
    rendererPeakBytes: 0,
    rendererStartBytes: 0,
    browserPeakBytes: 0,
    browserStartBytes: 0,
    processSamples: 0,
  };
  const pause = () => new Promise((resolve) => setTimeout(resolve, 100));
  const pageLoop = (async () => {
    while (running && !process.env.NO_PAGE_MEMORY) {
      const started = Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 5000)));
      const sample = await Promise.race([page.evaluate(measurePage).catch(() => undefined), timeout]);
      clearTimeout(timer);
      if (sample === 'timeout') report.pageTimeouts += 1;
      else if (sample) {
        report.pageSamples += 1;
        report.pageSlowestSampleMs = Math.max(report.pageSlowestSampleMs, Date.now() - started);
        if (sample.bytes > report.pagePeakBytes) {
          report.pagePeakBytes = sample.bytes;
          report.pagePeakByRealm = sample.byRealm;
        }
      }
      await pause();
    }
  })();
  const processLoop = (async () => {
    while (running) {
      const processes = browserProcesses(profileDir);
      let renderers = 0;
      let all = 0;
      for (const p of processes) {
        const bytes = anonymousBytes(p.pid);
        all += bytes;
        if (p.kind === 'renderer') renderers += bytes;
      }
      if (report.processSamples === 0) {
        report.rendererStartBytes = renderers;
        report.browserStartBytes = all;
      }
      report.processSamples += 1;
      report.rendererPeakBytes = Math.max(report.rendererPeakBytes, renderers);
      report.browserPeakBytes = Math.max(report.browserPeakBytes, all);
      await pause();
    }
  })();
  return {
    async stop() {
      running = false;
      await Promise.all([pageLoop, processLoop]);
      return report;
    },
  };
}
