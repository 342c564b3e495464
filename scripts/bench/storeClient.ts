import { readdirSync } from 'node:fs';

/** The built store worker's URL path (`/assets/store.worker-<hash>.js`). */
export function storeWorkerPath(distDir = 'dist'): string {
  const file = readdirSync(`${distDir}/assets`).find((f) => /^store\.worker-.*\.js$/.test(f));
  if (!file) throw new Error(`No store worker bundle in ${distDir}/assets: run the build first`);
  return `/assets/${file}`;
}

/**
 * Runs in the app's page: calls one method of a store worker of the bench's own (the built
 * worker, same origin, so the same IndexedDB), speaking Comlink's wire format directly. The app
 * itself exposes nothing for the bench; this is a second client of the same worker code.
 */
export async function callStoreWorker(args: { workerPath: string; method: string; argumentList: unknown[] }): Promise<unknown> {
  const g = globalThis as unknown as { __benchStore?: Worker };
  g.__benchStore ??= new Worker(args.workerPath, { type: 'module', name: 'bench-store' });
  const worker = g.__benchStore;
  const id = crypto.randomUUID();
  return new Promise((resolve, reject) => {
    const onMessage = (event: MessageEvent): void => {
      const data = event.data as { id?: string; type: string; value: unknown; name?: string };
      if (data.id !== id) return;
      worker.removeEventListener('message', onMessage);
      if (data.type === 'HANDLER') reject(new Error(`store worker threw: ${JSON.stringify(data.value)}`));
      else resolve(data.value);
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ id, type: 'APPLY', path: [args.method], argumentList: args.argumentList.map((value) => ({ type: 'RAW', value })) });
  });
}

/**
 * Installs that second client as `globalThis.hearthStore` in the page (every method of the store
 * API, by name, arguments passed as plain data), for scripts that call it from inside their own
 * `page.evaluate` (the soak). Again the app exposes nothing; after a reload, install it again.
 */
export async function installStoreClient(page: import('@playwright/test').Page, distDir = 'dist'): Promise<void> {
  await page.evaluate((workerPath) => {
    const worker = new Worker(workerPath, { type: 'module', name: 'bench-store' });
    const call = (method: string, argumentList: unknown[]): Promise<unknown> => {
      const id = crypto.randomUUID();
      return new Promise((resolve, reject) => {
        const onMessage = (event: MessageEvent): void => {
          const data = event.data as { id?: string; type: string; value: unknown };
          if (data.id !== id) return;
          worker.removeEventListener('message', onMessage);
          if (data.type === 'HANDLER') reject(new Error(`store worker threw: ${JSON.stringify(data.value)}`));
          else resolve(data.value);
        };
        worker.addEventListener('message', onMessage);
        worker.postMessage({ id, type: 'APPLY', path: [method], argumentList: argumentList.map((value) => ({ type: 'RAW', value })) });
      });
    };
    Object.assign(globalThis, { hearthStore: new Proxy({}, { get: (_target, method) => (...args: unknown[]) => call(String(method), args) }) });
  }, storeWorkerPath(distDir));
}
