import type { DeviceReport } from './device';

/** The little of WebGPU we read (no @webgpu/types dependency for four fields). */
interface GpuAdapterLike {
  features: { has(name: string): boolean };
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

/** Probes WebGPU and the CPU from a worker, before anything is downloaded. */
export async function probeDevice(): Promise<DeviceReport> {
  const base = {
    cores: navigator.hardwareConcurrency || 1,
    crossOriginIsolated: self.crossOriginIsolated === true,
    shaderF16: false,
    fallbackAdapter: false,
    maxBufferSize: 0,
    maxStorageBufferBindingSize: 0,
  };
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (!gpu) return { ...base, webgpu: false, webgpuProblem: 'this browser has no WebGPU' };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { ...base, webgpu: false, webgpuProblem: `requesting a GPU adapter failed: ${String(error)}` };
  }
  if (!adapter) return { ...base, webgpu: false, webgpuProblem: 'no GPU adapter is available (WebGPU disabled, blocked or unsupported here)' };
  const info = adapter.info ?? {};
  return {
    ...base,
    webgpu: true,
    shaderF16: adapter.features.has('shader-f16'),
    fallbackAdapter: adapter.isFallbackAdapter ?? info.isFallbackAdapter ?? false,
    adapter: { vendor: info.vendor ?? '', architecture: info.architecture ?? '', description: info.description ?? '' },
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}
