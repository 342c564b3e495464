/**
 * Contract with @mlc-ai/web-llm 0.2.86 (pinned): after our store downloads and verifies an MLC
 * model, web-llm itself (the real module) finds every file in its IndexedDB cache and asks the
 * network for nothing. It fails if an upgrade changes the cache layout or URL scheme we write to.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLCEngine, hasModelInCache, deleteModelAllInfoInCache } from '@mlc-ai/web-llm';
import { defaultTestRepos, startModelHost, type ModelHost } from '../fixtures/modelHost';
import { resolveManifest } from '../../workers/store/manifest';
import type { ModelManifest } from '../../workers/shared/storeProtocol';
import { downloadModel } from '../../workers/store/modelDownload';
import { webllmAppConfig } from '../../workers/engine/webllmConfig';
import type { CatalogEntry } from '../../workers/shared/catalog';
import webllmPackage from '@mlc-ai/web-llm/package.json' with { type: 'json' };

let host: ModelHost;
let entry: CatalogEntry;
let manifest: ModelManifest;
const realFetch = globalThis.fetch;
const requested: string[] = [];

beforeAll(async () => {
  host = await startModelHost({ port: 0, repos: defaultTestRepos() });
  entry = (await host.catalog()).find((e) => e.engine === 'webllm') as CatalogEntry;
  const resolved = await resolveManifest(entry, host.url);
  // Node's fake IndexedDB cannot clone Blobs: the engine-bound files are what this contract is about.
  manifest = { ...resolved, files: resolved.files.filter((f) => f.target.kind === 'webllm') };
  const outcome = await downloadModel(manifest, { signal: new AbortController().signal, onProgress: () => {} });
  expect(outcome).toEqual({ ok: true });
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    requested.push(String(input instanceof Request ? input.url : input));
    return realFetch(input, init);
  }) as typeof fetch;
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await host.close();
});

describe('web-llm 0.2.86 cache contract', () => {
  it('is the pinned web-llm version', () => {
    expect(webllmPackage.version).toBe('0.2.86');
  });

  it('stores every MLC file under web-llm IndexedDB scopes keyed by absolute URL', () => {
    const scopes = manifest.files.map((f) => (f.target.kind === 'webllm' ? `${f.target.scope} ${f.role}` : ''));
    expect(scopes).toContain('webllm/config chat-config');
    expect(scopes).toContain('webllm/wasm model-lib');
    expect(scopes).toContain('webllm/model tensor-cache');
    expect(scopes).toContain('webllm/model tokenizer');
    expect(scopes.filter((s) => s === 'webllm/model weights').length).toBeGreaterThan(1);
    expect(manifest.baseUrl).toMatch(/\/resolve\/[0-9a-f]{40}\/$/);
  });

  it('hasModelInCache is true for our AppConfig, without a request', async () => {
    requested.length = 0;
    expect(await hasModelInCache(entry.id, webllmAppConfig(entry, manifest))).toBe(true);
    expect(requested).toEqual([]);
  });

  it('reload reads the chat config and model library from the cache, making no request', async () => {
    // web-llm resolves relative URLs against the page's location, which Node lacks.
    Object.defineProperty(globalThis, 'location', { value: new URL('http://127.0.0.1/'), configurable: true });
    const reads: string[] = [];
    const get = IDBObjectStore.prototype.get;
    IDBObjectStore.prototype.get = function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
      reads.push(`${this.transaction.db.name} ${String(key)}`);
      return get.call(this, key);
    };
    requested.length = 0;
    try {
      const engine = new MLCEngine();
      engine.setAppConfig(webllmAppConfig(entry, manifest));
      // The generated model library is not valid WebAssembly and Node is no browser, so reload
      // stops when it instantiates the library: what it read before that came from our store.
      const error = await engine.reload(entry.id).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
    } finally {
      IDBObjectStore.prototype.get = get;
    }
    const config = manifest.files.find((f) => f.role === 'chat-config');
    expect(reads).toContain(`webllm/config ${config?.url}`);
    expect(reads).toContain(`webllm/wasm ${manifest.modelLibUrl}`);
    expect(requested).toEqual([]);
  });

  it('web-llm checks the model library against the SRI we pass it: ours passes, a wrong one is refused', async () => {
    Object.defineProperty(globalThis, 'location', { value: new URL('http://127.0.0.1/'), configurable: true });
    const reloadError = async (manifestToUse: ModelManifest): Promise<string> => {
      const engine = new MLCEngine();
      engine.setAppConfig(webllmAppConfig(entry, manifestToUse));
      return engine.reload(entry.id).then(
        () => '',
        (e: unknown) => String(e),
      );
    };
    const config = webllmAppConfig(entry, manifest).model_list[0];
    expect(config.integrity?.model_lib).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/);
    // Our hashes are right: reload gets past the checks and stops at instantiating the fake library.
    expect(await reloadError(manifest)).not.toMatch(/Integrity verification failed/);
    const wrong: ModelManifest = {
      ...manifest,
      files: manifest.files.map((f) => (f.role === 'model-lib' ? { ...f, expected: { kind: 'sha256', sha256: '0'.repeat(64) } } : f)),
    };
    expect(await reloadError(wrong)).toMatch(/Integrity verification failed for .*tiny-llama-webgpu\.wasm/);
  });

  it('holds the tokenizer where web-llm loads it from (webllm/model, new URL("tokenizer.json", model base))', async () => {
    // web-llm 0.2.86 asyncLoadTokenizer: modelCache.fetchWithCache(new URL("tokenizer.json", baseUrl).href, "arraybuffer").
    const key = new URL('tokenizer.json', manifest.baseUrl).href;
    const record = await new Promise<{ url: string; data: unknown } | undefined>((resolve, reject) => {
      const open = indexedDB.open('webllm/model', 1);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction('urls').objectStore('urls').get(key);
        get.onsuccess = () => {
          resolve(get.result);
          open.result.close();
        };
      };
    });
    expect(record?.data).toBeInstanceOf(ArrayBuffer);
    expect(JSON.parse(new TextDecoder().decode(record?.data as ArrayBuffer))).toHaveProperty('model');
  });

  it('web-llm reads the tokenizer and every shard through the same keys (delete helper finds them all)', async () => {
    requested.length = 0;
    const config = webllmAppConfig(entry, manifest);
    await deleteModelAllInfoInCache(entry.id, config);
    expect(await hasModelInCache(entry.id, config)).toBe(false);
    expect(requested).toEqual([]);
  });
});

describe('web-llm multi-round reuse (what webllmReusedTokens mirrors)', () => {
  const lib = readFileSync('node_modules/@mlc-ai/web-llm/lib/index.js', 'utf8');
  it('keeps its KV cache only for the same conversation after a reply that ended on its own', () => {
    const condition = /if \(!reuseKVCache \|\|\s*previousFinishReason === "abort" \|\|\s*previousFinishReason === "length" \|\|\s*!compareConversationObject\(oldConv, newConv\)\) \{/;
    expect(condition.test(lib), 'the reset condition in preparePrefillInput').toBe(true);
    expect(lib.includes('log.info("Multiround chatting, reuse KVCache.");'), 'the reuse branch').toBe(true);
  });
  it('reports as prompt tokens only what it prefilled this round', () => {
    expect(lib.includes('const promptTokens = pipeline.getCurRoundPrefillTotalTokens();'), 'usage.prompt_tokens is this round').toBe(true);
  });
});
