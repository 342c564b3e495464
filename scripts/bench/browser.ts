import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumArgs, chromiumPath } from '../../playwright.config';

/**
 * A Chromium with a fresh on-disk profile (IndexedDB on disk, as for a user), able to measure
 * memory across the page and its workers (`measureUserAgentSpecificMemory` without its delay).
 */
export async function launchBenchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    // WebGPU (SwiftShader) so the MLC set can be downloaded: the app offers no download of a
    // build the device cannot run.
    args: [...chromiumArgs, '--enable-blink-features=ForceEagerMeasureMemory', '--enable-unsafe-webgpu'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Page script: records main-thread long tasks and samples memory of the page and its workers. */
export const instrumentation = `
  // tsx keeps function names with a __name helper, which functions sent to the page reference.
  globalThis.__name ??= (f) => f;
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  window.__memory = { peak: 0, samples: 0, running: false };
  window.__sampleMemory = async () => {
    window.__memory = { peak: 0, samples: 0, running: true };
    while (window.__memory.running) {
      if (self.crossOriginIsolated && performance.measureUserAgentSpecificMemory) {
        const m = await performance.measureUserAgentSpecificMemory();
        window.__memory.peak = Math.max(window.__memory.peak, m.bytes);
        window.__memory.samples += 1;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
`;

/** Accepts the licence dialog when it opens (the first Llama download of a profile asks). */
export async function acceptLicence(page: Page): Promise<void> {
  const dialog = page.getByTestId('licence-dialog');
  await dialog.waitFor({ state: 'visible', timeout: 1000 }).catch(() => {});
  if (!(await dialog.isVisible())) return;
  await dialog.getByRole('checkbox').check();
  await dialog.getByRole('button', { name: 'Accept and download' }).click();
}
