import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumArgs, chromiumPath } from '../../playwright.config';

/**
 * A Chromium with a fresh on-disk profile (IndexedDB on disk, as for a user), able to measure
 * memory across the page and its workers (`measureUserAgentSpecificMemory` without its delay).
 */
export async function launchBenchBrowser(): Promise<{ context: BrowserContext; profileDir: string; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    // WebGPU (SwiftShader) so the MLC set can be downloaded: the app offers no download of a
    // build the device cannot run.
    args: [...chromiumArgs, '--enable-blink-features=ForceEagerMeasureMemory', '--enable-unsafe-webgpu'],
  });
  return {
    context,
    profileDir: profile,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Page script: records main-thread long tasks. (Memory is sampled from the bench's side,
 * memorySampler.ts: a loop in the page stopped by the download's end never counted the sample it
 * was awaiting, and the page's measure misses Blink's and the browser's copies.)
 */
export const instrumentation = `
  // tsx keeps function names with a __name helper, which functions sent to the page reference.
  globalThis.__name ??= (f) => f;
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  // Long animation frames name the scripts that ran in them: where a long task came from.
  window.__longFrames = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__longFrames.push({
        start: e.startTime,
        duration: e.duration,
        scripts: (e.scripts ?? []).map((s) => ({ invoker: s.invoker, source: (s.sourceURL ?? '').split('/').pop() + ':' + (s.sourceFunctionName ?? ''), ms: Math.round(s.duration) })),
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
`;

/** Accepts the licence dialog when it opens (the first Llama download of a profile asks). */
export async function acceptLicence(page: Page): Promise<void> {
  const dialog = page.getByTestId('licence-dialog');
  await dialog.waitFor({ state: 'visible', timeout: 1000 }).catch(() => {});
  if (!(await dialog.isVisible())) return;
  await dialog.getByRole('checkbox').check();
  await dialog.getByRole('button', { name: 'Accept and download' }).click();
}
