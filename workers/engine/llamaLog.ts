import type { ComputeDevice, KvCache } from '../shared/engineProtocol';
import { headsNotWholeBlocks } from './llamaAttention';

/**
 * Reads where llama.cpp put a model from its own load log, not from what was asked: wllama
 * offloads to WebGPU only when llama.cpp's WebGPU backend takes the adapter, and says so only
 * there. The lines read (llama.cpp's format strings; tests/unit/wllamaContract.test.ts checks
 * they are still in the pinned wasm):
 *
 *   load_tensors:          CPU model buffer size =   231.04 MiB     (`%s: %12s model buffer size = %8.2f MiB`)
 *   llama_kv_cache:     WebGPU KV buffer size =    16.00 MiB        (`%s: %10s KV buffer size = %8.2f MiB`)
 *   load_tensors: offloaded 9/9 layers to GPU                       (`%s: offloaded %d/%d layers to GPU`)
 *   ggml_webgpu: Failed to get an adapter: …                        (no GPU for llama.cpp)
 *   …: failed to allocate WebGPU buffer of size 268435456           (`%s: failed to allocate %s buffer of size %zu`)
 *   llama_context: flash_attn    = disabled                         (`%s: flash_attn            = %s`)
 *   llama_kv_cache: size =   32.00 MiB (  2048 cells,   8 layers,  1/1 seqs), K (f32):   16.00 MiB, V (f32):   16.00 MiB
 *                                                                   (`%s: size = %7.2f MiB (%6u cells, %3d layers, %2u/%u seqs), K (%s): %7.2f MiB, V (%s): %7.2f MiB`)
 *   resolve_fused_ops: Flash Attention enabled                      (`%s: %s enabled`, or `%s: %s not supported, set to disabled`:
 *                                                                     auto, settled once the first graph is built)
 */

/** One buffer llama.cpp reported allocating. */
export interface LlamaBuffer {
  kind: 'model' | 'KV' | 'compute' | 'output';
  /** The ggml buffer type, e.g. `CPU`, `CPU_Mapped`, `CPU_REPACK`, `WebGPU`. */
  backend: string;
  mib: number;
}

/** What a load log says about placement. */
export interface LlamaPlacement {
  buffers: LlamaBuffer[];
  /** From `offloaded N/M layers to GPU`, when llama.cpp printed it. */
  offloaded: { on: number; of: number } | null;
  /** Why llama.cpp's WebGPU backend found no GPU, when it said. */
  gpuProblem: string | null;
  /** A buffer llama.cpp could not allocate: which backend, how many bytes. */
  allocationFailure: { backend: string; bytes: number | null } | null;
  /** The device lost message, when the GPU went away. */
  deviceLost: string | null;
}

const bufferLine = /^\s*\w+:\s+(\S+)\s+(model|KV|compute|output) buffer size =\s*([\d.]+) MiB/;
const offloadedLine = /offloaded (\d+)\/(\d+) layers to GPU/;
const noAdapterLine = /ggml_webgpu: Failed to get an? (adapter|device): (.*)$/;
const allocFailLine = /failed to allocate (\S+) buffer of size (\d+)|unable to allocate (\S+) buffer/;
const deviceLostLine = /ggml_webgpu: Device lost! (.*)$/;

/** Reads the lines of a load (or any later) log. */
export function readPlacement(lines: readonly string[]): LlamaPlacement {
  const placement: LlamaPlacement = { buffers: [], offloaded: null, gpuProblem: null, allocationFailure: null, deviceLost: null };
  for (const line of lines) {
    const buffer = bufferLine.exec(line);
    if (buffer) placement.buffers.push({ backend: buffer[1], kind: buffer[2] as LlamaBuffer['kind'], mib: Number(buffer[3]) });
    const offloaded = offloadedLine.exec(line);
    if (offloaded) placement.offloaded = { on: Number(offloaded[1]), of: Number(offloaded[2]) };
    const noAdapter = noAdapterLine.exec(line);
    if (noAdapter) placement.gpuProblem = noAdapter[2].trim();
    const alloc = allocFailLine.exec(line);
    if (alloc && !placement.allocationFailure) placement.allocationFailure = { backend: alloc[1] ?? alloc[3], bytes: alloc[2] ? Number(alloc[2]) : null };
    const lost = deviceLostLine.exec(line);
    if (lost) placement.deviceLost = lost[1].trim();
  }
  return placement;
}

