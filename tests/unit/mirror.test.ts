/**
 * `npm run mirror` against the Hugging Face–like test host (CDN redirects, paginated trees): the
 * directory it writes is laid out like the host, every file is the verified one, the Hub API
 * answers the app's client asks for are static files, and `hearth-catalog.json` lists pinned
 * entries with a mirror origin. A file the host corrupts is refused and never written.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../workers/shared/catalog';
import { isFullyPinned } from '../../workers/store/manifest';
import { listFiles, revisionInfo } from '../../workers/store/hubClient';
import { makeMirror } from '../../scripts/lib/mirrorRun';
import { derivativeFiles, derivativeRepo, byoRepos } from '../fixtures/byoRepos';
import { defaultTestRepos, startModelHost, type ModelHost } from '../fixtures/modelHost';
import { MODEL_LIB_FILE } from '../fixtures/mlc';

let host: ModelHost;
let out: string;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The mirror directory as a host: files read from disk by URL path, query ignored (as a static server does). */
function staticFetch(root: string): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = new URL(String(input));
    const path = join(root, decodeURIComponent(url.pathname));
    if (!existsSync(path)) return new Response('not found', { status: 404 });
    return new Response(await readFile(path), { headers: { 'content-type': 'application/octet-stream' } });
  }) as typeof fetch;
}

beforeAll(async () => {
  host = await startModelHost({ port: 0, repos: [...defaultTestRepos(), ...byoRepos()], huggingFace: { cdn: true, treePageSize: 3, unpinned: true } });
  out = await mkdtemp(join(tmpdir(), 'hearth-mirror-'));
});

afterAll(async () => {
  await host?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

describe('npm run mirror', () => {
  let entries: CatalogEntry[];

  it('writes every file of a catalog entry, an unpinned MLC build with its library, and a repository, verified and pinned', async () => {
    const summary = await makeMirror({ ids: ['Programmed-Llama-GGUF', 'Tiny-Llama-MLC-unpinned', derivativeRepo], out, host: host.url });
    entries = JSON.parse(await readFile(join(out, 'hearth-catalog.json'), 'utf8')) as CatalogEntry[];
    expect(entries.map((e) => e.id).sort()).toEqual(['Programmed-Llama-GGUF', 'Tiny-Llama-MLC-unpinned', `${derivativeRepo}/${derivativeFiles.f16.replace('.gguf', '')}`, `${derivativeRepo}/${derivativeFiles.f32.replace('.gguf', '')}`].sort());
    expect(summary.downloaded).toBeGreaterThan(10);
    for (const e of entries) {
      expect(isFullyPinned(e), e.id).toBe(true);
      expect(e.origin).toMatchObject({ kind: 'mirror', upstream: host.url });
      for (const f of e.files) {
        const bytes = await readFile(join(out, e.source.repo, 'resolve', e.source.revision as string, f.path));
        expect(sha256(bytes), `${e.id} ${f.path}`).toBe(f.sha256);
        expect(bytes.byteLength).toBe(f.size);
      }
    }
    const mlc = entries.find((e) => e.id === 'Tiny-Llama-MLC-unpinned')!;
    expect(mlc.source.revision).toBe(host.commits.get('hearth-test/Tiny-Llama-MLC'));
    // The library is on the mirror, at a path relative to the mirror's address, pinned.
    expect(mlc.modelLib!.url).toMatch(new RegExp(`^[^/].*/resolve/[0-9a-f]{40}/${MODEL_LIB_FILE}$`));
    expect(sha256(await readFile(join(out, decodeURIComponent(mlc.modelLib!.url))))).toBe(mlc.modelLib!.sha256);
    // A repository's entries carry what their GGUF header says, as saving them in the app would.
    const derivative = entries.find((e) => e.id.endsWith('F16'))!;
    expect(derivative.parameters).toBeGreaterThan(0);
    expect(derivative.origin).toMatchObject({ upstreamOrigin: 'repository' });
    expect(derivative.lineage?.baseModels).toContain('meta-llama/Llama-3.2-1B-Instruct');
  });

  it('answers the hub client from static files: the revision and the whole tree', async () => {
    // Served under a path, as a static server would: http://mirror.invalid/<directory name>/
    const hostUrl = `http://mirror.invalid/${basename(out)}/`;
    const ctx = { hostUrl, modelId: 'x', fetch: staticFetch(dirname(out)) };
    const info = await revisionInfo(ctx, derivativeRepo, 'main');
    expect(info.sha).toBe(host.commits.get(derivativeRepo));
    const tree = await listFiles(ctx, derivativeRepo, info.sha);
    expect(tree.map((t) => t.path).sort()).toEqual(expect.arrayContaining([derivativeFiles.f16, derivativeFiles.f32, 'README.md']));
    for (const t of tree.filter((r) => r.lfs)) expect(sha256(await readFile(join(out, derivativeRepo, 'resolve', info.sha, t.path)))).toBe(t.lfs!.oid);
  });

  it('keeps verified files on a second run and downloads nothing', async () => {
    host.clearRequests();
    const summary = await makeMirror({ ids: ['Programmed-Llama-GGUF'], out, host: host.url });
    expect(summary.downloaded).toBe(0);
    expect(summary.kept).toBeGreaterThan(0);
    expect(host.requests.filter((r) => r.file && r.path.includes('/resolve/'))).toEqual([]);
    // The other entries stay listed.
    expect((JSON.parse(await readFile(join(out, 'hearth-catalog.json'), 'utf8')) as CatalogEntry[]).length).toBe(entries.length);
  });

  it('refuses a file the host corrupts: nothing of it is written, and it says which', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'hearth-mirror-bad-'));
    try {
      host.setFault({ kind: 'corrupt-byte', path: 'programmed-llama-f32.gguf' });
      await expect(makeMirror({ ids: ['Programmed-Llama-GGUF'], out: bad, host: host.url })).rejects.toThrow(/programmed-llama-f32\.gguf: the bytes the host sent have SHA-256 [0-9a-f]{64}, but [0-9a-f]{64} was expected/);
      const written = await readdir(bad, { recursive: true });
      expect(written.filter((p) => p.endsWith('.gguf') || p.endsWith('.partial'))).toEqual([]);
      expect(written).not.toContain('hearth-catalog.json');
    } finally {
      host.clearFaults();
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('refuses an id that names nothing', async () => {
    await expect(makeMirror({ ids: ['no such model!'], out, host: host.url })).rejects.toThrow(/neither a catalog entry nor a repository id/);
  });
});
