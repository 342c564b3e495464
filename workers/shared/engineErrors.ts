/**
 * Engine errors, as plain objects with a literal `name` so the UI can explain each in plain
 * words after they cross the worker boundary.
 */
export type EngineErrorName =
  | 'WebGPUUnavailableError'
  | 'ShaderF16MissingError'
  | 'DeviceLostError'
  | 'OutOfMemoryError'
  | 'TooLargeForDeviceError'
  | 'ModelLibraryError'
  | 'ContextOverflowError'
  | 'ModelNotReadyError'
  | 'EngineError';

/** A build to try instead, as data the UI can offer (which entry, and on which device). */
export interface BuildSuggestion {
  entryId: string;
  entryName: string;
  /** For a GGUF entry: where llama.cpp should run it. */
  ggufDevice?: 'webgpu' | 'cpu';
  /** Why it fits, in plain words. */
  reason: string;
  /** Whether it is already downloaded. */
  downloaded: boolean;
}

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
  /** For TooLargeForDeviceError: the GPU buffer the model needs, and the device's limit. */
  neededBytes?: number;
  limitBytes?: number;
  limitName?: 'maxBufferSize' | 'maxStorageBufferBindingSize';
  /** A build that fits this device, when one is known (added by the page, which has the catalog). */
  suggestion?: BuildSuggestion;
}

/** A call that either gives a value or a typed engine error. */
export type EngineResult<T> = { ok: true; value: T } | { ok: false; error: EngineError };

/** The GPU limits an allocation failure is judged against. */
export interface GpuLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

/** Bytes a failed allocation asked for, from `GpuAllocationError` or its message. */
function failedBytes(error: unknown, text: string): number | null {
  const bytes = (error as { bytes?: unknown } | null)?.bytes;
  if (typeof bytes === 'number') return bytes;
  const match = /buffer of (?:size )?(\d+)(?: bytes)?/i.exec(text);
  return match ? Number(match[1]) : null;
}

/** Classifies whatever an engine threw into one of our typed errors. */
export function classifyEngineError(error: unknown, limits?: GpuLimits): EngineError {
  const name = error instanceof Error ? error.name : '';
  const detail = error instanceof Error ? error.message : String(error);
  const text = `${name} ${detail}`;
  if (name === 'WebGPUNotAvailableError' || name === 'WebGPUNotFoundError' || /navigator\.gpu|WebGPU is not/i.test(text)) {
    return { name: 'WebGPUUnavailableError', message: 'This browser or device does not offer WebGPU.', detail };
  }
  if (name === 'ShaderF16SupportError' || /shader-f16/i.test(text)) {
    return { name: 'ShaderF16MissingError', message: 'This GPU lacks 16-bit shader support (shader-f16), which this build needs.', detail };
  }
  if (name === 'DeviceLostError' || /device (was |is )?lost/i.test(text)) {
    return { name: 'DeviceLostError', message: 'The GPU stopped responding (device lost).', detail };
  }
  if (name === 'GpuAllocationError' || /failed to allocate \S*webgpu\S* buffer/i.test(text)) {
    const bytes = failedBytes(error, text);
    if (bytes !== null && limits && bytes > limits.maxBufferSize) {
      return {
        name: 'TooLargeForDeviceError',
        message: 'This model needs a larger GPU buffer than this device allows.',
        detail,
        neededBytes: bytes,
        limitBytes: limits.maxBufferSize,
        limitName: 'maxBufferSize',
      };
    }
    return { name: 'OutOfMemoryError', message: 'The GPU ran out of memory for this model.', detail, ...(bytes !== null ? { neededBytes: bytes } : {}) };
  }
  if (/out of memory|OutOfMemory|allocation failed|Array buffer allocation failed|Cannot allocate|could not allocate memory|failed to allocate/i.test(text)) {
    return { name: 'OutOfMemoryError', message: 'The device ran out of memory for this model.', detail };
  }
  const overflow = /request \((\d+) tokens\) exceeds the available context size \((\d+) tokens\)/.exec(text);
  if (overflow) {
    return { name: 'ContextOverflowError', message: 'The conversation is longer than the model can read at once.', detail, neededTokens: Number(overflow[1]), windowTokens: Number(overflow[2]) };
  }
  if (name === 'ContextWindowSizeExceededError' || /context (window|size|length).*(exceed|too)|exceed[a-z]* (the )?(available )?context/i.test(text)) {
    return { name: 'ContextOverflowError', message: 'The conversation is longer than the model can read at once.', detail };
  }
  if (/WebAssembly|wasm|CompileError|LinkError/i.test(text)) {
    return { name: 'ModelLibraryError', message: 'The compiled model library could not be loaded.', detail };
  }
  return { name: 'EngineError', message: 'The engine failed.', detail };
}
