/**
 * `npm run pin` against the local test model host: the catalog must receive the commit and, for
 * every file, the size and SHA-256 of the bytes the host actually serves.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../workers/catalog/catalog';
import type { CatalogEntry } from '../../workers/shared/catalog';
import { pinRepo } from '../../scripts/lib/pinRepo';
import { defaultTestRepos, startModelHost, type ModelHost } from '../fixtures/modelHost';

const mlcRepo = 'hearth-test/Tiny-Llama-MLC';

interface HostTreeFile {
  type: string;
  path: string;
  size: number;
}

const testRepos = defaultTestRepos();
let host: ModelHost;
let dir: string;

beforeAll(async () => {
  host = await startModelHost({ port: 0, repos: testRepos });
  dir = await mkdtemp(join(tmpdir(), 'hearth-pin-'));
});

afterAll(async () => {
  await host?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A catalog file holding copies of built-in entries re-pointed at test repositories. */
async function writeTestCatalog(name: string, entries: CatalogEntry[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(entries, null, 2));
  return path;
}

function mlcEntryFor(repo: string): CatalogEntry {
  const template = builtinCatalog.find((e) => e.engine === 'webllm')!;
  // The library the test host serves, on its main branch (pinning puts the commit in its place).
  const modelLib = { url: '/hearth-test/model-libs/resolve/main/tiny-llama-webgpu.wasm' };
  return { ...structuredClone(template), id: `test-${repo}`, source: { repo, revision: null }, modelLib, test: true };
}

async function readEntries(path: string): Promise<CatalogEntry[]> {
  return JSON.parse(await readFile(path, 'utf8')) as CatalogEntry[];
}

async function served(repo: string, rev: string, path: string): Promise<Buffer> {
  const response = await fetch(`${host.url}/${repo}/resolve/${rev}/${path}`);
  expect(response.status, path).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function commitOf(repo: string, rev: string): Promise<string> {
  const response = await fetch(`${host.url}/api/models/${repo}/revision/${rev}`);
  return ((await response.json()) as { sha: string }).sha;
}

async function treeOf(repo: string, rev: string): Promise<HostTreeFile[]> {
  const response = await fetch(`${host.url}/api/models/${repo}/tree/${rev}?recursive=true`);
  return ((await response.json()) as HostTreeFile[]).filter((f) => f.type === 'file');
}

describe('pinRepo against the test model host', () => {
  it('pins the commit and every file with its served size and SHA-256', async () => {
    const commit = await commitOf(mlcRepo, 'main');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    const untouched = builtinCatalog[builtinCatalog.length - 1];
    const path = await writeTestCatalog('commit.json', [mlcEntryFor(mlcRepo), untouched]);

    const result = await pinRepo({ repo: mlcRepo, revision: commit, host: host.url, catalogPath: path });

    expect(result.commit).toBe(commit);
    const [pinned, other] = await readEntries(path);
    expect(other).toEqual(untouched);
    expect(pinned.source).toEqual({ repo: mlcRepo, revision: commit });

    const roles = pinned.files.map((f) => f.role);
    for (const role of ['chat-config', 'tokenizer', 'tensor-cache', 'weights'] as const)
      expect(roles).toContain(role);

    // Every shard the host has is pinned, and nothing web-llm will not fetch is pinned as weights.
    const shards = (await treeOf(mlcRepo, commit)).filter((f) => /^params_shard_\d+\.bin$/.test(f.path));
    expect(
      pinned.files
        .filter((f) => f.role === 'weights')
        .map((f) => f.path)
        .sort(),
    ).toEqual(shards.map((f) => f.path).sort());

    for (const file of pinned.files) {
      const bytes = await served(mlcRepo, commit, file.path);
      expect(file.size, file.path).toBe(bytes.byteLength);
      expect(file.sha256, file.path).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    // The model library is pinned too: at a commit of its repository, with its size and hash.
    const libCommit = await commitOf('hearth-test/model-libs', 'main');
    expect(pinned.modelLib?.url).toBe(`/hearth-test/model-libs/resolve/${libCommit}/tiny-llama-webgpu.wasm`);
    const lib = await served('hearth-test/model-libs', libCommit, 'tiny-llama-webgpu.wasm');
    expect(pinned.modelLib?.size).toBe(lib.byteLength);
    expect(pinned.modelLib?.sha256).toBe(createHash('sha256').update(lib).digest('hex'));
  });

  it('writes the commit a branch points to, never the branch name', async () => {
    const path = await writeTestCatalog('branch.json', [mlcEntryFor(mlcRepo)]);
    const result = await pinRepo({ repo: mlcRepo, revision: 'main', host: host.url, catalogPath: path });
    const [pinned] = await readEntries(path);
    expect(pinned.source.revision).toBe(await commitOf(mlcRepo, 'main'));
    expect(pinned.source.revision).not.toBe('main');
    expect(result.revision).toBe('main');
    expect(await readFile(path, 'utf8')).not.toContain('"main"');
  });

  it('pins every GGUF test repository the host serves', async () => {
    const ggufRepos: { repo: string; gguf: string }[] = [];
    for (const { repo } of testRepos) {
      const gguf = (await treeOf(repo, 'main')).find((f) => f.path.endsWith('.gguf'));
      if (gguf) ggufRepos.push({ repo, gguf: gguf.path });
    }
    expect(ggufRepos.length).toBeGreaterThan(0);
    for (const [index, { repo, gguf }] of ggufRepos.entries()) {
      const template = builtinCatalog.find((e) => e.engine === 'wllama')!;
      const entry: CatalogEntry = {
        ...structuredClone(template),
        id: `test-${repo}`,
        source: { repo, revision: null },
        files: [{ path: gguf, role: 'weights' }],
      };
      const path = await writeTestCatalog(`gguf-${index}.json`, [entry]);
      await pinRepo({ repo, revision: 'main', host: host.url, catalogPath: path });
      const [pinned] = await readEntries(path);
      const weights = pinned.files.find((f) => f.role === 'weights')!;
      const bytes = await served(repo, pinned.source.revision!, gguf);
      expect(weights.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(weights.size).toBe(bytes.byteLength);
    }
  });

  it('fails clearly when the repository does not exist', async () => {
    const missing = 'hearth-test/No-Such-Model';
    const path = await writeTestCatalog('missing.json', [mlcEntryFor(missing)]);
    const before = await readFile(path, 'utf8');
    await expect(
      pinRepo({ repo: missing, revision: 'main', host: host.url, catalogPath: path }),
    ).rejects.toThrow(/no repository hearth-test\/No-Such-Model \(404/);
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('fails clearly when the revision does not exist', async () => {
    const path = await writeTestCatalog('norev.json', [mlcEntryFor(mlcRepo)]);
    await expect(
      pinRepo({ repo: mlcRepo, revision: 'no-such-branch', host: host.url, catalogPath: path }),
    ).rejects.toThrow(/no-such-branch.*404/s);
  });

  it('refuses a repository no catalog entry uses', async () => {
    const path = await writeTestCatalog('unused.json', [mlcEntryFor(mlcRepo)]);
    await expect(
      pinRepo({ repo: 'hearth-test/Elsewhere', revision: 'main', host: host.url, catalogPath: path }),
    ).rejects.toThrow(/No catalog entry has source.repo hearth-test\/Elsewhere/);
  });
});
