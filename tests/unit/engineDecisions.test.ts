import { describe, expect, it } from 'vitest';
import { autoGgufDevice, cpuThreads, threadsToUse, type DeviceReport } from '../../workers/shared/device';
import { classifyEngineError } from '../../workers/shared/engineErrors';
import { attentionFor, cacheReuseChunk, cacheReuseFor, defaultsAfterRefusal, f32KvCacheBudgetBytes, llamaCacheParams } from '../../workers/engine/llamaAttention';
import { kvCacheFactsOfBlob, kvHeadSizesOf, kvValuesPerTokenOf } from '../../workers/store/ggufFacts';
import { makeTinyLlamaGguf } from '../fixtures/gguf';

const base: DeviceReport = { webgpu: false, shaderF16: false, fallbackAdapter: false, maxBufferSize: 0, maxStorageBufferBindingSize: 0, cores: 8, crossOriginIsolated: true };
const gpu = { ...base, webgpu: true, maxBufferSize: 4 << 30, maxStorageBufferBindingSize: 2 << 30, adapter: { vendor: 'amd', architecture: 'rdna-3', description: '' } };

describe('classifyEngineError', () => {
  const named = (name: string, message: string): Error => Object.assign(new Error(message), { name });
  it('maps web-llm error classes by name', () => {
    expect(classifyEngineError(named('WebGPUNotAvailableError', 'x')).name).toBe('WebGPUUnavailableError');
    expect(classifyEngineError(named('ShaderF16SupportError', 'x')).name).toBe('ShaderF16MissingError');
    expect(classifyEngineError(named('DeviceLostError', 'x')).name).toBe('DeviceLostError');
    expect(classifyEngineError(named('ContextWindowSizeExceededError', 'x')).name).toBe('ContextOverflowError');
  });
  it('recognises messages from llama.cpp and the browser', () => {
    expect(classifyEngineError(new Error('the request exceeds the available context size')).name).toBe('ContextOverflowError');
    expect(classifyEngineError(new RangeError('Array buffer allocation failed')).name).toBe('OutOfMemoryError');
    expect(classifyEngineError(new WebAssembly.CompileError('WebAssembly.instantiate(): expected magic word')).name).toBe('ModelLibraryError');
  });
  it('keeps anything else as a generic engine error with its message', () => {
    const e = classifyEngineError('boom');
    expect(e).toEqual({ name: 'EngineError', message: 'The engine failed.', detail: 'boom' });
  });
});

describe('cpuThreads and the GGUF device', () => {
  it('uses every core on small machines, leaves one for the page on larger ones, one thread without isolation', () => {
    expect(cpuThreads({ cores: 1, crossOriginIsolated: true })).toBe(1);
    expect(cpuThreads({ cores: 2, crossOriginIsolated: true })).toBe(2);
    expect(cpuThreads({ cores: 4, crossOriginIsolated: true })).toBe(4);
    expect(cpuThreads({ cores: 8, crossOriginIsolated: true })).toBe(7);
    expect(cpuThreads({ cores: 32, crossOriginIsolated: true })).toBe(8);
    expect(cpuThreads({ cores: 8, crossOriginIsolated: false })).toBe(1);
  });
  it('gives llama.cpp the threads asked for, at most the cores, one without isolation', () => {
    expect(threadsToUse({ cores: 2, crossOriginIsolated: true })).toBe(2);
    expect(threadsToUse({ cores: 2, crossOriginIsolated: true }, 1)).toBe(1);
    expect(threadsToUse({ cores: 2, crossOriginIsolated: true }, 6)).toBe(2);
    expect(threadsToUse({ cores: 8, crossOriginIsolated: false }, 4)).toBe(1);
    expect(threadsToUse({ cores: 8, crossOriginIsolated: true }, null)).toBe(7);
  });
  it('runs llama.cpp on a hardware GPU only', () => {
    expect(autoGgufDevice(gpu)).toBe('webgpu');
    expect(autoGgufDevice({ ...gpu, fallbackAdapter: true })).toBe('cpu');
    expect(autoGgufDevice(base)).toBe('cpu');
  });
});

