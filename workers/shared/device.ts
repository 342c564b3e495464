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

/** Where the user wants the GGUF engine (llama.cpp) to run; `auto` follows the recommendation. */
export type GgufDeviceChoice = 'auto' | 'webgpu' | 'cpu';

/** The four ways Hearth can run a model, best first. */
export type EngineOption = 'webllm-f16' | 'webllm-f32' | 'llamacpp-webgpu' | 'llamacpp-cpu';

/** One way to run a model on this device, and whether it can. */
export interface RankedOption {
  option: EngineOption;
  /** Plain name, e.g. `web-llm on WebGPU, 16-bit build (q4f16_1)`. */
  name: string;
  usable: boolean;
  /** Why it can or cannot run here, in plain words. */
  why: string;
  /** The catalog entry it would run (the smallest model), or null when the catalog has none. */
  entryId: string | null;
}

/** The entry recommended for a device, how to run it, and why, in plain words. */
export interface Recommendation {
  entryId: string | null;
  /** The entry's display name (never a raw id on screen). */
  entryName: string | null;
  /** For a GGUF entry: the device llama.cpp should run it on. */
  ggufDevice?: 'webgpu' | 'cpu';
  reason: string;
  /** Every option, best first, with why it is or is not usable here. */
  ranking: RankedOption[];
}

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

/** Why there is no GPU to use, in one plain clause. */
function gpuAbsence(device: DeviceReport): string {
  if (!device.webgpu) return 'WebGPU is not available in this browser';
  return 'the only WebGPU adapter here is a software fallback (it draws on the CPU, slower than llama.cpp on the CPU)';
}

/** The clause as a sentence start. */
function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function cpuWhy(device: DeviceReport): string {
  const threads = cpuThreads(device);
  if (!device.crossOriginIsolated) return `llama.cpp runs the GGUF build on the CPU with ${threadsText(1)} (this page cannot share memory between threads)`;
  return `llama.cpp runs the GGUF build on the CPU with ${threadsText(threads)} of ${device.cores} cores`;
}

/** Every option for this device, best first (see `recommend`). */
export function rankOptions(device: DeviceReport, catalog: CatalogEntry[]): RankedOption[] {
  const real = catalog.filter((e) => !e.test);
  const pool = [...(real.length > 0 ? real : catalog)].sort((a, b) => a.parameters - b.parameters);
  const first = (test: (e: CatalogEntry) => boolean): string | null => pool.find(test)?.id ?? null;
  const f16 = (e: CatalogEntry): boolean => e.requiredFeatures.includes('shader-f16');
  const gpu = hasUsableGpu(device);
  const noGpu = gpu ? '' : `${capital(gpuAbsence(device))}.`;
  return [
    {
      option: 'webllm-f16',
      name: 'web-llm on WebGPU, 16-bit build (q4f16_1)',
      usable: gpu && device.shaderF16,
      why: !gpu ? noGpu : device.shaderF16 ? 'Your GPU supports 16-bit shaders: the fastest and smallest build.' : 'Your GPU does not support 16-bit shaders (shader-f16), which this build needs.',
      entryId: first((e) => e.engine === 'webllm' && f16(e)),
    },
    {
      option: 'webllm-f32',
      name: 'web-llm on WebGPU, 32-bit build (q4f32_1)',
      usable: gpu,
      why: gpu ? 'Runs on any WebGPU GPU, with more memory than the 16-bit build.' : noGpu,
      entryId: first((e) => e.engine === 'webllm' && !f16(e)),
    },
    {
      option: 'llamacpp-webgpu',
      name: 'llama.cpp on WebGPU (GGUF build)',
      usable: gpu,
      why: gpu ? 'llama.cpp can run the GGUF build on your GPU, usually slower than web-llm.' : noGpu,
      entryId: first((e) => e.engine === 'wllama'),
    },
    {
      option: 'llamacpp-cpu',
      name: 'llama.cpp on the CPU (GGUF build)',
      usable: true,
      why: `Runs everywhere, more slowly than a GPU: ${cpuWhy(device)}.`,
      entryId: first((e) => e.engine === 'wllama'),
    },
  ];
}

/**
 * Picks the best way to run a model here, in this order: web-llm's q4f16_1 build (needs
 * `shader-f16`), its q4f32_1 build, llama.cpp on WebGPU, llama.cpp on the CPU; a software
 * fallback adapter counts as no GPU. Prefers the smallest model: it runs well on most devices.
 */
export function recommend(device: DeviceReport, catalog: CatalogEntry[]): Recommendation {
  const ranking = rankOptions(device, catalog);
  const best = ranking.find((o) => o.usable && o.entryId !== null);
  const entry = catalog.find((e) => e.id === best?.entryId);
  if (!best || !entry) return { entryId: null, entryName: null, reason: 'No model in the list can run on this device.', ranking };
  const ggufDevice = best.option === 'llamacpp-webgpu' ? 'webgpu' : best.option === 'llamacpp-cpu' ? 'cpu' : undefined;
  const reason =
    best.option === 'llamacpp-cpu'
      ? `${capital(gpuAbsence(device))}, so ${cpuWhy(device)}.`
      : best.option === 'webllm-f16'
        ? 'Your GPU supports WebGPU with 16-bit shaders: web-llm\'s q4f16_1 build is the fastest and smallest.'
        : best.option === 'webllm-f32'
          ? 'Your GPU supports WebGPU but not 16-bit shaders (shader-f16): web-llm\'s q4f32_1 build runs on it.'
          : 'Your GPU supports WebGPU: llama.cpp runs the GGUF build on it.';
  return { entryId: entry.id, entryName: entry.displayName, ...(ggufDevice ? { ggufDevice } : {}), reason, ranking };
}
