import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHostCatalog } from '../../workers/store/hostCatalog';

/** A host whose answers each test chooses: path -> [status, content type, body]. */
let answers: Record<string, [number, string, string]> = {};
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const [status, type, body] = answers[new URL(req.url ?? '/', 'http://x').pathname] ?? [404, 'text/html', '<h1>404</h1>'];
    res.writeHead(status, { 'Content-Type': type });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('readHostCatalog', () => {
  it('reads a host’s own list and keeps it: the next opening asks nothing', async () => {
    answers = { '/a/hearth-catalog.json': [200, 'application/json', JSON.stringify([{ id: 'x' }])] };
    const first = await readHostCatalog(`${base}/a`, false);
    expect(first.problem).toBeNull();
    answers = {};
    expect((await readHostCatalog(`${base}/a`, false)).entries).toEqual(first.entries);
  });

  it('accepts a host without a list when its Hub API answers JSON (even "not found")', async () => {
    answers = { '/b/api/models/mlc-ai/Llama-3.2-1B-Instruct-q4f16_1-MLC/revision/main': [404, 'application/json', '{"error":"Repository not found"}'] };
    expect(await readHostCatalog(`${base}/b`, true)).toEqual({ entries: [], problem: null });
  });

  it('names a host that answers web pages as not a Hugging Face–style host, with what it answered', async () => {
    answers = { '/c/hearth-catalog.json': [200, 'text/html; charset=utf-8', '<!doctype html><h1>Welcome</h1>'] };
    const { problem } = await readHostCatalog(`${base}/c`, true);
    expect(problem).toMatchObject({ kind: 'not-a-hub', hostUrl: `${base}/c`, url: `${base}/c/hearth-catalog.json`, status: 200, contentType: 'text/html; charset=utf-8' });
    // No list and a web page for the API too.
    answers = {};
    expect((await readHostCatalog(`${base}/c`, true)).problem).toMatchObject({ kind: 'not-a-hub', status: 404 });
  });

  it('reports a server error and an unreachable host, and does not remember them', async () => {
    answers = { '/d/hearth-catalog.json': [503, 'text/plain', 'busy'] };
    expect((await readHostCatalog(`${base}/d`, false)).problem).toMatchObject({ kind: 'host-error', status: 503 });
    answers = { '/d/hearth-catalog.json': [200, 'application/json', '[]'] };
    expect((await readHostCatalog(`${base}/d`, false)).problem).toBeNull();
    const { problem, entries } = await readHostCatalog('http://127.0.0.1:9', true);
    expect(entries).toEqual([]);
    expect(problem).toMatchObject({ kind: 'unreachable', status: 0, contentType: '' });
  });
});
