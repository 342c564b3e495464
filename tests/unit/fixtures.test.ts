import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GGUF_MAGIC,
  PROGRAMMED_REPLY,
  bpeDecode,
  expectedProgrammedReply,
  makeLlama3Vocab,
  makeProgrammedLlamaGguf,
  makeTinyLlamaGguf,
  parseGguf,
  programmedSuccessor,
} from '../fixtures/gguf';
import { MODEL_LIB_FILE, makeFakeModelLib, makeMlcRepo, type TensorCache } from '../fixtures/mlc';
import { defaultTestRepos, startModelHost, tinyRandomContext, type ModelHost } from '../fixtures/modelHost';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

describe('GGUF fixtures', () => {
  it('writes a GGUF v3 header that parses back', () => {
    const bytes = makeTinyLlamaGguf({ seed: 3 });
    expect(bytes.length).toBeLessThan(1_000_000);
    const g = parseGguf(bytes);
    expect(g.magic).toBe(GGUF_MAGIC);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('GGUF');
    expect(g.version).toBe(3);
    expect(g.kvCount).toBe(g.metadata.size);
    expect(g.alignment).toBe(32);
    expect(g.dataOffset % 32).toBe(0);
    expect(g.metadata.get('general.architecture')).toBe('llama');
    expect(g.metadata.get('tokenizer.ggml.model')).toBe('gpt2');
    expect(g.metadata.get('tokenizer.ggml.pre')).toBe('llama-bpe');
    const tokens = g.metadata.get('tokenizer.ggml.tokens') as string[];
    const types = g.metadata.get('tokenizer.ggml.token_type') as number[];
    expect(tokens).toHaveLength(512);
    expect(types[tokens.indexOf('<|eot_id|>')]).toBe(3);
    expect(g.metadata.get('tokenizer.ggml.eos_token_id')).toBe(tokens.indexOf('<|eot_id|>'));
    expect(g.metadata.get('tokenizer.ggml.bos_token_id')).toBe(tokens.indexOf('<|begin_of_text|>'));
    expect(String(g.metadata.get('tokenizer.chat_template'))).toContain('<|start_header_id|>assistant<|end_header_id|>');
    expect(g.tensorCount).toBe(3 + 2 * 9);
    const embd = g.tensors.find((t) => t.name === 'token_embd.weight')!;
    expect(embd.dims).toEqual([64, 512]);
    for (const t of g.tensors) {
      expect(t.type).toBe(0);
      expect(t.offset % 32).toBe(0);
      expect(g.dataOffset + t.offset + t.dims.reduce((a, b) => a * b, 1) * 4).toBeLessThanOrEqual(bytes.length);
    }
  });

  it('is deterministic per seed', () => {
    expect(sha256(makeTinyLlamaGguf({ seed: 5 }))).toBe(sha256(makeTinyLlamaGguf({ seed: 5 })));
    expect(sha256(makeTinyLlamaGguf({ seed: 5 }))).not.toBe(sha256(makeTinyLlamaGguf({ seed: 6 })));
  });

  it('programs a predictable reply', () => {
    const v = makeLlama3Vocab(512);
    let t = v.id.get('ĊĊ')!;
    let text = '';
    for (let i = 0; i < 30 && t !== v.eot; i++) {
      t = programmedSuccessor(v, t);
      if (t !== v.eot) text += bpeDecode(v.tokens[t]);
    }
    expect(text).toBe(PROGRAMMED_REPLY);
    expect(expectedProgrammedReply('\n\n')).toBe('Hello from Hearth! This tiny programmed model always says the same thing.');
    expect(expectedProgrammedReply(' model')).toBe(' always says the same thing.');
    expect(parseGguf(makeProgrammedLlamaGguf()).version).toBe(3);
  });
});

