import { describe, expect, it } from 'vitest';
import { builtinCatalog } from '../../workers/catalog/catalog';
import { suggestBuild } from '../../src/lib/buildSuggestion';
import type { DeviceReport } from '../../workers/shared/device';
import { checkGpuFit, largestMlcTensor } from '../../workers/shared/gpuFit';
import { webllmReusedTokens } from '../../workers/engine/webllmReuse';

const phone: DeviceReport = { webgpu: true, shaderF16: true, fallbackAdapter: false, maxBufferSize: 256 * 2 ** 20, maxStorageBufferBindingSize: 128 * 2 ** 20, cores: 8, crossOriginIsolated: true };
const byId = (id: string) => builtinCatalog.find((e) => e.id === id)!;

describe('checkGpuFit', () => {
  const tensorCache = { records: [{ records: [{ name: 'model.embed_tokens.q_weight', nbytes: 131_334_144 }, { name: 'norm', nbytes: 4096 }] }, { records: [{ name: 'layer.0', nbytes: 25_165_824 }] }] };
  it("finds an MLC build's largest tensor", () => {
    expect(largestMlcTensor(tensorCache)).toEqual({ bytes: 131_334_144, tensor: 'model.embed_tokens.q_weight' });
    expect(largestMlcTensor({})).toBeNull();
    expect(largestMlcTensor(null)).toBeNull();
  });
  it('refuses a tensor larger than the smaller of the two limits, in plain words with the numbers', () => {
    const e = checkGpuFit({ bytes: 262_668_288, tensor: 'model.embed_tokens.weight' }, phone);
    expect(e).toEqual({
      name: 'TooLargeForDeviceError',
      message: 'This build needs a GPU buffer of 263 MB (model.embed_tokens.weight); this GPU allows at most 134 MB.',
      neededBytes: 262_668_288,
      limitBytes: 128 * 2 ** 20,
      limitName: 'maxStorageBufferBindingSize',
    });
    expect(checkGpuFit({ bytes: 140_000_000, tensor: 'x' }, phone)?.name).toBe('TooLargeForDeviceError');
    // 1B's q4 embedding (131 MB) just fits a 128 MiB binding.
    expect(checkGpuFit({ bytes: 131_334_144, tensor: 'x' }, phone)).toBeNull();
    // No limits known (no WebGPU): nothing to check against.
    expect(checkGpuFit({ bytes: 1e9, tensor: 'x' }, { maxBufferSize: 0, maxStorageBufferBindingSize: 0 })).toBeNull();
  });
});

describe('suggestBuild', () => {
  const none = new Set<string>();
  it('offers the GGUF build of the same model on the CPU for a buffer too large for the GPU', () => {
    const s = suggestBuild({ name: 'TooLargeForDeviceError', message: '' }, byId('Llama-3.2-1B-Instruct-q4f16_1-MLC'), builtinCatalog, phone, none);
    expect(s).toMatchObject({ entryId: 'Llama-3.2-1B-Instruct-Q4_K_M-GGUF', ggufDevice: 'cpu', downloaded: false });
    expect(s?.reason).toBe('llama.cpp on the CPU has no GPU buffer limits.');
  });
  it('offers the same GGUF entry on the CPU when it failed on WebGPU', () => {
    const gguf = byId('Llama-3.2-3B-Instruct-Q4_K_M-GGUF');
    expect(suggestBuild({ name: 'DeviceLostError', message: '' }, gguf, builtinCatalog, phone, none)).toMatchObject({ entryId: gguf.id, ggufDevice: 'cpu' });
  });
  it('offers the 32-bit build for a missing shader-f16', () => {
    expect(suggestBuild({ name: 'ShaderF16MissingError', message: '' }, byId('Llama-3.2-1B-Instruct-q4f16_1-MLC'), builtinCatalog, phone, none)?.entryId).toBe('Llama-3.2-1B-Instruct-q4f32_1-MLC');
  });
  it('offers a smaller model when memory ran out, a downloaded one first among equals', () => {
    const s = suggestBuild({ name: 'OutOfMemoryError', message: '' }, byId('Llama-3.2-3B-Instruct-q4f32_1-MLC'), builtinCatalog, phone, new Set(['Llama-3.2-1B-Instruct-q4f32_1-MLC']));
    expect(s).toMatchObject({ entryId: 'Llama-3.2-1B-Instruct-q4f32_1-MLC', downloaded: true, reason: 'A smaller model needs less memory.' });
  });
  it('has nothing to offer for errors a build change does not fix', () => {
    expect(suggestBuild({ name: 'ContextOverflowError', message: '' }, byId('Llama-3.2-1B-Instruct-q4f16_1-MLC'), builtinCatalog, phone, none)).toBeNull();
  });
});

describe('webllmReusedTokens', () => {
  const turn1 = [{ role: 'user' as const, content: 'Hi' }];
  const after = { messages: [...turn1, { role: 'assistant' as const, content: 'Hello!' }], tokens: 42, finishedCleanly: true };
  it("counts web-llm's cache when the request continues exactly the conversation it last saw", () => {
    expect(webllmReusedTokens(after, [...after.messages, { role: 'user', content: 'More?' }])).toBe(42);
  });
  it('counts nothing after a change, an interrupted reply, or on the first turn', () => {
    expect(webllmReusedTokens(after, [turn1[0], { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'More?' }])).toBe(0);
    expect(webllmReusedTokens({ ...after, finishedCleanly: false }, [...after.messages, { role: 'user', content: 'More?' }])).toBe(0);
    expect(webllmReusedTokens(null, turn1)).toBe(0);
  });
});
