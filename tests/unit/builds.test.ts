import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../workers/catalog/catalog';
import type { CatalogEntry } from '../../workers/shared/catalog';
import type { DeviceReport } from '../../workers/shared/device';
import { buildLabel, describeDevice, groupByModel, modelName, recommend, runnable } from '../../src/lib/builds';

const base: DeviceReport = { webgpu: false, shaderF16: false, fallbackAdapter: false, maxBufferSize: 0, maxStorageBufferBindingSize: 0, cores: 8, crossOriginIsolated: true };
const gpu = { ...base, webgpu: true, maxBufferSize: 4 << 30, maxStorageBufferBindingSize: 2 << 30, adapter: { vendor: 'amd', architecture: 'rdna-3', description: '' } };
const byId = (id: string): CatalogEntry => builtinCatalog.find((e) => e.id === id) as CatalogEntry;
const f16 = byId('Llama-3.2-1B-Instruct-q4f16_1-MLC');
const f32 = byId('Llama-3.2-1B-Instruct-q4f32_1-MLC');
const cpu = byId('Llama-3.2-1B-Instruct-Q4_K_M-GGUF');

describe('recommend', () => {
  it('picks the smallest q4f16_1 build on a GPU with shader-f16', () => {
    expect(recommend({ ...gpu, shaderF16: true }, [], builtinCatalog)?.entry.id).toBe(f16.id);
  });
  it('picks q4f32_1 on a GPU without shader-f16', () => {
    expect(recommend(gpu, [], builtinCatalog)?.entry.id).toBe(f32.id);
  });
  it('picks the CPU build without WebGPU, or with only a software adapter, in plain words', () => {
    const none = recommend({ ...base, webgpuProblem: 'no adapter' }, [], builtinCatalog);
    expect(none?.entry.id).toBe(cpu.id);
    expect(none?.reason).toBe('No WebGPU here, so it runs on the CPU.');
    expect(none?.reason).not.toContain('no adapter');
    expect(recommend({ ...gpu, fallbackAdapter: true }, [], builtinCatalog)?.reason).toContain('software');
  });
  it('offers the entries a host publishes first: they are the ones it can serve', () => {
    const hosted = { ...cpu, id: 'Mirror-GGUF', displayName: 'Mirror build (CPU)', test: true, parameters: 2e9 };
    expect(recommend(base, [hosted], builtinCatalog)?.entry.id).toBe('Mirror-GGUF');
    expect(recommend({ ...gpu, shaderF16: true }, [hosted], builtinCatalog)?.entry.id).toBe('Mirror-GGUF');
  });
  it('never recommends a build the device cannot run', () => {
    expect(recommend(base, [f16, f32], builtinCatalog)).toBeNull();
  });
});

describe('runnable', () => {
  it('says in plain words why a WebGPU build cannot run', () => {
    expect(runnable(f16, base)).toEqual({ ok: false, reason: 'Needs WebGPU, which this browser or device does not offer.' });
    expect(runnable(f16, gpu)).toEqual({ ok: false, reason: 'Needs 16-bit GPU shaders (shader-f16), which this GPU does not offer.' });
    expect(runnable(f32, gpu)).toEqual({ ok: true });
    expect(runnable(f32, { ...gpu, fallbackAdapter: true }).ok).toBe(true);
    expect(runnable(cpu, base)).toEqual({ ok: true });
  });
});

describe('names', () => {
  it('splits the model from its build and groups builds by model', () => {
    expect(modelName(cpu)).toBe('Llama 3.2 1B Instruct');
    expect(buildLabel(cpu)).toBe('Q4_K_M · CPU');
    expect(buildLabel(f16)).toBe('q4f16_1 · GPU (WebGPU)');
    const groups = groupByModel(builtinCatalog);
    expect(groups.map((g) => g.name)).toEqual(['Llama 3.2 1B Instruct', 'Llama 3.2 3B Instruct']);
    expect(groups[0].builds).toHaveLength(3);
  });
  it('describes a device in one sentence, without raw probe text', () => {
    expect(describeDevice({ ...base, cores: 2, webgpuProblem: 'no GPU adapter is available (WebGPU disabled)' })).toBe('This device has no WebGPU, so Hearth runs models on its 2 CPU cores.');
    expect(describeDevice({ ...gpu, shaderF16: true })).toBe('This device has a WebGPU GPU with 16-bit shaders and 8 CPU cores.');
  });
});
