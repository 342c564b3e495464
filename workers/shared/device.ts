import type { CatalogEntry } from './catalog';

/** What the device offers, probed in a worker before anything is downloaded. */
export interface DeviceReport {
  webgpu: boolean;
  /** Why there is no usable adapter (no API, or requestAdapter gave none). */
  webgpuProblem?: string;
  shaderF16: boolean;
  fallbackAdapter: boolean;
  adapter?: { vendor: string; architecture: string; description: string };
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** Logical cores, and whether threads can be shared (cross-origin isolation). */
  cores: number;
  crossOriginIsolated: boolean;
}

/** The entry recommended for a device, and why, in plain words. */
export interface Recommendation {
  entryId: string | null;
  reason: string;
}

/**
 * Picks the best entry for a device: q4f16_1 with `shader-f16`, q4f32_1 on WebGPU without it,
 * the CPU engine without WebGPU (or on a software fallback adapter, which is slower than the
 * CPU engine). Prefers the smaller model: it is the one that runs well on most devices.
 */
export function recommend(device: DeviceReport, catalog: CatalogEntry[]): Recommendation {
  const real = catalog.filter((e) => !e.test);
  const pool = real.length > 0 ? real : catalog;
  const bySize = [...pool].sort((a, b) => a.parameters - b.parameters);
  const pick = (test: (e: CatalogEntry) => boolean): CatalogEntry | undefined => bySize.find(test);
  const usableGpu = device.webgpu && !device.fallbackAdapter;
  if (usableGpu && device.shaderF16) {
    const e = pick((x) => x.engine === 'webllm' && x.requiredFeatures.includes('shader-f16'));
    if (e) return { entryId: e.id, reason: 'Your GPU supports WebGPU with 16-bit shaders (shader-f16): the q4f16_1 build is the fastest and smallest.' };
  }
  if (usableGpu) {
    const e = pick((x) => x.engine === 'webllm' && !x.requiredFeatures.includes('shader-f16'));
    if (e) return { entryId: e.id, reason: 'Your GPU supports WebGPU but not 16-bit shaders (shader-f16): the q4f32_1 build runs on it.' };
  }
  const cpu = pick((x) => x.engine === 'wllama');
  const why = !device.webgpu
    ? `WebGPU is not available here (${device.webgpuProblem ?? 'no adapter'}): the CPU engine runs the GGUF build instead.`
    : 'The only WebGPU adapter is a software fallback, slower than the CPU engine: the GGUF build on the CPU is recommended.';
  return { entryId: cpu?.id ?? null, reason: why };
}