describe('MLC fixtures', () => {
  it('tensor-cache.json matches the shards', () => {
    const repo = makeMlcRepo({ scale: 'tiny', seed: 1 });
    const tc = JSON.parse(new TextDecoder().decode(repo.get('tensor-cache.json'))) as TensorCache;
    expect(tc.records.length).toBeGreaterThanOrEqual(3);
    let total = 0;
    for (const shard of tc.records) {
      const b = repo.get(shard.dataPath)!;
      expect(b.length).toBe(shard.nbytes);
      expect(md5(b)).toBe(shard.md5sum);
      total += b.length;
      let end = 0;
      for (const r of shard.records) {
        expect(r.byteOffset).toBe(end);
        end += r.nbytes;
      }
      expect(end).toBe(shard.nbytes);
    }
    expect(total).toBeGreaterThan(2e6);
    expect(total).toBeLessThan(4e6);
    const cfg = JSON.parse(new TextDecoder().decode(repo.get('mlc-chat-config.json'))) as { conv_template: { name: string; stop_token_ids: number[] } };
    expect(cfg.conv_template.name).toBe('llama-3_1');
    expect(cfg.conv_template.stop_token_ids).toEqual([128001, 128008, 128009]);
    const tok = JSON.parse(new TextDecoder().decode(repo.get('tokenizer.json'))) as { model: { type: string } };
    expect(tok.model.type).toBe('BPE');
    expect(sha256(makeMlcRepo({ scale: 'tiny', seed: 1 }).get('params_shard_1.bin')!)).toBe(sha256(repo.get('params_shard_1.bin')!));
  });

  it('fake model lib is not valid wasm', () => {
    const lib = makeFakeModelLib();
    expect([...lib.subarray(0, 4)]).toEqual([0, 0x61, 0x73, 0x6d]);
    expect(WebAssembly.validate(new Uint8Array(lib))).toBe(false);
  });
});

