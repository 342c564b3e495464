import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../workers/catalog/catalog';
import type { CatalogEntry } from '../../workers/shared/catalog';
import type { DeviceReport } from '../../workers/shared/device';
import { buildLabel, describeDevice, ggufTarget, groupByModel, kvCacheText, modelName, rankOptions, recommend, runnable } from '../../src/lib/builds';

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
    expect(none?.reason).toBe('No WebGPU here, so llama.cpp runs it on the CPU with 7 threads of 8 cores.');
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

describe('recommend and rank, in plain words', () => {
  const phone = { ...gpu, cores: 2 };
  it('ranks the four ways to run a model, best first, each with why', () => {
    const ranking = rankOptions({ ...gpu, shaderF16: true }, [], builtinCatalog);
    expect(ranking.map((o) => o.option)).toEqual(['webllm-f16', 'webllm-f32', 'llamacpp-webgpu', 'llamacpp-cpu']);
    expect(ranking.every((o) => o.usable)).toBe(true);
    expect(ranking.map((o) => o.entry?.id)).toEqual([f16.id, f32.id, cpu.id, cpu.id]);
  });
  it('gives one reason with the threads llama.cpp really uses, never nested in another', () => {
    const r = recommend({ ...base, webgpuProblem: 'requesting a GPU adapter failed: Error: nope' }, [], builtinCatalog);
    expect(r?.entry.id).toBe(cpu.id);
    expect(r?.reason).toBe('No WebGPU here, so llama.cpp runs it on the CPU with 7 threads of 8 cores.');
    expect(r?.reason).not.toContain('nope');
    expect(r?.ggufDevice).toBe('cpu');
    expect(recommend({ ...base, cores: 2 }, [], builtinCatalog)?.reason).toContain('with 2 threads of 2 cores');
    expect(recommend({ ...base, cores: 2 }, [], builtinCatalog, 1)?.reason).toContain('with 1 thread of 2 cores');
  });
  it('never claims threads the engine will not run', () => {
    const single = recommend({ ...base, cores: 2, crossOriginIsolated: false }, [], builtinCatalog);
    expect(single?.reason).toContain('with 1 thread (this page cannot share memory between threads)');
  });
  it('puts llama.cpp on WebGPU when the GPU is real and only GGUF builds are listed', () => {
    const gguf = builtinCatalog.filter((e) => e.engine === 'wllama');
    const r = recommend(phone, gguf, builtinCatalog);
    expect(r?.ggufDevice).toBe('webgpu');
    expect(r?.reason).toBe('Your GPU supports WebGPU: llama.cpp runs this build on it.');
    expect(buildLabel(gguf[0], 'webgpu')).toBe('Q4_K_M · GPU (llama.cpp, WebGPU)');
  });
  it('marks every GPU option unusable on a software adapter and says why once', () => {
    const ranking = rankOptions({ ...gpu, fallbackAdapter: true }, [], builtinCatalog);
    expect(ranking.filter((o) => o.usable).map((o) => o.option)).toEqual(['llamacpp-cpu']);
    expect(ranking[0].why).toBe('The only GPU here is a software one, slower than the CPU.');
    const r = recommend({ ...gpu, fallbackAdapter: true }, [], builtinCatalog);
    expect(r?.reason.match(/software/g)).toHaveLength(1);
  });
  it('follows the choice of device for GGUF builds', () => {
    expect(ggufTarget('auto', gpu)).toBe('webgpu');
    expect(ggufTarget('auto', { ...gpu, fallbackAdapter: true })).toBe('cpu');
    expect(ggufTarget('auto', null)).toBe('cpu');
    expect(ggufTarget('webgpu', base)).toBe('webgpu');
    expect(ggufTarget('cpu', gpu)).toBe('cpu');
  });
});

describe('kvCacheText', () => {
  it('names one type when keys and values share it, both when they differ, a rotation when there is one, and flash attention only when llama.cpp said', () => {
    expect(kvCacheText({ keyType: 'f32', valueType: 'f32', mib: 256, flashAttention: false, rotated: false })).toBe('f32, 256 MiB, flash attention off');
    expect(kvCacheText({ keyType: 'q8_0', valueType: 'q8_0', mib: 136, flashAttention: true, rotated: true })).toBe('q8_0 (Hadamard-rotated), 136 MiB, flash attention on');
    expect(kvCacheText({ keyType: 'q8_0', valueType: 'f16', mib: 1234.56, flashAttention: true, rotated: false })).toBe('K q8_0 / V f16, 1,234.6 MiB, flash attention on');
    expect(kvCacheText({ keyType: 'f16', valueType: 'f16', mib: 16, flashAttention: null, rotated: false })).toBe('f16, 16 MiB');
  });
});
