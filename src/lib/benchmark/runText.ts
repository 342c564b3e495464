import type { BenchmarkDevice, BenchmarkRun } from './types';

/** The GPU and CPU in one line, e.g. `WebGPU: google swiftshader (a software adapter); 2 cores`. */
export function describeRunDevice(d: BenchmarkDevice): string {
  const adapter = d.adapter ? [d.adapter.vendor, d.adapter.architecture].filter(Boolean).join(' ') || d.adapter.description || 'unnamed adapter' : '';
  const gpu = d.webgpu ? `WebGPU: ${adapter}${d.fallbackAdapter ? ' (a software adapter)' : ''}` : `No WebGPU: ${d.webgpuProblem ?? 'not available'}`;
  return `${gpu}; ${d.hardwareConcurrency} ${d.hardwareConcurrency === 1 ? 'core' : 'cores'}`;
}

/** When a run started, in the reader's locale, e.g. `2 Dec 2026, 01:05`. */
export function runDate(run: BenchmarkRun): string {
  return new Date(run.startedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The footer of an exported image: the device and the date, so a shared picture says what it measured. */
export function runFooter(run: BenchmarkRun): string {
  return `Hearth ${run.appVersion} · ${describeRunDevice(run.device)} · ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC · temperature ${run.sampling.temperature}, ${run.sampling.maxTokens} max tokens`;
}
