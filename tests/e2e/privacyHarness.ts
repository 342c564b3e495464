import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { Page } from '@playwright/test';
import { contentSecurityPolicy } from '../../scripts/lib/contentSecurityPolicy';
import { expect, expectCached, startDownload } from './harness';
export { useModel as loadModel } from './chatHarness';

/** Downloads a model from the models view (accepting its licence when asked) and waits until it is cached. */
export async function downloadModel(page: Page, id: string): Promise<void> {
  await startDownload(page, id);
  await expectCached(page, id);
}

/** Waits until the service worker is active and this page is controlled by it. */
export async function expectControlled(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

/** Everything IndexedDB holds in this origin, as JSON text (blobs and buffers as their size). */
export async function dumpIndexedDb(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const open = (name: string) =>
      new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const all = (db: IDBDatabase, store: string) =>
      new Promise<[IDBValidKey[], unknown[]]>((resolve, reject) => {
        const tx = db.transaction(store);
        const keys = tx.objectStore(store).getAllKeys();
        const values = tx.objectStore(store).getAll();
        tx.oncomplete = () => resolve([keys.result, values.result]);
        tx.onerror = () => reject(tx.error);
      });
    const out: Record<string, Record<string, unknown>> = {};
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await open(name);
      out[name] = {};
      for (const store of db.objectStoreNames) {
        const [keys, values] = await all(db, store);
        out[name][store] = keys.map((k, i) => [k, values[i]]);
      }
      db.close();
    }
    return JSON.stringify(out, (_key, value: unknown) =>
      value instanceof Blob ? `[Blob ${value.size}]` : value instanceof ArrayBuffer ? `[ArrayBuffer ${value.byteLength}]` : value,
    );
  });
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
};

/** A static server for a built app, with the headers `vite preview` sends; its directory can be swapped. */
export interface AppServer {
  url: string;
  /** Serves another build from now on (a new version being published). */
  serve(dir: string): void;
  close(): Promise<void>;
}

/** Serves a built app from `dir` on 127.0.0.1 (random port), like a production host would. */
export async function startAppServer(dir: string): Promise<AppServer> {
  let root = dir;
  const headers = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Content-Security-Policy': contentSecurityPolicy({ forHeader: true }),
    'Cache-Control': 'no-cache',
  };
  const server = createServer((req, res) => {
    void (async () => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
      let file = join(root, path);
      if (!(await stat(file).catch(() => null))?.isFile()) file = join(root, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    })().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    serve: (next) => (root = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
