import { describe, expect, it } from 'vitest';
import { autoGgufDevice, cpuThreads, threadsToUse, type DeviceReport } from '../../workers/shared/device';
import { classifyEngineError } from '../../workers/shared/engineErrors';

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
