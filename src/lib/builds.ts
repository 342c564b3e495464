import { downloadSize, type CatalogEntry } from '../../workers/shared/catalog';
import type { DeviceReport } from '../../workers/shared/device';
import { formatBytes } from './format';

/** The model a build is of, e.g. "Llama 3.2 1B Instruct" (its display name without the build). */
export function modelName(entry: CatalogEntry): string {
  return entry.displayName.replace(/\s*\([^)]*\)\s*$/, '').trim() || entry.displayName;
}

/** Which engine runs a build, in words. */
export function engineLabel(entry: CatalogEntry): string {
  return entry.engine === 'webllm' ? 'GPU (WebGPU)' : 'CPU';
}

/** The build in a few words: quantization and engine, e.g. "Q4_K_M · CPU". */
export function buildLabel(entry: CatalogEntry): string {
  return `${entry.quantization} · ${engineLabel(entry)}`;
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

/** The build recommended for a device, and why, in one plain sentence. */
export interface Recommendation {
  entry: CatalogEntry;
  reason: string;
}

/**
 * Picks the build to start with. A host that publishes its own list (a mirror, or the local
 * test host) offers its own entries first: they are the ones it can serve. Among those that can
 * run here: the q4f16_1 build on a GPU with 16-bit shaders (fastest, smallest), q4f32_1 on
 * another real GPU, and the CPU build without WebGPU or with only a software adapter (slower
 * than the CPU engine). The smallest model first: it runs well on most devices.
 */
export function recommend(device: DeviceReport, hosted: CatalogEntry[], builtin: CatalogEntry[]): Recommendation | null {
  const pool = (hosted.length > 0 ? hosted : builtin).filter((e) => runnable(e, device).ok);
  const bySize = [...pool].sort((a, b) => a.parameters - b.parameters);
  const pick = (test: (e: CatalogEntry) => boolean): CatalogEntry | undefined => bySize.find(test);
  const gpu = device.webgpu && !device.fallbackAdapter;
  if (gpu && device.shaderF16) {
    const e = pick((x) => x.engine === 'webllm' && x.requiredFeatures.includes('shader-f16'));
    if (e) return { entry: e, reason: 'Your GPU supports WebGPU with 16-bit shaders: this build is the fastest and smallest.' };
  }
  if (gpu) {
    const e = pick((x) => x.engine === 'webllm' && !x.requiredFeatures.includes('shader-f16'));
    if (e) return { entry: e, reason: 'Your GPU supports WebGPU without 16-bit shaders: this build runs on it.' };
  }
  const cpu = pick((x) => x.engine === 'wllama');
  if (!cpu) return null;
  const reason = !device.webgpu
    ? 'No WebGPU here, so it runs on the CPU.'
    : gpu
      ? 'It runs on the CPU.'
      : 'The only GPU here is a software one, slower than the CPU, so it runs on the CPU.';
  return { entry: cpu, reason };
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
