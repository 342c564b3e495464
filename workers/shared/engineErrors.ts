/**
 * Engine errors, as plain objects with a literal `name` so the UI can explain each in plain
 * words after they cross the worker boundary.
 */
export type EngineErrorName =
  | 'WebGPUUnavailableError'
  | 'ShaderF16MissingError'
  | 'DeviceLostError'
  | 'OutOfMemoryError'
  | 'ModelLibraryError'
  | 'ContextOverflowError'
  | 'ModelNotReadyError'
  | 'EngineError';

export interface EngineError {
  name: EngineErrorName;
  message: string;
  /** The engine's own message, for the details view. */
  detail?: string;
  /** For ModelNotReadyError: files missing or damaged (their bytes were dropped for repair). */
  badFiles?: string[];
  /** For ContextOverflowError. */
  neededTokens?: number;
  windowTokens?: number;
}

/** A call that either gives a value or a typed engine error. */
export type EngineResult<T> = { ok: true; value: T } | { ok: false; error: EngineError };

/** Classifies whatever an engine threw into one of our typed errors. */
export function classifyEngineError(error: unknown): EngineError {
  const name = error instanceof Error ? error.name : '';
  const detail = error instanceof Error ? error.message : String(error);
  const text = `${name} ${detail}`;
  if (name === 'WebGPUNotAvailableError' || name === 'WebGPUNotFoundError' || /navigator\.gpu|WebGPU is not/i.test(text)) {
    return { name: 'WebGPUUnavailableError', message: 'This browser or device does not offer WebGPU.', detail };
  }
  if (name === 'ShaderF16SupportError' || /shader-f16/i.test(text)) {
    return { name: 'ShaderF16MissingError', message: 'This GPU lacks 16-bit shader support (shader-f16), which this build needs.', detail };
  }
  if (name === 'DeviceLostError' || /device (was )?lost/i.test(text)) {
    return { name: 'DeviceLostError', message: 'The GPU stopped responding (device lost).', detail };
  }
  if (/out of memory|OutOfMemory|allocation failed|RangeError: Array buffer allocation|Cannot allocate/i.test(text)) {
    return { name: 'OutOfMemoryError', message: 'The device ran out of memory for this model.', detail };
  }
  if (name === 'ContextWindowSizeExceededError' || /context (window|size|length).*(exceed|too)|exceed[a-z]* (the )?(available )?context/i.test(text)) {
    return { name: 'ContextOverflowError', message: 'The conversation is longer than the model can read at once.', detail };
  }
  if (/WebAssembly|wasm|CompileError|LinkError/i.test(text)) {
    return { name: 'ModelLibraryError', message: 'The compiled model library could not be loaded.', detail };
  }
  return { name: 'EngineError', message: 'The engine failed.', detail };
}
