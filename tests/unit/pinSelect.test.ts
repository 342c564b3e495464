/** Pure parts of pinning (file selection, roles, hashes) and pinRepo against an in-memory host. */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../workers/catalog/catalog';
import type { CatalogEntry } from '../../workers/shared/catalog';
import { gitBlobSha1, pinRepo, roleForPath, selectFiles } from '../../scripts/lib/pinRepo';
import type { TreeEntry as TreeFile } from '../../workers/store/hubClient';

const mlc = builtinCatalog.find((e) => e.engine === 'webllm')!;
const gguf = builtinCatalog.find((e) => e.engine === 'wllama')!;
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const file = (path: string, size = 1, lfs = false): TreeFile => ({
  type: 'file',
  path,
  size,
  oid: 'f'.repeat(40),
  ...(lfs ? { lfs: { oid: 'e'.repeat(64), size } } : {}),
});

describe('roleForPath', () => {
  it.each([
    ['mlc-chat-config.json', 'chat-config'],
    ['tokenizer.json', 'tokenizer'],
    ['tokenizer.model', 'tokenizer'],
    ['tensor-cache.json', 'tensor-cache'],
    ['params_shard_12.bin', 'weights'],
    ['Llama-3.2-1B-Instruct-Q4_K_M.gguf', 'weights'],
    ['README.md', 'model-card'],
    ['LICENSE', 'licence'],
    ['LICENSE.txt', 'licence'],
    ['USE_POLICY.md', 'use-policy'],
    ['tokenizer_config.json', null],
    ['.gitattributes', null],
  ])('%s -> %s', (path, role) => expect(roleForPath(path)).toBe(role));
});

describe('selectFiles', () => {
  const mlcTree = [
    file('.gitattributes'),
    file('README.md'),
    file('LICENSE.txt'),
    file('USE_POLICY.md'),
    file('mlc-chat-config.json'),
    file('tokenizer.json'),
    file('tokenizer.model'),
    file('tokenizer_config.json'),
    file('tensor-cache.json'),
    file('params_shard_10.bin', 5, true),
    file('params_shard_2.bin', 5, true),
    file('params_shard_0.bin', 5, true),
    file('sub/params_shard_99.bin', 5, true),
  ];

  it('takes what web-llm fetches plus the documents, shards in numeric order', () => {
    expect(selectFiles(mlc, mlcTree).map((s) => `${s.role}:${s.file.path}`)).toEqual([
      'chat-config:mlc-chat-config.json',
      'tokenizer:tokenizer.json',
      'tensor-cache:tensor-cache.json',
      'weights:params_shard_0.bin',
      'weights:params_shard_2.bin',
      'weights:params_shard_10.bin',
      'model-card:README.md',
      'licence:LICENSE.txt',
      'use-policy:USE_POLICY.md',
    ]);
  });

  it('falls back to tokenizer.model', () => {
    const tree = mlcTree.filter((f) => f.path !== 'tokenizer.json');
    expect(selectFiles(mlc, tree).find((s) => s.role === 'tokenizer')?.file.path).toBe('tokenizer.model');
  });

  it('names a missing required file', () => {
    expect(() =>
      selectFiles(
        mlc,
        mlcTree.filter((f) => f.path !== 'tensor-cache.json'),
      ),
    ).toThrow(/no tensor-cache.json/);
    expect(() =>
      selectFiles(
        mlc,
        mlcTree.filter((f) => !f.path.includes('shard')),
      ),
    ).toThrow(/no params_shard/);
  });

  it('takes only the GGUF file the entry names', () => {
    const weights = gguf.files.find((f) => f.role === 'weights')!.path;
    const tree = [
      file('README.md'),
      file(weights, 9, true),
      file('Llama-3.2-1B-Instruct-Q8_0.gguf', 9, true),
    ];
    expect(selectFiles(gguf, tree).map((s) => s.file.path)).toEqual([weights, 'README.md']);
    expect(() => selectFiles(gguf, tree.slice(2))).toThrow(new RegExp(`no ${weights.replace(/\./g, '\\.')}`));
  });
});

