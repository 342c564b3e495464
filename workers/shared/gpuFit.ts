import type { EngineError, GpuLimits } from './engineErrors';

/** The largest GPU buffer a build allocates (one tensor), and which tensor it is. */
export interface GpuNeed {
  bytes: number;
  tensor: string;
}

const mb = (bytes: number): string => `${Math.round(bytes / 1e6)} MB`;

/**
 * Whether a build's largest buffer fits this GPU: every tensor is one buffer (at most
 * `maxBufferSize`) bound whole to a shader (at most `maxStorageBufferBindingSize`). Phones
 * report 128–256 MB; Llama 3.2 1B's embedding alone is larger. Returns the typed error, or null.
 */
export function checkGpuFit(need: GpuNeed, limits: GpuLimits): EngineError | null {
  const limitName = limits.maxStorageBufferBindingSize <= limits.maxBufferSize ? 'maxStorageBufferBindingSize' : 'maxBufferSize';
  const limitBytes = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  if (!(limitBytes > 0) || need.bytes <= limitBytes) return null;
  return {
    name: 'TooLargeForDeviceError',
    message: `This build needs a GPU buffer of ${mb(need.bytes)} (${need.tensor}); this GPU allows at most ${mb(limitBytes)}.`,
    neededBytes: need.bytes,
    limitBytes,
    limitName,
  };
}

/** The largest tensor of an MLC build, from its `tensor-cache.json` (null when it lists none). */
export function largestMlcTensor(tensorCache: unknown): GpuNeed | null {
  const shards = (tensorCache as { records?: { records?: { name?: string; nbytes?: number }[] }[] } | null)?.records ?? [];
  let best: GpuNeed | null = null;
  for (const shard of shards) {
    for (const t of shard.records ?? []) {
      if (typeof t.nbytes === 'number' && (!best || t.nbytes > best.bytes)) best = { bytes: t.nbytes, tensor: t.name ?? 'a tensor' };
    }
  }
  return best;
}
