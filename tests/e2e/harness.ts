import { test as base, expect, type ConsoleMessage, type Page, type Worker } from '@playwright/test';
import { defaultTestRepos, startModelHost, type ModelHost } from '../fixtures/modelHost';

/** Ids of the generated test models the host publishes in its catalog. */
export const testModels = {
  mlc: 'Tiny-Llama-MLC',
  gguf: 'Tiny-Llama-GGUF',
  programmed: 'Programmed-Llama-GGUF',
} as const;

interface HarnessFixtures {
  /** A model host of this test's own, so faults never leak between tests. */
  host: ModelHost;
  /**
   * Content-Security-Policy violations seen by any page of the test (and reported to its
   * console by its workers). Every test ends with none; a test that provokes one on purpose
   * empties the list after checking it.
   */
  cspViolations: string[];
}

export const test = base.extend<HarnessFixtures>({
  // eslint-disable-next-line no-empty-pattern
  host: async ({}, use) => {
    const host = await startModelHost({ port: 0, repos: defaultTestRepos() });
    await use(host);
    await host.close();
  },
  cspViolations: [
    async ({ context }, use) => {
      const violations: string[] = [];
      await context.addInitScript(() => {
        addEventListener('securitypolicyviolation', (e) =>
          console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`),
        );
      });
      const collect = (message: ConsoleMessage): void => {
        if (/CSP violation|Content Security Policy/i.test(message.text())) violations.push(message.text());
      };
      context.on('console', collect);
      // Workers have policies of their own (from their script's headers); their reports go to
      // their own console. (A violation in a worker's first milliseconds can be missed.)
      const watchWorker = (worker: Worker): void => {
        worker.on('console', collect);
        void worker
          .evaluate(() =>
            addEventListener('securitypolicyviolation', (e) =>
              console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} in a worker (${e.sourceFile}:${e.lineNumber})`),
            ),
          )
          .catch(() => {});
      };
      const watchPage = (page: Page): void => {
        page.on('worker', watchWorker);
        page.workers().forEach(watchWorker);
      };
      context.on('page', watchPage);
      context.pages().forEach(watchPage);
      await use(violations);
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/** Opens the built app pointed at a model host, and waits until its lists are loaded. */
export async function openApp(page: Page, host: ModelHost): Promise<void> {
  await page.goto(`/?modelHost=${encodeURIComponent(host.url)}`);
  await expectReady(page);
}

/** Waits until the app has read its settings, lists and conversations (after a load or reload). */
export async function expectReady(page: Page): Promise<void> {
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
}

/** Shows a view from the header, as a user would. */
export async function gotoView(page: Page, view: 'Chat' | 'Models' | 'Benchmark' | 'Settings'): Promise<void> {
  // Right after a navigation the app may still rewrite the address (it drops ?modelHost= once
  // read), which would undo a click made before it is ready.
  await expectReady(page);
  const link = page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: view, exact: true });
  if ((await link.getAttribute('aria-current')) !== 'page') await link.click();
  await expect(link).toHaveAttribute('aria-current', 'page');
}

/** The row of one build in the models view. */
export function modelRow(page: Page, id: string) {
  return page.locator(`li[data-model="${id}"]`);
}

/** Starts a download from the models view, accepting the model's licence when it asks. */
export async function startDownload(page: Page, id: string): Promise<void> {
  await gotoView(page, 'Models');
  await modelRow(page, id).getByRole('button', { name: /^(Download|Resume|Retry)/ }).click();
  await acceptLicenceIfAsked(page);
}

/** Accepts the licence dialog if it is open. */
export async function acceptLicenceIfAsked(page: Page): Promise<void> {
  const dialog = page.getByTestId('licence-dialog');
  // The dialog opens in the same task as the click; a short wait covers a slow frame.
  await dialog.getByRole('checkbox').waitFor({ state: 'visible', timeout: 300 }).catch(() => {});
  if (await dialog.getByRole('checkbox').isVisible()) {
    await dialog.getByRole('checkbox').check();
    await dialog.getByRole('button', { name: 'Accept and download' }).click();
  }
}

/** Waits until a model shows as fully cached (in the models view). */
export async function expectCached(page: Page, id: string): Promise<void> {
  await expect(modelRow(page, id)).toHaveAttribute('data-status', 'cached', { timeout: 60_000 });
}

/** The header's model status (state and model id in data attributes). */
export function engineStatus(page: Page) {
  return page.getByTestId('engine-status');
}

/** Waits until a model is loaded and a message can be sent. */
export async function expectModelReady(page: Page, id: string): Promise<void> {
  await expect(engineStatus(page)).toHaveAttribute('data-model-id', id, { timeout: 60_000 });
  await expect(engineStatus(page)).toHaveAttribute('data-state', 'ready');
}

/** Paths of model-file requests (`/resolve/`) the host saw, in order. */
export function fileRequests(host: ModelHost): { path: string; range?: string; status: number }[] {
  return host.requests
    .filter((r) => r.path.includes('/resolve/'))
    .map((r) => ({ path: decodeURIComponent(r.path.split('/resolve/')[1].split('/').slice(1).join('/')), range: r.range, status: r.status }));
}

/** What IndexedDB holds, read in the page: keys of every web-llm scope and our stores. */
export async function idbContents(page: Page): Promise<{
  webllm: Record<string, string[]>;
  files: string[];
  chunks: string[];
  partials: string[];
  models: string[];
}> {
  return page.evaluate(async () => {
    const open = (name: string) =>
      new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const keys = (db: IDBDatabase, store: string) =>
      new Promise<IDBValidKey[]>((resolve, reject) => {
        if (!db.objectStoreNames.contains(store)) return resolve([]);
        const request = db.transaction(store).objectStore(store).getAllKeys();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const names = (await indexedDB.databases()).map((d) => d.name ?? '');
    const webllm: Record<string, string[]> = {};
    for (const scope of ['webllm/model', 'webllm/config', 'webllm/wasm']) {
      if (!names.includes(scope)) {
        webllm[scope] = [];
        continue;
      }
      const db = await open(scope);
      webllm[scope] = (await keys(db, 'urls')).map(String);
      db.close();
    }
    const store = await open('hearth-store');
    const flat = async (name: string) => (await keys(store, name)).map((k) => (Array.isArray(k) ? k.join('|') : String(k)));
    const result = {
      webllm,
      files: await flat('files'),
      chunks: await flat('chunks'),
      partials: await flat('partials'),
      models: await flat('models'),
    };
    store.close();
    return result;
  });
}

/** SHA-256 of a stored file's bytes, read back from IndexedDB in the page (chunked storage). */
export async function storedChunkedSha256(page: Page, modelId: string, path: string): Promise<string> {
  return page.evaluate(
    async ({ modelId, path }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('hearth-store');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const chunks = await new Promise<{ data: Blob }[]>((resolve, reject) => {
        const range = IDBKeyRange.bound([modelId, path, 0], [modelId, path, Number.MAX_SAFE_INTEGER]);
        const r = db.transaction('chunks').objectStore('chunks').getAll(range);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      db.close();
      const bytes = await new Blob(chunks.map((c) => c.data)).arrayBuffer();
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
    },
    { modelId, path },
  );
}
