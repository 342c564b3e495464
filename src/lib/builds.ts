import { downloadSize, type CatalogEntry } from '../../workers/shared/catalog';
import { autoGgufDevice, cpuThreads, hasUsableGpu, threadsText, type DeviceReport, type GgufDeviceChoice } from '../../workers/shared/device';
import type { KvCache, LoadedModel } from '../../workers/shared/engineProtocol';
import { formatBytes } from './format';

/** The model a build is of, e.g. "Llama 3.2 1B Instruct" (its display name without the build). */
export function modelName(entry: CatalogEntry): string {
  return entry.displayName.replace(/\s*\([^)]*\)\s*$/, '').trim() || entry.displayName;
}

/** Where llama.cpp runs a GGUF build with the user's choice on this device (Automatic: a real GPU, else the CPU). */
export function ggufTarget(choice: GgufDeviceChoice, device: DeviceReport | null): 'webgpu' | 'cpu' {
  if (choice !== 'auto') return choice;
  return device ? autoGgufDevice(device) : 'cpu';
}

/** Which engine runs a build, in words; a GGUF build runs where `ggufOn` says. */
export function engineLabel(entry: CatalogEntry, ggufOn: 'webgpu' | 'cpu' = 'cpu'): string {
  if (entry.engine === 'webllm') return 'GPU (WebGPU)';
  return ggufOn === 'webgpu' ? 'GPU (llama.cpp, WebGPU)' : 'CPU';
}

/** Which engine runs a loaded model and where, e.g. "llama.cpp on CPU, 2 threads". */
export function runsOnText(loaded: Pick<LoadedModel, 'engine' | 'runsOn'>): string {
  return `${loaded.engine === 'wllama' ? 'llama.cpp' : 'web-llm'} on ${loaded.runsOn.label}`;
}

/** llama.cpp's KV cache as it reported it, e.g. "f32, 256 MiB, flash attention off" or "q8_0 (Hadamard-rotated), 136 MiB, flash attention on". */
export function kvCacheText(kv: KvCache): string {
  const flash = kv.flashAttention === null ? '' : `, flash attention ${kv.flashAttention ? 'on' : 'off'}`;
  // One type when keys and values share it (what Hearth asks for), else both.
  const types = kv.keyType === kv.valueType ? kv.keyType : `K ${kv.keyType} / V ${kv.valueType}`;
  return `${types}${kv.rotated ? ' (Hadamard-rotated)' : ''}, ${kv.mib.toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB${flash}`;
}

/** The build in a few words: quantization and engine, e.g. "Q4_K_M · CPU". */
export function buildLabel(entry: CatalogEntry, ggufOn: 'webgpu' | 'cpu' = 'cpu'): string {
  return `${entry.quantization} · ${engineLabel(entry, ggufOn)}`;
}

/** The download size in words, e.g. "808 MB" or "≈ 710 MB" before pinning. */
export function sizeLabel(entry: CatalogEntry): string {
  const size = downloadSize(entry);
  return `${size.exact ? '' : '≈ '}${formatBytes(size.bytes)}`;
}

/** Whether this device can run a build, and if not, why, in plain words. */
export type Runnable = { ok: true; note?: string } | { ok: false; reason: string };

/** Whether a build can run on this device (judged from the device probe). */
export function runnable(entry: CatalogEntry, device: DeviceReport | null): Runnable {
  if (entry.engine === 'wllama' || !device) return { ok: true };
  if (!device.webgpu) return { ok: false, reason: 'Needs WebGPU, which this browser or device does not offer.' };
  if (entry.requiredFeatures.includes('shader-f16') && !device.shaderF16) {
    return { ok: false, reason: 'Needs 16-bit GPU shaders (shader-f16), which this GPU does not offer.' };
  }
  if (device.fallbackAdapter) return { ok: true, note: 'Runs on a software GPU here: slower than the CPU build.' };
  return { ok: true };
}

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
  /** The build it would run (the smallest model), or null when the list has none. */
  entry: CatalogEntry | null;
}

/** The build recommended for a device, where it runs, and why, in one plain sentence. */
export interface Recommendation {
  entry: CatalogEntry;
  /** For a GGUF build: where llama.cpp runs it. */
  ggufDevice?: 'webgpu' | 'cpu';
  reason: string;
}

/** The builds to choose from: a host that publishes its own list offers its own entries (the ones it can serve). */
function choices(hosted: CatalogEntry[], builtin: CatalogEntry[]): CatalogEntry[] {
  return [...(hosted.length > 0 ? hosted : builtin)].sort((a, b) => a.parameters - b.parameters);
}

/** How llama.cpp runs on this CPU, in one clause (the threads it really uses). */
function cpuClause(device: DeviceReport, threads: number): string {
  if (!device.crossOriginIsolated) return `on the CPU with ${threadsText(1)} (this page cannot share memory between threads)`;
  return `on the CPU with ${threadsText(threads)} of ${device.cores} cores`;
}