describe('classifyEngineError: GPU and memory failures', () => {
  const limits = { maxBufferSize: 256e6, maxStorageBufferBindingSize: 128e6 };
  it('tells a buffer larger than the GPU allows from running out of GPU memory', () => {
    const big = Object.assign(new Error('llama.cpp could not allocate a WebGPU buffer of 300000000 bytes: load failed'), { name: 'GpuAllocationError', bytes: 300e6 });
    expect(classifyEngineError(big, limits)).toMatchObject({ name: 'TooLargeForDeviceError', neededBytes: 300e6, limitBytes: 256e6, limitName: 'maxBufferSize' });
    const small = Object.assign(new Error('could not allocate'), { name: 'GpuAllocationError', bytes: 100e6 });
    expect(classifyEngineError(small, limits)).toMatchObject({ name: 'OutOfMemoryError', neededBytes: 100e6 });
    // From llama.cpp's own line, when no GpuAllocationError wrapped it.
    expect(classifyEngineError(new Error('load_tensors: failed to allocate WebGPU buffer of size 400000000'), limits).name).toBe('TooLargeForDeviceError');
  });
  it('recognises a lost GPU from web-llm, ggml-webgpu and the browser', () => {
    expect(classifyEngineError(new Error('ggml_webgpu: Device lost! Reason: 2, Message: GPU hung')).name).toBe('DeviceLostError');
    expect(classifyEngineError(new Error('The WebGPU device was lost: destroyed')).name).toBe('DeviceLostError');
    expect(classifyEngineError(Object.assign(new Error('x'), { name: 'DeviceLostError' })).name).toBe('DeviceLostError');
  });
  it('recognises out-of-memory messages of wasm and llama.cpp', () => {
    expect(classifyEngineError(new RangeError('WebAssembly.Memory(): could not allocate memory')).name).toBe('OutOfMemoryError');
    expect(classifyEngineError(new Error('Cannot allocate WebAssembly.Memory')).name).toBe('OutOfMemoryError');
    expect(classifyEngineError(new Error('ggml_backend_cpu_buffer_type_alloc_buffer: failed to allocate buffer of size 4294967296')).name).toBe('OutOfMemoryError');
  });
  it("reads llama.cpp's context overflow with its numbers", () => {
    const e = classifyEngineError(new Error('request (2319 tokens) exceeds the available context size (2048 tokens), try increasing it'));
    expect(e).toMatchObject({ name: 'ContextOverflowError', neededTokens: 2319, windowTokens: 2048 });
  });
});

describe('the KV cache and attention asked of llama.cpp', () => {
  const llama1b = 16 * 8 * (64 + 64);
  const llama3b = 28 * 8 * (128 + 128);
  it('on the CPU, f32 without flash attention while the f32 cache fits the budget: Llama 3.2 1B at 4,096 tokens', () => {
    expect(attentionFor('cpu', llama1b, 4096)).toMatchObject({ cacheType: 'f32', flashAttention: 'off' });
    expect(f32KvCacheBudgetBytes).toBe(256 * 2 ** 20);
    // What wllama is given: one slot, cache reuse, and the choice.
    expect(llamaCacheParams(attentionFor('cpu', llama1b, 4096))).toEqual({ n_parallel: 1, n_cache_reuse: 64, cache_type_k: 'f32', cache_type_v: 'f32', flash_attn: false });
    expect(llamaCacheParams(attentionFor('cpu', llama3b, 4096))).toEqual({ n_parallel: 1, n_cache_reuse: 64, cache_type_k: 'q8_0', cache_type_v: 'q8_0' });
    expect(llamaCacheParams(attentionFor('webgpu', llama3b, 4096))).toEqual({ n_parallel: 1, n_cache_reuse: 64, cache_type_k: 'f16', cache_type_v: 'f16' });
    expect(attentionFor('cpu', llama3b, 1024)).toMatchObject({ cacheType: 'f32', flashAttention: 'off' });
  });
  it('on the CPU past the f32 budget, an 8-bit cache with flash attention (the 3B at its 4,096-token default, the 1B at 8,192), saying why', () => {
    expect(attentionFor('cpu', llama1b, 8192)).toMatchObject({ cacheType: 'q8_0', flashAttention: 'auto', why: expect.stringContaining('an f32 cache would take 512 MiB for this window (Hearth allows 256 MiB)') });
    expect(attentionFor('cpu', llama3b, 4096)).toMatchObject({ cacheType: 'q8_0', flashAttention: 'auto', why: expect.stringContaining('896 MiB') });
    // The edge: exactly the budget is still f32.
    expect(attentionFor('cpu', f32KvCacheBudgetBytes / 4 / 4096, 4096)).toMatchObject({ cacheType: 'f32' });
    expect(attentionFor('cpu', f32KvCacheBudgetBytes / 4 / 4096, 4097)).toMatchObject({ cacheType: 'q8_0' });
  });
  it("past the budget keeps llama.cpp's f16 default for a model whose heads are not whole 32-value blocks of q8_0, before loading it, saying why", () => {
    const oddHeads = 16 * 2 * (80 + 80);
    expect(attentionFor('cpu', oddHeads, 16384, { key: 80, value: 80 })).toEqual({ cacheType: 'f16', flashAttention: 'auto', why: "f16, llama.cpp's default: an 8-bit cache cannot hold this model (its attention heads are 80 values wide, not whole 32-value blocks of q8_0)" });
    // After llama.cpp's own refusal (an entry saved without head sizes), the same choice, and the words say who refused.
    expect(defaultsAfterRefusal('its attention heads are 80 values wide, not whole 32-value blocks of q8_0')).toEqual({ cacheType: 'f16', flashAttention: 'auto', why: "f16, llama.cpp's default: llama.cpp refused an 8-bit cache for this model (its attention heads are 80 values wide, not whole 32-value blocks of q8_0)" });
    expect(attentionFor('cpu', 16 * 2 * (128 + 80), 16384, { key: 128, value: 80 }).why).toContain('80 values wide');
    // Whole blocks (Llama's 64 and 128), or within the budget (f32 holds any head): unchanged.
    expect(attentionFor('cpu', llama1b, 8192, { key: 64, value: 64 })).toMatchObject({ cacheType: 'q8_0' });
    expect(attentionFor('cpu', llama3b, 4096, { key: 128, value: 128 })).toMatchObject({ cacheType: 'q8_0' });
    expect(attentionFor('cpu', oddHeads, 1024, { key: 80, value: 80 })).toMatchObject({ cacheType: 'f32', flashAttention: 'off' });
    // Unknown head sizes: 8-bit is asked for, and a refusal loads again with the defaults.
    expect(attentionFor('cpu', oddHeads, 16384)).toMatchObject({ cacheType: 'q8_0' });
  });
  it("keeps llama.cpp's defaults on WebGPU and when the size is unknown, saying why", () => {
    expect(attentionFor('webgpu', llama1b, 1024)).toMatchObject({ cacheType: 'f16', flashAttention: 'auto' });
    expect(attentionFor('cpu', undefined, 1024)).toMatchObject({ cacheType: 'f16', flashAttention: 'auto', why: expect.stringContaining('does not give') });
  });
});

