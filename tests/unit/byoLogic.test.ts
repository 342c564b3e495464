import { describe, expect, it } from 'vitest';
import { buildBom, type BomInput } from '../../src/lib/bom';
import { bytesOrigin, entryOrigin } from '../../src/lib/provenance';
import { requiresAcceptance } from '../../src/state/LicenceRecords.svelte';
import type { CatalogEntry } from '../../workers/shared/catalog';
import { TypedError } from '../../workers/shared/errors';
import type { ModelManifest } from '../../workers/shared/storeProtocol';
import { governingLicence, lineageFromCard } from '../../workers/store/modelCard';
import { parseRepoInput } from '../../workers/store/repoInput';
import { validateCycloneDx16 } from '../fixtures/cyclonedx';

const hf = 'https://huggingface.co';
const problemOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (error) {
    return error instanceof TypedError ? (error.detail as { problem?: string }).problem : 'untyped';
  }
  return undefined;
};

describe('repository input', () => {
  it.each([
    ['bartowski/Llama-3.2-1B-Instruct-GGUF', { repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF', revision: 'main' }],
    ['  https://huggingface.co/unsloth/Llama-3.2-3B-Instruct-GGUF  ', { repo: 'unsloth/Llama-3.2-3B-Instruct-GGUF', revision: 'main' }],
    ['huggingface.co/a/b/tree/v1.0', { repo: 'a/b', revision: 'v1.0' }],
    ['https://hf.co/a/b/blob/main/x-Q4_K_M.gguf', { repo: 'a/b', revision: 'main', file: 'x-Q4_K_M.gguf' }],
    ['https://huggingface.co/a/b/resolve/0123456789abcdef0123456789abcdef01234567/sub/x.gguf', { repo: 'a/b', revision: '0123456789abcdef0123456789abcdef01234567', file: 'sub/x.gguf' }],
  ])('reads %s', (input, expected) => {
    expect(parseRepoInput(input, hf)).toEqual(expected);
  });

  it.each([
    ['', 'not-a-repo-id'],
    ['llama', 'not-a-repo-id'],
    ['a/b/c', 'not-a-repo-id'],
    ['../etc/passwd', 'not-a-repo-id'],
    ['a b/c', 'not-a-repo-id'],
    ['https://huggingface.co/datasets/a/b', 'not-a-repo-id'],
    ['https://example.org/a/b', 'other-host'],
    ['ftp://', 'not-a-repo-id'],
  ])('refuses %j as %s', (input, problem) => {
    expect(problemOf(() => parseRepoInput(input, hf))).toBe(problem);
  });

  it('accepts URLs of a mirror under a path prefix', () => {
    expect(parseRepoInput('https://mirror.example.org/models/a/b', 'https://mirror.example.org/models/')).toEqual({ repo: 'a/b', revision: 'main' });
  });
});

describe('model cards and licences', () => {
  it('reads licence, base model list and tags from real-world front matter', () => {
    const card = `---\nlicense: other\nlicense_name: llama3.2\nlicense_link: https://example.org/LICENSE\nbase_model:\n- meta-llama/Llama-3.2-3B-Instruct\n- other/Model\ntags: [a, "b"]\nwidget:\n  - text: "hi: there"\n---\n# Card`;
    expect(lineageFromCard(card)).toEqual({ baseModels: ['meta-llama/Llama-3.2-3B-Instruct', 'other/Model'], declaredLicence: 'llama3.2', licenceLink: 'https://example.org/LICENSE', tags: ['a', 'b'], from: 'model-card' });
  });

  it('takes nothing from broken YAML or a card without front matter', () => {
    expect(lineageFromCard('---\nlicense: [unclosed\n---\n')).toMatchObject({ baseModels: [], declaredLicence: null });
    expect(lineageFromCard('# Just a title')).toMatchObject({ baseModels: [], declaredLicence: null, tags: [] });
  });

  it('binds a fine-tune of a Meta model by its base model licence, whatever its card says', () => {
    expect(governingLicence({ baseModels: ['meta-llama/Llama-3.1-8B-Instruct'], declaredLicence: 'apache-2.0', tags: [], from: 'model-card' })).toMatchObject({ name: 'Llama 3.1 Community License Agreement', version: '3.1' });
    expect(governingLicence({ baseModels: [], declaredLicence: 'llama3.2', tags: [], from: 'model-card' })).toMatchObject({ version: '3.2', url: 'https://www.llama.com/llama3_2/license/' });
    expect(governingLicence({ baseModels: ['TinyLlama/TinyLlama-1.1B'], declaredLicence: 'apache-2.0', tags: [], from: 'model-card' })).toMatchObject({ name: 'apache-2.0', version: '' });
  });

  it('gates every Llama-derived entry and no other', () => {
    const base = { licence: { name: 'apache-2.0', version: '', url: '', usePolicyUrl: '' } } as CatalogEntry;
    expect(requiresAcceptance(base)).toBe(false);
    expect(requiresAcceptance({ ...base, lineage: { baseModels: ['meta-llama/Llama-3.2-1B'], declaredLicence: 'apache-2.0', tags: [], from: 'model-card' } })).toBe(true);
    expect(requiresAcceptance({ ...base, licence: { ...base.licence, name: 'Llama 3.2 Community License Agreement' } })).toBe(true);
  });
});

describe('provenance in the BOM', () => {
  const entry: CatalogEntry = {
    id: 'someone/Fine-Tune-GGUF/Fine-Tune-Q4_K_M',
    displayName: 'Fine Tune (Q4_K_M, CPU)',
    parameters: 1.2e9,
    quantization: 'Q4_K_M',
    engine: 'wllama',
    source: { repo: 'someone/Fine-Tune-GGUF', revision: 'a'.repeat(40) },
    files: [],
    contextWindow: 4096,
    trainedContextWindow: 131072,
    requiredFeatures: [],
    licence: governingLicence({ baseModels: ['meta-llama/Llama-3.2-1B-Instruct'], declaredLicence: 'llama3.2', tags: [], from: 'model-card' }),
    modelCardUrl: 'https://huggingface.co/someone/Fine-Tune-GGUF',
    approxSizeBytes: 1,
    origin: { kind: 'repository', hostUrl: hf, repo: 'someone/Fine-Tune-GGUF', commit: 'a'.repeat(40), requestedRevision: 'main', addedAt: 0 },
    lineage: { baseModels: ['meta-llama/Llama-3.2-1B-Instruct'], declaredLicence: 'llama3.2', tags: ['x'], from: 'model-card' },
  };
  const manifest = { hostUrl: hf, repo: entry.source.repo, revision: 'a'.repeat(40), hashesFrom: 'catalog', files: [] } as unknown as ModelManifest;
  const input: BomInput = {
    entry,
    hostUrl: hf,
    revision: 'a'.repeat(40),
    manifest,
    files: [{ path: 'f.gguf', role: 'weights', size: 1, sha256: 'b'.repeat(64), url: `${hf}/x/y/resolve/a/f.gguf`, verifiedAt: 0 }],
    engine: { name: '@wllama/wllama', version: '3.8.1', description: 'x' },
    app: { name: 'hearth', version: '0.1.0' },
    device: null,
    serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
    timestamp: new Date(0),
  };

  it('names a repository the user added (with its commit) and the base model as an ancestor, and validates', async () => {
    const bom = buildBom(input) as { components: { properties: { name: string; value: string }[]; pedigree?: { ancestors: { name: string; purl?: string; licenses?: unknown[] }[] } }[] };
    expect(await validateCycloneDx16(bom)).toBeNull();
    const model = bom.components[0];
    const props = Object.fromEntries(model.properties.map((p) => [p.name, p.value]));
    expect(props['hearth:origin']).toBe('repository');
    expect(props['hearth:origin.commit']).toBe('a'.repeat(40));
    expect(props['hearth:baseModel']).toBe('meta-llama/Llama-3.2-1B-Instruct');
    expect(model.pedigree?.ancestors[0]).toMatchObject({ name: 'meta-llama/Llama-3.2-1B-Instruct', purl: 'pkg:huggingface/meta-llama/Llama-3.2-1B-Instruct' });
    expect(model.pedigree?.ancestors[0].licenses).toHaveLength(1);
  });

  it('names an imported file as the source (no repository claimed) and validates', async () => {
    const imported: CatalogEntry = { ...entry, id: 'imported/0123456789abcdef', origin: { kind: 'file', fileNames: ['f.gguf'], importedAt: 0 }, modelCardUrl: '' };
    const importedManifest = { ...manifest, acquired: { kind: 'import', fileNames: ['f.gguf'], importedAt: 0, matched: 'none' }, hashesFrom: 'import' } as ModelManifest;
    const bom = buildBom({ ...input, entry: imported, manifest: importedManifest }) as { components: { purl: string; externalReferences: { type: string }[]; properties: { name: string; value: string }[] }[] };
    expect(await validateCycloneDx16(bom)).toBeNull();
    expect(bom.components[0].purl).toMatch(/^pkg:generic\//);
    expect(bom.components[0].externalReferences.some((r) => r.type === 'vcs')).toBe(false);
    expect(bom.components[0].properties.find((p) => p.name === 'hearth:acquired.matched')?.value).toBe('none');
    expect(entryOrigin(imported, false)).toContain('Imported from a file (f.gguf)');
    expect(bytesOrigin(importedManifest)).toContain('hashed here');
  });

  it('names a mirror', () => {
    expect(entryOrigin({ ...entry, origin: { kind: 'mirror', upstream: hf, mirroredAt: '2026-01-02T00:00:00Z' } }, true)).toBe('A mirror of huggingface.co, made on 2026-01-02: every file was verified when it was mirrored, and again here.');
  });
});
