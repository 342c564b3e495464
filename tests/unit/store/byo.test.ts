/**
 * Bringing your own model, through the store worker's real code in Node (fake-indexeddb, the
 * Hugging Face–like test host): adding a repository, importing files, the export manifest.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { byoRepos, derivativeBase, derivativeFiles, derivativeGguf, derivativeRepo } from '../../fixtures/byoRepos';
import { makeProgrammedLlamaGguf } from '../../fixtures/gguf';
import type { ModelHost } from '../../fixtures/modelHost';
import { download, freshStore, sha256, startHfHost, type StoreApi } from './storeHarness';
import type { ImportSource } from '../../../workers/shared/storeProtocol';

let host: ModelHost;
let store: StoreApi;

beforeEach(async () => {
  host = await startHfHost({ extraRepos: byoRepos() });
  store = await freshStore();
});
afterEach(async () => {
  await host.close();
});

const file = (path: string, bytes: Uint8Array | string): ImportSource => ({ path, file: new File([bytes as BlobPart], path.split('/').pop() as string) });

describe('adding a repository', () => {
  it('lists both quantizations pinned at the commit, with the card facts; saving reads the GGUF header', async () => {
    const result = await store.inspectRepo(`${host.url}/${derivativeRepo}`, host.url);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const inspection = result.value;
    expect(inspection.commit).toBe(host.commits.get(derivativeRepo));
    expect(inspection.lineage).toMatchObject({ baseModels: [derivativeBase], declaredLicence: 'llama3.2', tags: ['llama', 'fine-tune', 'hearth-test'] });
    expect(inspection.choices.map((c) => c.quantization).sort()).toEqual(['F16', 'F32']);
    const f16 = inspection.choices.find((c) => c.quantization === 'F16')!;
    expect(f16.entry.source.revision).toBe(inspection.commit);
    expect(f16.entry.files.find((f) => f.path === derivativeFiles.f16)?.sha256).toBe(sha256(derivativeGguf(true)));
    expect(f16.entry.licence.name).toBe('Llama 3.2 Community License Agreement');
    const saved = await store.saveAddedEntry(f16.entry);
    expect(saved.ok).toBe(true);
    if (!saved.ok) return;
    expect(saved.value.parameters).toBeGreaterThan(0);
    expect(saved.value.trainedContextWindow).toBe(256);
    expect((await store.catalog(host.url)).added.map((e) => e.id)).toEqual([f16.entry.id]);
    expect(await download(store, saved.value, host)).toEqual({ ok: true });
    await store.removeAddedEntry(f16.entry.id);
    expect((await store.catalog(host.url)).added).toEqual([]);
    expect(await store.models()).toEqual([]);
  });

  it('groups a split GGUF as one model with its parts in order', async () => {
    const result = await store.inspectRepo('hearth-test/Split-Llama-GGUF', host.url);
    if (!result.ok) throw new Error(result.error.message);
    const split = result.value.choices.find((c) => c.quantization === 'Q8_0')!;
    expect(split.weightFiles).toEqual(['Split-Llama-Q8_0-00001-of-00003.gguf', 'Split-Llama-Q8_0-00002-of-00003.gguf', 'Split-Llama-Q8_0-00003-of-00003.gguf']);
    expect(result.value.choices).toHaveLength(2);
  });

  it.each([
    ['not an id', 'just words here', 'InputError', 'not-a-repo-id'],
    ['another host', 'https://example.org/a/b', 'InputError', 'other-host'],
    ['a repository that does not exist', 'hearth-test/Nope', 'NotFoundError', undefined],
    ['a gated repository', 'hearth-test/Gated-Derivative-GGUF', 'GatedError', undefined],
    ['a repository with no GGUF', 'hearth-test/Readme-Only', 'InputError', 'no-gguf'],
    ['an MLC build no library was compiled for', 'hearth-test/Qwen-Shaped-MLC', 'InputError', 'mlc-needs-library'],
  ])('refuses %s with a typed error and saves nothing', async (_what, input, name, problem) => {
    const result = await store.inspectRepo(input, host.url);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.name).toBe(name);
    if (problem) expect(result.error).toMatchObject({ problem });
    expect((await store.catalog(host.url)).added).toEqual([]);
  });

  it('accepts an MLC build whose architecture a known library was compiled for', async () => {
    const result = await store.inspectRepo('hearth-test/Tiny-Derivative-MLC', host.url);
    if (!result.ok) throw new Error(result.error.message);
    const [choice] = result.value.choices;
    expect(choice.entry.engine).toBe('webllm');
    expect(choice.entry.modelLib?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(choice.entry.files.filter((f) => f.role === 'weights').every((f) => f.sha256)).toBe(true);
  });
});

describe('importing files', () => {
  it('a GGUF equal to a catalog file becomes that model, verified, with no request', async () => {
    host.clearRequests();
    const outcome = await store.importFiles([file('programmed-llama-f32.gguf', makeProgrammedLlamaGguf())], host.url);
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.value).toMatchObject({ matched: 'known-hash', matchedList: 'host', entry: { id: 'Programmed-Llama-GGUF' }, missing: [] });
    expect(host.requests.filter((r) => !r.path.endsWith('hearth-catalog.json'))).toEqual([]);
    expect((await store.check('Programmed-Llama-GGUF', 'hash')).ok).toBe(true);
  });

  it('a GGUF that matches nothing is imported with its own metadata; export then import elsewhere keeps it', async () => {
    const bytes = derivativeGguf(true);
    const outcome = await store.importFiles([file('my-fine-tune.gguf', bytes)], host.url);
    if (!outcome.ok) throw new Error(outcome.error.message);
    const { entry, ggufFacts } = outcome.value;
    expect(outcome.value.matched).toBe('none');
    expect(entry.origin).toMatchObject({ kind: 'file', fileNames: ['my-fine-tune.gguf'] });
    // KV cache per token: 2 layers x 2 KV heads x (16 + 16), which sizes llama.cpp's cache at load.
    expect(ggufFacts).toMatchObject({ architecture: 'llama', quantization: 'F16', contextLength: 256, licence: 'llama3.2', baseModels: [derivativeBase], kvValuesPerToken: 128 });
    expect(entry.kvValuesPerToken).toBe(128);
    expect(entry.kvHeadSizes).toEqual({ key: 16, value: 16 });
    expect(entry.licence.name).toBe('Llama 3.2 Community License Agreement');
    const manifest = await store.exportManifest(entry.id, 'hearth test');
    expect(manifest?.files).toEqual([expect.objectContaining({ path: 'my-fine-tune.gguf', sha256: sha256(bytes), size: bytes.length })]);

    const other = await freshStore();
    const moved = await other.importFiles([file('my-fine-tune.gguf', bytes), file('hearth-export.json', JSON.stringify(manifest))], host.url);
    if (!moved.ok) throw new Error(moved.error.message);
    expect(moved.value).toMatchObject({ matched: 'export-manifest', entry: { id: entry.id } });
    // An export from before entries carried the KV cache's sizes gets them from the GGUF itself.
    const older = structuredClone(manifest!);
    delete older.entry.kvValuesPerToken;
    delete older.entry.kvHeadSizes;
    const fromOlder = await (await freshStore()).importFiles([file('my-fine-tune.gguf', bytes), file('hearth-export.json', JSON.stringify(older))], host.url);
    if (!fromOlder.ok) throw new Error(fromOlder.error.message);
    expect(fromOlder.value.entry).toMatchObject({ id: entry.id, kvValuesPerToken: 128, kvHeadSizes: { key: 16, value: 16 } });
    const tampered = structuredClone(manifest!);
    tampered.files[0].sha256 = 'f'.repeat(64);
    const third = await freshStore();
    const refused = await third.importFiles([file('my-fine-tune.gguf', bytes), file('hearth-export.json', JSON.stringify(tampered))], host.url);
    expect(refused).toMatchObject({ ok: false, error: { name: 'InputError', problem: 'export-mismatch' } });
    expect(await third.models()).toEqual([]);
  });

  it.each([
    ['a file that is not a GGUF', [file('notes.gguf', 'hello, not a model')], 'not-gguf'],
    ['one part of a split GGUF', [file('m-00001-of-00002.gguf', derivativeGguf(false))], 'incomplete-split'],
    ['an MLC folder with missing files', [file('mlc/mlc-chat-config.json', '{"model_type":"llama","quantization":"q4f32_1"}'), file('mlc/tensor-cache.json', '{"records":[{"dataPath":"params_shard_0.bin"}]}')], 'mlc-missing-files'],
    ['a broken export manifest', [file('x.gguf', derivativeGguf(false)), file('hearth-export.json', '{"format":"other"}')], 'bad-export-manifest'],
  ])('refuses %s and stores nothing', async (_what, sources, problem) => {
    const outcome = await store.importFiles(sources, host.url);
    expect(outcome).toMatchObject({ ok: false, error: { name: 'InputError', problem } });
    expect(await store.models()).toEqual([]);
  });
});