describe('KV cache values per token, from a GGUF header', () => {
  it('is layers x KV heads x (key + value head size)', () => {
    const header = { 'llama.block_count': 16, 'llama.attention.head_count': 32, 'llama.attention.head_count_kv': 8, 'llama.embedding_length': 2048 };
    expect(kvValuesPerTokenOf(header, 'llama')).toBe(16 * 8 * 128);
    // Explicit head sizes win over embedding / heads; a per-layer KV head count is summed.
    expect(kvValuesPerTokenOf({ ...header, 'llama.attention.key_length': 128, 'llama.attention.value_length': 64 }, 'llama')).toBe(16 * 8 * 192);
    expect(kvValuesPerTokenOf({ ...header, 'llama.block_count': 3, 'llama.attention.head_count_kv': [2, 0, 4] }, 'llama')).toBe(6 * 128);
    // No KV head count: every head has its own keys and values.
    const { 'llama.attention.head_count_kv': _, ...mha } = header;
    expect(kvValuesPerTokenOf(mha, 'llama')).toBe(16 * 32 * 128);
    // The head sizes themselves, as llama.cpp reads them.
    expect(kvHeadSizesOf(header, 'llama')).toEqual({ key: 64, value: 64 });
    expect(kvHeadSizesOf({ ...header, 'llama.attention.key_length': 128, 'llama.attention.value_length': 80 }, 'llama')).toEqual({ key: 128, value: 80 });
    expect(kvHeadSizesOf({ 'llama.block_count': 16 }, 'llama')).toBeNull();
  });
  it("is read from a model's own bytes (entries saved before catalogs carried it), null for what is not a GGUF", async () => {
    // The tiny shape: 2 layers x 2 KV heads x (16 + 16).
    expect(await kvCacheFactsOfBlob(new Blob([new Uint8Array(makeTinyLlamaGguf({ seed: 1 }))]))).toEqual({ kvValuesPerToken: 128, kvHeadSizes: { key: 16, value: 16 } });
    expect(await kvCacheFactsOfBlob(new Blob(['not a gguf']))).toEqual({ kvValuesPerToken: null, kvHeadSizes: null });
  });
  it('is null when the header lacks what it needs', () => {
    expect(kvValuesPerTokenOf({ 'llama.attention.head_count_kv': 8 }, 'llama')).toBeNull();
    expect(kvValuesPerTokenOf({ 'llama.block_count': 16, 'llama.attention.head_count_kv': [8, 'x'], 'llama.attention.key_length': 64, 'llama.attention.value_length': 64 }, 'llama')).toBeNull();
  });
});

describe('cacheReuseFor', () => {
  const scope = (conversation: string, droppedTurns: number) => ({ conversation, droppedTurns });

  it('lets llama.cpp move cached turns into place only when the same conversation leaves out more of its oldest turns', () => {
    expect(cacheReuseFor(scope('a', 0), scope('a', 2))).toBe(cacheReuseChunk);
    expect(cacheReuseFor(scope('a', 2), scope('a', 4))).toBe(cacheReuseChunk);
  });

  it('asks for none for the next turn, an edit, a regenerate, a message being typed, another conversation, or with nothing held', () => {
    expect(cacheReuseFor(scope('a', 0), scope('a', 0))).toBe(0);
    expect(cacheReuseFor(scope('a', 2), scope('a', 2))).toBe(0);
    expect(cacheReuseFor(scope('a', 0), scope('b', 2))).toBe(0);
    expect(cacheReuseFor(null, scope('a', 2))).toBe(0);
    expect(cacheReuseFor(scope('a', 0), null)).toBe(0);
  });
});
