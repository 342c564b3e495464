import { describe, expect, it } from 'vitest';
import { classifyEngineError } from '../../workers/shared/engineErrors';

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