/** Why there is no GPU to use, as a sentence. */
function noGpu(device: DeviceReport): string {
  return device.webgpu ? 'The only GPU here is a software one, slower than the CPU.' : 'No WebGPU here.';
}

/**
 * Every way to run a model on this device, best first: web-llm's q4f16_1 build (needs
 * `shader-f16`), its q4f32_1 build, llama.cpp on WebGPU, llama.cpp on the CPU; a software
 * adapter counts as no GPU. Each with the build it would run and one plain reason.
 */
export function rankOptions(device: DeviceReport, hosted: CatalogEntry[], builtin: CatalogEntry[], threads = cpuThreads(device)): RankedOption[] {
  const pool = choices(hosted, builtin);
  const first = (test: (e: CatalogEntry) => boolean): CatalogEntry | null => pool.find(test) ?? null;
  const f16 = (e: CatalogEntry): boolean => e.requiredFeatures.includes('shader-f16');
  const gpu = hasUsableGpu(device);
  return [
    {
      option: 'webllm-f16',
      name: 'web-llm on WebGPU, 16-bit build (q4f16_1)',
      usable: gpu && device.shaderF16,
      why: !gpu ? noGpu(device) : device.shaderF16 ? 'Your GPU has 16-bit shaders: the fastest and smallest build.' : 'Your GPU lacks 16-bit shaders (shader-f16), which this build needs.',
      entry: first((e) => e.engine === 'webllm' && f16(e)),
    },
    {
      option: 'webllm-f32',
      name: 'web-llm on WebGPU, 32-bit build (q4f32_1)',
      usable: gpu,
      why: gpu ? 'Runs on any WebGPU GPU, with more memory than the 16-bit build.' : noGpu(device),
      entry: first((e) => e.engine === 'webllm' && !f16(e)),
    },
    {
      option: 'llamacpp-webgpu',
      name: 'llama.cpp on WebGPU (GGUF build)',
      usable: gpu,
      why: gpu ? 'llama.cpp can run the GGUF build on your GPU, usually slower than web-llm.' : noGpu(device),
      entry: first((e) => e.engine === 'wllama'),
    },
    {
      option: 'llamacpp-cpu',
      name: 'llama.cpp on the CPU (GGUF build)',
      usable: true,
      why: `Runs everywhere, more slowly than a GPU: llama.cpp runs ${cpuClause(device, threads)}.`,
      entry: first((e) => e.engine === 'wllama'),
    },
  ];
}

/**
 * Picks the build to start with: the first usable option of `rankOptions` whose build this
 * device can run. A host that publishes its own list (a mirror, or the local test host) offers
 * its own entries first. The smallest model first: it runs well on most devices.
 */
export function recommend(device: DeviceReport, hosted: CatalogEntry[], builtin: CatalogEntry[], threads = cpuThreads(device)): Recommendation | null {
  const best = rankOptions(device, hosted, builtin, threads).find((o) => o.usable && o.entry && runnable(o.entry, device).ok);
  if (!best?.entry) return null;
  const entry = best.entry;
  switch (best.option) {
    case 'webllm-f16':
      return { entry, reason: 'Your GPU supports WebGPU with 16-bit shaders: this build is the fastest and smallest.' };
    case 'webllm-f32':
      return { entry, reason: 'Your GPU supports WebGPU without 16-bit shaders: this build runs on it.' };
    case 'llamacpp-webgpu':
      return { entry, ggufDevice: 'webgpu', reason: 'Your GPU supports WebGPU: llama.cpp runs this build on it.' };
    case 'llamacpp-cpu':
      return { entry, ggufDevice: 'cpu', reason: `${noGpu(device).replace(/\.$/, ',')} so llama.cpp runs it ${cpuClause(device, threads)}.` };
  }
}

/** One sentence about this device, for the first run and the settings. */
export function describeDevice(device: DeviceReport): string {
  const cores = `${device.cores} CPU core${device.cores === 1 ? '' : 's'}`;
  if (!device.webgpu) return `This device has no WebGPU, so Hearth runs models on its ${cores}.`;
  if (device.fallbackAdapter) return `This device offers only a software GPU (slower than its ${cores}), so Hearth runs models on the CPU.`;
  return `This device has a WebGPU GPU${device.shaderF16 ? ' with 16-bit shaders' : ''} and ${cores}.`;
}

/** Builds grouped by the model they are of, in catalog order. */
export function groupByModel(entries: CatalogEntry[]): { name: string; builds: CatalogEntry[] }[] {
  const groups = new Map<string, CatalogEntry[]>();
  for (const e of entries) groups.set(modelName(e), [...(groups.get(modelName(e)) ?? []), e]);
  return [...groups].map(([name, builds]) => ({ name, builds }));
}
