/**
 * Contract test for the built-in catalog: web-llm entries must agree with the web-llm version we
 * pin (an upgrade that changes a URL or context window fails here), and pinned data must be
 * complete enough for the store to verify every byte.
 */
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import { builtinCatalog, findEntry } from '../../workers/catalog/catalog';
import { checkCatalog } from '../../workers/catalog/checkCatalog';
import type { CatalogEntry } from '../../workers/shared/catalog';
import { buildBuiltinEntries, mergeWithExisting } from '../../scripts/lib/builtinEntries';

const webllmEntries = builtinCatalog.filter((e) => e.engine === 'webllm');
const wllamaEntries = builtinCatalog.filter((e) => e.engine === 'wllama');

describe('built-in catalog', () => {
  it('has the four Llama 3.2 MLC builds and a GGUF build per size', () => {
    expect(webllmEntries.map((e) => e.id).sort()).toEqual([
      'Llama-3.2-1B-Instruct-q4f16_1-MLC',
      'Llama-3.2-1B-Instruct-q4f32_1-MLC',
      'Llama-3.2-3B-Instruct-q4f16_1-MLC',
      'Llama-3.2-3B-Instruct-q4f32_1-MLC',
    ]);
    expect(wllamaEntries.map((e) => e.quantization)).toEqual(['Q4_K_M', 'Q4_K_M']);
  });

  it('passes the structural checks', () => {
    expect(checkCatalog(builtinCatalog)).toEqual([]);
  });

  it('has unique ids', () => {
    const ids = builtinCatalog.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(webllmEntries.map((e) => [e.id, e] as const))('%s matches prebuiltAppConfig', (id, entry) => {
    const record = prebuiltAppConfig.model_list.find((m) => m.model_id === id);
    expect(record, `web-llm 0.2.86 has no model ${id}`).toBeDefined();
    expect(entry.modelLib?.url).toBe(record!.model_lib);
    expect(entry.contextWindow).toBe(record!.overrides?.context_window_size);
    expect(`https://huggingface.co/${entry.source.repo}`).toBe(record!.model.replace(/\/$/, ''));
    expect(entry.vramRequiredMB).toBe(record!.vram_required_MB);
    for (const feature of record!.required_features ?? []) expect(entry.requiredFeatures).toContain(feature);
  });

  it('requires shader-f16 for every f16 build, and only for those', () => {
    for (const entry of webllmEntries) {
      expect(entry.requiredFeatures.includes('shader-f16'), entry.id).toBe(
        entry.quantization.includes('f16'),
      );
    }
  });

  it.each(builtinCatalog.map((e) => [e.id, e] as const))(
    '%s names a commit or nothing, never a branch',
    (_id, entry) => {
      const revision = entry.source.revision;
      if (revision !== null) expect(revision).toMatch(/^[0-9a-f]{40}$/);
    },
  );

  it('gives every pinned file a size and a SHA-256', () => {
    for (const entry of builtinCatalog.filter((e) => e.source.revision !== null)) {
      for (const file of entry.files) {
        expect(Number.isSafeInteger(file.size), `${entry.id} ${file.path}`).toBe(true);
        expect(file.sha256, `${entry.id} ${file.path}`).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });

  it('carries the Llama 3.2 licence and a model card link', () => {
    for (const entry of builtinCatalog) {
      expect(entry.licence.name).toBe('Llama 3.2 Community License Agreement');
      expect(entry.licence.version).toBe('3.2');
      expect(entry.modelCardUrl).toBe(`https://huggingface.co/${entry.source.repo}`);
      expect(entry.trainedContextWindow).toBe(131072);
    }
  });

  it('has plausible download sizes', () => {
    for (const entry of builtinCatalog) {
      const perParam = entry.approxSizeBytes / entry.parameters;
      // 4-bit builds: a little over half a byte per parameter.
      expect(perParam, entry.id).toBeGreaterThan(0.5);
      expect(perParam, entry.id).toBeLessThan(0.7);
    }
  });

  it('is what the generator produces, apart from pinned data', () => {
    const { entries } = mergeWithExisting(buildBuiltinEntries(prebuiltAppConfig.model_list), builtinCatalog);
    expect(entries).toEqual(builtinCatalog);
  });

  it('finds entries by id', () => {
    expect(findEntry(builtinCatalog, 'Llama-3.2-1B-Instruct-q4f16_1-MLC')?.engine).toBe('webllm');
    expect(findEntry(builtinCatalog, 'no-such-model')).toBeUndefined();
  });
});

describe('mergeWithExisting', () => {
  const generated = buildBuiltinEntries(prebuiltAppConfig.model_list);
  const commit = 'a'.repeat(40);
  const pinnedFiles = [{ path: 'x.gguf', role: 'weights' as const, size: 1, sha256: 'b'.repeat(64) }];

  it('keeps a pinned revision and its files', () => {
    const old: CatalogEntry = {
      ...generated[2],
      source: { ...generated[2].source, revision: commit },
      files: pinnedFiles,
    };
    const { entries, report } = mergeWithExisting(generated, [old]);
    expect(entries[2].source.revision).toBe(commit);
    expect(entries[2].files).toEqual(pinnedFiles);
    expect(report.keptPinned).toEqual([old.id]);
  });

  it('drops pinned data when the repository changed', () => {
    const old: CatalogEntry = {
      ...generated[2],
      source: { repo: 'someone/else', revision: commit },
      files: pinnedFiles,
    };
    const { entries } = mergeWithExisting(generated, [old]);
    expect(entries[2]).toEqual(generated[2]);
  });

  it('keeps entries it does not generate', () => {
    const extra: CatalogEntry = { ...generated[2], id: 'hand-made' };
    const { entries, report } = mergeWithExisting(generated, [extra]);
    expect(entries.at(-1)).toEqual(extra);
    expect(report.keptExtra).toEqual(['hand-made']);
  });
});

describe('checkCatalog', () => {
  const entry = builtinCatalog[0];
  it('rejects a branch as revision', () => {
    expect(checkCatalog([{ ...entry, source: { ...entry.source, revision: 'main' } }]).join()).toMatch(
      /not a 40-hex commit/,
    );
  });
  it('rejects a pinned file without a hash', () => {
    const bad: CatalogEntry = { ...entry, source: { ...entry.source, revision: 'c'.repeat(40) } };
    expect(checkCatalog([bad]).join()).toMatch(/no lower-case hex sha256/);
  });
  it('rejects duplicate ids', () => {
    expect(checkCatalog([entry, entry]).join()).toMatch(/duplicate id/);
  });
  it('rejects a KV cache size or head sizes that are not positive integers (they choose the cache type at load)', () => {
    for (const kvValuesPerToken of [0, -1, 1.5, Number.NaN]) expect(checkCatalog([{ ...entry, kvValuesPerToken }]).join()).toMatch(/kvValuesPerToken is not a positive integer/);
    expect(checkCatalog([{ ...entry, kvValuesPerToken: 16384 }])).toEqual([]);
    for (const kvHeadSizes of [{ key: 0, value: 64 }, { key: 64, value: 1.5 }, { key: 64 }, null]) expect(checkCatalog([{ ...entry, kvHeadSizes } as unknown as CatalogEntry]).join()).toMatch(/kvHeadSizes are not positive integers/);
    expect(checkCatalog([{ ...entry, kvHeadSizes: { key: 64, value: 64 } }])).toEqual([]);
  });
});
