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