/** Raw HTTP GET that tolerates aborted bodies. */
function rawGet(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      let aborted = false;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('aborted', () => (aborted = true));
      res.on('error', () => (aborted = true));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), aborted: aborted || !res.complete }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('model host', () => {
  let host: ModelHost;
  let commit: string;
  let gguf: Uint8Array;
  const ggufPath = 'hearth-test/Tiny-Llama-GGUF/resolve/main/tiny-llama-f32.gguf';

  beforeAll(async () => {
    host = await startModelHost({ port: 0, repos: defaultTestRepos() });
    commit = host.commits.get('hearth-test/Tiny-Llama-GGUF')!;
    gguf = makeTinyLlamaGguf({ seed: 1, nCtx: tinyRandomContext });
  });
  afterAll(async () => {
    await host.close();
  });
  beforeEach(() => {
    host.clearFaults();
    host.clearRequests();
    host.setOffline(false);
  });

  it('serves files by commit and main, with CORS, ETag and ranges', async () => {
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    const full = await fetch(`${host.url}/hearth-test/Tiny-Llama-GGUF/resolve/${commit}/tiny-llama-f32.gguf`);
    expect(full.status).toBe(200);
    expect(full.headers.get('access-control-allow-origin')).toBe('*');
    expect(full.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(full.headers.get('etag')).toBe(`"${sha256(gguf)}"`);
    expect(full.headers.get('x-repo-commit')).toBe(commit);
    expect(Number(full.headers.get('content-length'))).toBe(gguf.length);
    expect(sha256(new Uint8Array(await full.arrayBuffer()))).toBe(sha256(gguf));

    const part = await fetch(`${host.url}/${ggufPath}`, { headers: { Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${gguf.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(gguf.subarray(100, 200)))).toBe(true);

    const tail = await fetch(`${host.url}/${ggufPath}`, { headers: { Range: `bytes=${gguf.length - 10}-` } });
    expect(tail.status).toBe(206);
    expect((await tail.arrayBuffer()).byteLength).toBe(10);

    const head = await fetch(`${host.url}/${ggufPath}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('accept-ranges')).toBe('bytes');

    const pre = await fetch(`${host.url}/${ggufPath}`, { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toContain('Range');

    expect((await fetch(`${host.url}/hearth-test/Tiny-Llama-GGUF/resolve/main/nope.bin`)).status).toBe(404);
    expect((await fetch(`${host.url}/hearth-test/Tiny-Llama-GGUF/resolve/${'0'.repeat(40)}/LICENSE`)).status).toBe(404);
  });

  it('raw returns LFS pointers for LFS files and content otherwise', async () => {
    const ptr = await (await fetch(`${host.url}/hearth-test/Tiny-Llama-GGUF/raw/${commit}/tiny-llama-f32.gguf`)).text();
    expect(ptr).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(gguf)}\nsize ${gguf.length}\n`);
    const lic = await (await fetch(`${host.url}/hearth-test/Tiny-Llama-GGUF/raw/main/LICENSE`)).text();
    expect(lic).toContain('LLAMA 3.2 COMMUNITY LICENSE');
  });

  it('API: revision and tree', async () => {
    const rev = (await (await fetch(`${host.url}/api/models/hearth-test/Tiny-Llama-MLC/revision/main`)).json()) as { id: string; sha: string; siblings: { rfilename: string }[] };
    expect(rev.id).toBe('hearth-test/Tiny-Llama-MLC');
    expect(rev.sha).toBe(host.commits.get('hearth-test/Tiny-Llama-MLC'));
    expect(rev.siblings.map((s) => s.rfilename)).toContain('tensor-cache.json');

    const tree = (await (await fetch(`${host.url}/api/models/hearth-test/Tiny-Llama-MLC/tree/main?recursive=true`)).json()) as {
      type: string; oid: string; size: number; path: string; lfs?: { oid: string; size: number; pointerSize: number };
    }[];
    const repo = makeMlcRepo({ scale: 'tiny', seed: 1 });
    const shard = tree.find((e) => e.path === 'params_shard_0.bin')!;
    expect(shard.type).toBe('file');
    expect(shard.lfs!.oid).toBe(sha256(repo.get('params_shard_0.bin')!));
    expect(shard.lfs!.size).toBe(repo.get('params_shard_0.bin')!.length);
    const cfg = tree.find((e) => e.path === 'mlc-chat-config.json')!;
    expect(cfg.lfs).toBeUndefined();
    const b = repo.get('mlc-chat-config.json')!;
    expect(cfg.oid).toBe(createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex'));
  });

  it('catalog describes the served models', async () => {
    const cat = (await (await fetch(`${host.url}/hearth-catalog.json`)).json()) as import('../../workers/shared/catalog').CatalogEntry[];
    const mlc = cat.find((e) => e.source.repo === 'hearth-test/Tiny-Llama-MLC')!;
    expect(mlc.engine).toBe('webllm');
    expect(mlc.test).toBe(true);
    expect(mlc.source.revision).toBe(host.commits.get('hearth-test/Tiny-Llama-MLC'));
    expect(mlc.modelLib!.url).toBe(`/hearth-test/model-libs/resolve/${host.commits.get('hearth-test/model-libs')}/${MODEL_LIB_FILE}`);
    expect(mlc.modelLib!.sha256).toBe(sha256(makeFakeModelLib(1)));
    expect(mlc.files.map((f) => f.role)).toEqual(expect.arrayContaining(['weights', 'tensor-cache', 'chat-config', 'tokenizer', 'model-card', 'licence', 'use-policy']));
    const lib = await fetch(host.url + mlc.modelLib!.url);
    expect(sha256(new Uint8Array(await lib.arrayBuffer()))).toBe(mlc.modelLib!.sha256);
    const g = cat.find((e) => e.source.repo === 'hearth-test/Programmed-Llama-GGUF')!;
    expect(g.engine).toBe('wllama');
    const w = g.files.find((f) => f.role === 'weights')!;
    expect(w.sha256).toBe(sha256(makeProgrammedLlamaGguf()));
  });

  it('fault: corrupt-byte flips exactly one byte, once', async () => {
    host.setFault({ kind: 'corrupt-byte', path: 'tiny-llama-f32.gguf', offset: 1000, times: 1 });
    const bad = Buffer.from(await (await fetch(`${host.url}/${ggufPath}`)).arrayBuffer());
    const diff = [...bad].flatMap((b, i) => (b !== gguf[i] ? [i] : []));
    expect(diff).toEqual([1000]);
    const good = Buffer.from(await (await fetch(`${host.url}/${ggufPath}`)).arrayBuffer());
    expect(good.equals(Buffer.from(gguf))).toBe(true);
  });

  it('fault: drop-after closes the connection early', async () => {
    host.setFault({ kind: 'drop-after', path: '*/tiny-llama-f32.gguf', bytes: 4096 });
    const r = await rawGet(`${host.url}/${ggufPath}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String(gguf.length));
    expect(r.body.length).toBe(4096);
    expect(r.aborted).toBe(true);
    await expect(fetch(`${host.url}/${ggufPath}`).then((x) => x.arrayBuffer())).rejects.toThrow();
  });

  it('fault: status 404 with an HTML body, and fail-times then succeed', async () => {
    host.setFault({ kind: 'status', path: 'README.md', status: 404 });
    const r = await fetch(`${host.url}/hearth-test/Tiny-Llama-GGUF/resolve/main/README.md`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(await r.text()).toContain('<title>404');
    host.clearFaults();

    host.setFault({ kind: 'fail-times', path: 'LICENSE', times: 2, status: 503 });
    const url = `${host.url}/hearth-test/Tiny-Llama-GGUF/resolve/main/LICENSE`;
    expect((await fetch(url)).status).toBe(503);
    expect((await fetch(url)).status).toBe(503);
    expect((await fetch(url)).status).toBe(200);
    expect(host.requests.map((e) => e.status)).toEqual([404, 503, 503, 200]);
  });

  it('fault: slow throttles', async () => {
    host.setFault({ kind: 'slow', path: 'USE_POLICY.md', bytesPerSecond: 1000 });
    const t0 = Date.now();
    const text = await (await fetch(`${host.url}/hearth-test/Tiny-Llama-GGUF/resolve/main/USE_POLICY.md`)).text();
    const ms = Date.now() - t0;
    expect(text).toContain('Acceptable Use Policy');
    expect(ms).toBeGreaterThan((text.length / 1000) * 1000 * 0.6);
  });

  it('control endpoints over HTTP: fault, requests, offline, reset', async () => {
    const post = (p: string, body: unknown) => fetch(host.url + p, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
    expect((await post('/__control/fault', { kind: 'status', path: 'LICENSE', status: 500, times: 1 })).status).toBe(200);
    expect((await fetch(`${host.url}/hearth-test/Tiny-Llama-GGUF/resolve/main/LICENSE`, { headers: { Range: 'bytes=0-9' } })).status).toBe(500);
    expect((await fetch(`${host.url}/hearth-test/Tiny-Llama-GGUF/resolve/main/LICENSE`, { headers: { Range: 'bytes=0-9' } })).status).toBe(206);
    const log = (await (await fetch(`${host.url}/__control/requests`)).json()) as { method: string; path: string; range?: string; status: number; at: number }[];
    expect(log.map((e) => [e.method, e.path, e.range, e.status])).toEqual([
      ['GET', '/hearth-test/Tiny-Llama-GGUF/resolve/main/LICENSE', 'bytes=0-9', 500],
      ['GET', '/hearth-test/Tiny-Llama-GGUF/resolve/main/LICENSE', 'bytes=0-9', 206],
    ]);
    await post('/__control/offline', { offline: true });
    await expect(fetch(`${host.url}/hearth-catalog.json`)).rejects.toThrow();
    await post('/__control/offline', { offline: false });
    expect((await fetch(`${host.url}/hearth-catalog.json`)).status).toBe(200);
    await post('/__control/fault', { kind: 'offline', path: '*.gguf' });
    await expect(fetch(`${host.url}/${ggufPath}`)).rejects.toThrow();
    expect((await post('/__control/reset', {})).status).toBe(200);
    expect((await fetch(`${host.url}/${ggufPath}`, { method: 'HEAD' })).status).toBe(200);
    expect(host.requests).toHaveLength(1);
  });
});
