import { describe, expect, it } from 'vitest';
import { recommend, type DeviceReport } from '../../workers/shared/device';
import { classifyEngineError } from '../../workers/shared/engineErrors';
import { builtinCatalog } from '../../workers/catalog/catalog';

const base: DeviceReport = { webgpu: false, shaderF16: false, fallbackAdapter: false, maxBufferSize: 0, maxStorageBufferBindingSize: 0, cores: 8, crossOriginIsolated: true };
const gpu = { ...base, webgpu: true, maxBufferSize: 4 << 30, maxStorageBufferBindingSize: 2 << 30, adapter: { vendor: 'amd', architecture: 'rdna-3', description: '' } };

describe('recommend', () => {
  it('picks the smallest q4f16_1 build on a GPU with shader-f16', () => {
    expect(recommend({ ...gpu, shaderF16: true }, builtinCatalog).entryId).toBe('Llama-3.2-1B-Instruct-q4f16_1-MLC');
  });
  it('picks q4f32_1 on a GPU without shader-f16', () => {
    const r = recommend(gpu, builtinCatalog);
    expect(r.entryId).toBe('Llama-3.2-1B-Instruct-q4f32_1-MLC');
    expect(r.reason).toContain('shader-f16');
  });
  it('picks the CPU engine without WebGPU, or with only a software adapter', () => {
    expect(recommend({ ...base, webgpuProblem: 'no adapter' }, builtinCatalog).entryId).toBe('Llama-3.2-1B-Instruct-Q4_K_M-GGUF');
    expect(recommend({ ...gpu, fallbackAdapter: true }, builtinCatalog).reason).toContain('software fallback');
  });
  it('prefers real models over test models', () => {
    const test = { ...builtinCatalog[0], id: 'test', test: true, parameters: 1 };
    expect(recommend({ ...gpu, shaderF16: true }, [test, ...builtinCatalog]).entryId).not.toBe('test');
  });
});

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