const kvCacheLine = /: size =\s*([\d.]+) MiB \(.*\), K \((\w+)\):.*V \((\w+)\):/;
const flashAttnSetting = /: flash_attn\s+= (\w+)/;
const flashAttnResolved = /: Flash Attention (enabled|not supported, set to disabled)$/;
/** `%s: n_rot_k = %u, n_embd_head_k_all = %d` (and `n_rot_v`): the size of the rotation, printed when there is one. */
const rotationLine = /: n_rot_[kv] = (\d+), /;

/** Reads the KV cache llama.cpp allocated and whether it uses flash attention; null when the log has no KV cache line. */
export function readKvCache(lines: readonly string[]): KvCache | null {
  let cache: Omit<KvCache, 'flashAttention' | 'rotated'> | null = null;
  let mib = 0;
  let rotated = false;
  let setting: string | null = null;
  let resolved: string | null = null;
  for (const line of lines) {
    const kv = kvCacheLine.exec(line);
    if (kv) {
      mib += Number(kv[1]);
      cache = { mib, keyType: kv[2], valueType: kv[3] };
    }
    setting = flashAttnSetting.exec(line)?.[1] ?? setting;
    resolved = flashAttnResolved.exec(line)?.[1] ?? resolved;
    rotated ||= Number(rotationLine.exec(line)?.[1] ?? 0) > 0;
  }
  if (!cache) return null;
  // `auto` is settled by a later line; an explicit setting is what it is.
  const said = resolved ?? (setting === 'auto' ? null : setting);
  return { ...cache, flashAttention: said === null ? null : said === 'enabled', rotated };
}

const cacheTypeRefusal = /: [KV] cache type (\w+) with block size (\d+) does not divide n_embd_head_[kv]=(\d+)/;

/**
 * Why llama.cpp refused the KV cache type asked for, in plain words, or null: a quantized cache
 * holds whole blocks (32 values for q8_0), so a head size that is not a multiple of the block
 * cannot be kept in it (llama.cpp then creates no context).
 */
export function readCacheTypeRefusal(lines: readonly string[]): string | null {
  for (const line of lines) {
    const m = cacheTypeRefusal.exec(line);
    if (m) return headsNotWholeBlocks(Number(m[3]), Number(m[2]), m[1]);
  }
  return null;
}

/** The chip a ggml buffer type lives on. */
export function backendDevice(backend: string): 'cpu' | 'webgpu' | 'unknown' {
  if (/^CPU/i.test(backend)) return 'cpu';
  if (/^WebGPU/i.test(backend)) return 'webgpu';
  return 'unknown';
}

function devicesOf(buffers: LlamaBuffer[]): ComputeDevice {
  const devices = new Set(buffers.map((b) => backendDevice(b.backend)));
  if (devices.size === 0 || devices.has('unknown')) return 'unknown';
  if (devices.size > 1) return 'mixed';
  return devices.values().next().value as ComputeDevice;
}

/**
 * Where the model's layers and its KV cache live. The input embedding always stays on the CPU,
 * so a CPU model buffer beside a WebGPU one still means "on the GPU": the layer count decides.
 */
export function placementDevices(placement: LlamaPlacement): { model: ComputeDevice; kv: ComputeDevice } {
  const model = placement.buffers.filter((b) => b.kind === 'model');
  const kv = placement.buffers.filter((b) => b.kind === 'KV');
  let modelDevice = devicesOf(model);
  const { offloaded } = placement;
  if (offloaded && offloaded.of > 0 && model.some((b) => backendDevice(b.backend) === 'webgpu')) {
    modelDevice = offloaded.on === 0 ? 'cpu' : offloaded.on >= offloaded.of ? 'webgpu' : 'mixed';
  }
  return { model: modelDevice, kv: devicesOf(kv) };
}

/**
 * llama.cpp's log, kept while a model loads (to read where it put the model) and, after that,
 * only its last lines (to tell a lost GPU or a failed allocation from other failures).
 */
export class LlamaLog {
  lines: string[] = [];
  #loading = true;
  readonly logger = {
    debug: (...args: unknown[]) => this.#push(args),
    log: (...args: unknown[]) => this.#push(args),
    warn: (...args: unknown[]) => this.#push(args),
    error: (...args: unknown[]) => {
      this.#push(args);
      console.error(...args);
    },
  };

  #push(args: unknown[]): void {
    const line = args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : '')).join(' ');
    if (!line) return;
    this.lines.push(line);
    if (!this.#loading && this.lines.length > 40) this.lines.splice(0, this.lines.length - 40);
  }

  loaded(): void {
    this.#loading = false;
    this.lines = [];
  }
}
