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

/** Where the user wants the GGUF engine (llama.cpp) to run; `auto` follows the recommendation. */
export type GgufDeviceChoice = 'auto' | 'webgpu' | 'cpu';

/**
 * Threads llama.cpp should use. Measured on 2 cores (`npm run bench`, threads 1 against 2): two
 * threads decode 1.6x (through the app) to 1.9x (wllama alone) faster than one, though the page
 * then shares both cores with them; so small machines use every core. Larger ones (not measured
 * here) leave one core for the page and stop at 8, past which wasm threads mostly contend for
 * memory bandwidth.
 * Without cross-origin isolation threads cannot share memory: one thread.
 */
export function cpuThreads(device: Pick<DeviceReport, 'cores' | 'crossOriginIsolated'>): number {
  if (!device.crossOriginIsolated) return 1;
  const cores = Math.max(1, device.cores);
  return cores <= 4 ? cores : Math.min(8, cores - 1);
}

/** A GPU worth running on: WebGPU with a hardware adapter (a software one is slower than the CPU). */
export function hasUsableGpu(device: DeviceReport): boolean {
  return device.webgpu && !device.fallbackAdapter;
}

/** Where llama.cpp should run when the user leaves the choice to Hearth. */
export function autoGgufDevice(device: DeviceReport): 'webgpu' | 'cpu' {
  return hasUsableGpu(device) ? 'webgpu' : 'cpu';
}

/** `2 threads`, `1 thread`. */
export function threadsText(threads: number): string {
  return `${threads} thread${threads === 1 ? '' : 's'}`;
}

/** The threads llama.cpp gets: the number asked for (else `cpuThreads`), at most the cores; one without isolation. */
export function threadsToUse(device: Pick<DeviceReport, 'cores' | 'crossOriginIsolated'>, asked?: number | null): number {
  if (!device.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(asked ?? cpuThreads(device), device.cores || 1));
}
