import { describe, expect, it } from 'vitest';
import { validateCycloneDx16 } from '../fixtures/cyclonedx';
import { buildBom, type BomInput } from '../../src/lib/bom';
import { builtinCatalog } from '../../workers/catalog/catalog';

const entry = builtinCatalog.find((e) => e.engine === 'wllama') ?? builtinCatalog[0];
const input: BomInput = {
  entry,
  hostUrl: 'https://huggingface.co',
  revision: '0123456789abcdef0123456789abcdef01234567',
  files: [
    { path: 'model.gguf', role: 'weights', size: 10, sha256: 'a'.repeat(64), url: 'https://huggingface.co/x/y/resolve/0123/model.gguf', verifiedAt: 0 },
    { path: 'README.md', role: 'model-card', size: 5, sha256: 'b'.repeat(64), url: 'https://huggingface.co/x/y/resolve/0123/README.md', verifiedAt: 0 },
  ],
  engine: { name: '@wllama/wllama', version: '3.8.1', description: 'llama.cpp in WebAssembly' },
  app: { name: 'hearth', version: '0.1.0' },
  device: { webgpu: false, shaderF16: false, fallbackAdapter: false, maxBufferSize: 0, maxStorageBufferBindingSize: 0, cores: 2, crossOriginIsolated: true },
  licenceAcceptedAt: 0,
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  timestamp: new Date(0),
};

describe('CycloneDX 1.6 bill of materials', () => {
  it('validates against the CycloneDX 1.6 JSON schema', async () => {
    expect(await validateCycloneDx16(buildBom(input))).toBeNull();
  });

  it('lists the model, every file with its SHA-256, the licence, the source and the engine', () => {
    const bom = buildBom(input) as { components: { type: string; name: string; components?: { name: string; hashes: { alg: string; content: string }[] }[]; licenses?: unknown[]; externalReferences?: { type: string; url: string }[]; version: string }[] };
    const model = bom.components.find((c) => c.type === 'machine-learning-model');
    expect(model?.name).toBe(entry.id);
    expect(model?.version).toBe(input.revision);
    expect(model?.components?.map((f) => [f.name, f.hashes[0]])).toEqual([
      ['model.gguf', { alg: 'SHA-256', content: 'a'.repeat(64) }],
      ['README.md', { alg: 'SHA-256', content: 'b'.repeat(64) }],
    ]);
    expect(model?.licenses).toHaveLength(1);
    expect(model?.externalReferences?.find((r) => r.type === 'vcs')?.url).toContain(`${entry.source.repo}/tree/${input.revision}`);
    expect(bom.components.find((c) => c.type === 'library')).toMatchObject({ name: '@wllama/wllama', version: '3.8.1' });
  });

  it('is rejected by the validator when a hash is malformed (the check is real)', async () => {
    const bad = buildBom({ ...input, files: [{ ...input.files[0], sha256: 'not-a-hash' }] });
    expect(await validateCycloneDx16(bad)).not.toBeNull();
  });
});