it('computes git blob ids like git', () => {
  // `printf 'hello\n' | git hash-object --stdin`
  expect(gitBlobSha1(new TextEncoder().encode('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
});

describe('pinRepo against an in-memory host', () => {
  const repo = 'stub/Model-MLC';
  const commit = '0123456789abcdef0123456789abcdef01234567';
  const small: Record<string, string> = {
    'mlc-chat-config.json': '{"conv_template":"llama-3_1"}',
    'tokenizer.json': '{"model":{}}',
    'tensor-cache.json': JSON.stringify({
      records: [{ dataPath: 'params_shard_0.bin' }, { dataPath: 'params_shard_1.bin' }],
    }),
    'README.md': '# Model\n',
  };
  const shardSha = 'a'.repeat(64);
  let dir: string;
  let served: Record<string, string>;
  let revisionSha: string;
  let tree: unknown[];

  const stubFetch = (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    const p = decodeURIComponent(url.pathname);
    if (p === `/api/models/${repo}/revision/main`) return Response.json({ sha: revisionSha });
    if (p === `/api/models/${repo}/tree/${commit}`) {
      // Two pages, as the Hub paginates large listings.
      if (url.searchParams.get('cursor')) return Response.json(tree.slice(2));
      return Response.json(tree.slice(0, 2), { headers: { link: `<${url.href}&cursor=2>; rel="next"` } });
    }
    if (p === '/libs/model-webgpu.wasm') return new Response('compiled code');
    const prefix = `/${repo}/resolve/${commit}/`;
    if (p.startsWith(prefix) && p.slice(prefix.length) in served)
      return new Response(served[p.slice(prefix.length)]);
    return new Response('Not found', { status: 404, statusText: 'Not Found' });
  }) as typeof fetch;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-pin-stub-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function setup(): Promise<string> {
    served = { ...small };
    revisionSha = commit;
    tree = [
      ...Object.entries(small).map(([path, text]) => ({
        type: 'file',
        path,
        size: Buffer.byteLength(text),
        oid: gitBlobSha1(new TextEncoder().encode(text)),
      })),
      { type: 'directory', path: 'docs', size: 0, oid: 'd'.repeat(40) },
      ...[0, 1].map((i) => ({
        type: 'file',
        path: `params_shard_${i}.bin`,
        size: 134,
        oid: 'b'.repeat(40),
        lfs: { oid: shardSha, size: 32_000_000 + i, pointerSize: 134 },
      })),
    ];
    const path = join(dir, `catalog-${Math.random()}.json`);
    const entry: CatalogEntry = { ...structuredClone(mlc), source: { repo, revision: null }, modelLib: { url: 'http://stub.invalid/libs/model-webgpu.wasm' } };
    await writeFile(path, JSON.stringify([entry]));
    return path;
  }

  it('takes LFS hashes from the listing and hashes small files itself', async () => {
    const path = await setup();
    await pinRepo({
      repo,
      revision: 'main',
      host: 'http://stub.invalid/',
      catalogPath: path,
      fetch: stubFetch,
    });
    const [pinned] = JSON.parse(await readFile(path, 'utf8')) as CatalogEntry[];
    expect(pinned.source.revision).toBe(commit);
    expect(pinned.files.find((f) => f.path === 'README.md')).toEqual({
      path: 'README.md',
      role: 'model-card',
      size: 8,
      sha256: sha256('# Model\n'),
    });
    expect(pinned.modelLib).toEqual({ url: 'http://stub.invalid/libs/model-webgpu.wasm', size: 13, sha256: sha256('compiled code') });
    expect(pinned.files.find((f) => f.path === 'params_shard_1.bin')).toEqual({
      path: 'params_shard_1.bin',
      role: 'weights',
      size: 32_000_001,
      sha256: shardSha,
    });
  });

  it('refuses a revision that does not resolve to a commit', async () => {
    const path = await setup();
    revisionSha = 'main';
    await expect(
      pinRepo({ repo, revision: 'main', host: 'http://stub.invalid', catalogPath: path, fetch: stubFetch }),
    ).rejects.toThrow(/HostError|without a commit/);
  });

  it('refuses bytes that do not match the listing', async () => {
    const path = await setup();
    served['README.md'] = '# Mod3l\n';
    await expect(
      pinRepo({ repo, revision: 'main', host: 'http://stub.invalid', catalogPath: path, fetch: stubFetch }),
    ).rejects.toThrow(/README.md: the bytes served do not match/);
  });

  it('refuses shards that tensor-cache.json does not name', async () => {
    const path = await setup();
    tree.push({
      type: 'file',
      path: 'params_shard_2.bin',
      size: 1,
      oid: 'c'.repeat(40),
      lfs: { oid: shardSha, size: 1 },
    });
    await expect(
      pinRepo({ repo, revision: 'main', host: 'http://stub.invalid', catalogPath: path, fetch: stubFetch }),
    ).rejects.toThrow(/not named by tensor-cache.json: params_shard_2.bin/);
  });
});
