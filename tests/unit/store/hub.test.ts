/** Downloads of unpinned entries through the Hugging Face–like host: pagination, typed errors, catalogs. */
import { afterEach, expect, test } from 'vitest';
import { makeProgrammedLlamaGguf } from '../../fixtures/gguf';
import type { ModelHost } from '../../fixtures/modelHost';
import { bytesRequests, download, entryOf, freshStore, startHfHost, storedSha256 } from './storeHarness';

let host: ModelHost | undefined;
afterEach(() => host?.close());

test('an unpinned MLC entry resolves every file across a paginated tree and the CDN redirect', async () => {
  host = await startHfHost();
  const store = await freshStore();
  const entry = await entryOf(host, 'Tiny-Llama-MLC-unpinned');
  expect(entry.source.revision).toBeNull();
  const outcome = await download(store, entry, host);
  expect(outcome).toEqual({ ok: true });
  const manifest = await store.manifest(entry.id);
  const pinned = await entryOf(host, 'Tiny-Llama-MLC');
  // Every file the pinned twin names, shards included: LFS files expected at the listing's
  // SHA-256, small ones at their git blob id, and every stored byte as the pinned twin says.
  for (const f of pinned.files) {
    if (['licence', 'use-policy'].includes(f.role)) continue;
    const row = manifest?.files.find((m) => m.path === f.path);
    if (f.path.endsWith('.bin')) expect(row?.expected).toEqual({ kind: 'sha256', sha256: f.sha256 });
    else expect(row?.expected.kind).toBe('git-blob-sha1');
    // (tensor-cache.json is stored parsed, as web-llm keeps it: its bytes are not kept as served.)
    if (f.role !== 'tensor-cache') expect(await storedSha256(store, entry.id, f.path), f.path).toBe(f.sha256);
  }
  expect(host.requests.filter((r) => r.path.includes('/tree/') && r.path.includes('cursor=')).length).toBeGreaterThan(0);
  expect(host.requests.some((r) => r.hop === 'cdn' && r.file?.startsWith('params_shard_'))).toBe(true);
});

test('HTML where the API should answer JSON is a HostError naming the host and what came back', async () => {
  host = await startHfHost();
  const store = await freshStore();
  host.setFault({ kind: 'html-page', path: '*/revision/main' });
  const outcome = await download(store, await entryOf(host, 'Tiny-Llama-GGUF-unpinned'), host);
  expect(outcome.ok).toBe(false);
  const error = outcome.ok ? undefined : outcome.errors[0];
  expect(error?.name).toBe('HostError');
  expect(error?.message).toContain('127.0.0.1');
  expect(error?.message).toMatch(/web page/i);
});

test('a captive portal page instead of a file is a HostError before its body is read', async () => {
  host = await startHfHost();
  const store = await freshStore();
  const gguf = 'tiny-llama-f32.gguf';
  host.setFault({ kind: 'html-page', path: gguf, hop: 'cdn' });
  const outcome = await download(store, await entryOf(host, 'Tiny-Llama-GGUF'), host);
  expect(outcome.ok).toBe(false);
  const errors = outcome.ok ? [] : outcome.errors;
  expect(errors.map((e) => e.name)).toEqual(['HostError']);
  expect(errors[0].message).toMatch(/web page/i);
  expect(errors[0]).toMatchObject({ path: gguf });
  // Asked once: a web page is not a transient failure to retry.
  expect(bytesRequests(host, gguf)).toHaveLength(1);
});

test('a gated repository is a GatedError that says why', async () => {
  host = await startHfHost({
    extraRepos: [{ repo: 'hearth-test/Gated-Llama-GGUF', gated: true, files: new Map([['gated-llama-f32.gguf', () => makeProgrammedLlamaGguf()]]) }],
  });
  const store = await freshStore();
  const outcome = await download(store, await entryOf(host, 'Gated-Llama-GGUF-unpinned'), host);
  expect(outcome.ok).toBe(false);
  const error = outcome.ok ? undefined : outcome.errors[0];
  expect(error?.name).toBe('GatedError');
  expect(error?.message).toMatch(/signing in on Hugging Face/);
  expect(error?.message).toMatch(/public models/);
});

test('a file the host does not have is a NotFoundError', async () => {
  host = await startHfHost();
  const store = await freshStore();
  const entry = await entryOf(host, 'Tiny-Llama-GGUF-unpinned');
  const outcome = await download(store, { ...entry, files: [...entry.files, { path: 'missing.gguf', role: 'weights' }] }, host);
  expect(outcome.ok).toBe(false);
  expect(outcome.ok ? [] : outcome.errors.map((e) => e.name)).toEqual(['NotFoundError']);
});

test('a transient 5xx on the host catalog is not remembered as "no catalog"', async () => {
  host = await startHfHost();
  const store = await freshStore();
  host.setFault({ kind: 'status', status: 503, path: 'hearth-catalog.json', times: 1 });
  const first = await store.catalog(host.url);
  expect(first.hosted.some((e) => e.test)).toBe(false);
  expect(first.problem?.kind).toBe('host-error');
  const second = await store.catalog(host.url);
  expect(second.problem).toBeNull();
  expect(second.hosted.some((e) => e.id === 'Tiny-Llama-GGUF')).toBe(true);
});

test('an unpinned GGUF entry downloads across the redirect and verifies against the tree listing', async () => {
  host = await startHfHost();
  const store = await freshStore();
  const entry = await entryOf(host, 'Tiny-Llama-GGUF-unpinned');
  expect(await download(store, entry, host)).toEqual({ ok: true });
  const pinned = await entryOf(host, 'Tiny-Llama-GGUF');
  const gguf = pinned.files.find((f) => f.role === 'weights')!;
  expect(await storedSha256(store, entry.id, gguf.path)).toBe(gguf.sha256);
  expect(bytesRequests(host, gguf.path).map((r) => r.hop)).toEqual(['cdn']);
});
