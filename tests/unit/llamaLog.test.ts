/**
 * Reading where llama.cpp put a model from its load log. The lines below are from real loads
 * (wllama 3.13.0 in headless Chromium, with and without --enable-unsafe-webgpu); the contract
 * test in wllamaContract.test.ts renders the same lines from the format strings in the pinned
 * wasm, so an upgrade that changes them fails there.
 */
import { describe, expect, it } from 'vitest';
import { placementDevices, readPlacement } from '../../workers/engine/llamaLog';
import { llamaRunsOn } from '../../workers/engine/runsOn';

const cpuLoad = [
  'Multithread enabled: true, pthreadPoolSize: 2',
  'ggml_webgpu: Failed to get an adapter: WebGPU not available on this browser (requestAdapter returned null)',
  'load_tensors: loading model tensors, this can take a while... (load_mode = none)',
  'load_tensors:          CPU model buffer size =     0.53 MiB',
  'llama_context:        CPU  output buffer size =     0.01 MiB',
  'llama_kv_cache:        CPU KV buffer size =     0.25 MiB',
  'llama_kv_cache: size =    0.25 MiB (  1024 cells,   2 layers,  1/1 seqs), K (f16):    0.12 MiB, V (f16):    0.12 MiB',
  'sched_reserve:        CPU compute buffer size =     2.16 MiB',
];
// As llama.cpp prints a full offload: the input embedding stays on the CPU.
const gpuLoad = [
  'load_tensors: offloading 8 repeating layers to GPU',
  'load_tensors: offloaded 9/9 layers to GPU',
  'load_tensors:   CPU_Mapped model buffer size =    62.50 MiB',
  'load_tensors:       WebGPU model buffer size =   168.54 MiB',
  'llama_kv_cache:     WebGPU KV buffer size =    16.00 MiB',
  'sched_reserve:     WebGPU compute buffer size =    66.50 MiB',
];

describe('readPlacement', () => {
  it('reads a CPU load: every buffer on the CPU, and why WebGPU was not used', () => {
    const p = readPlacement(cpuLoad);
    expect(p.buffers).toEqual([
      { backend: 'CPU', kind: 'model', mib: 0.53 },
      { backend: 'CPU', kind: 'output', mib: 0.01 },
      { backend: 'CPU', kind: 'KV', mib: 0.25 },
      { backend: 'CPU', kind: 'compute', mib: 2.16 },
    ]);
    expect(p.gpuProblem).toBe('WebGPU not available on this browser (requestAdapter returned null)');
    expect(placementDevices(p)).toEqual({ model: 'cpu', kv: 'cpu' });
  });

  it('reads a full WebGPU offload as WebGPU, though the embedding sits on the CPU', () => {
    const p = readPlacement(gpuLoad);
    expect(p.offloaded).toEqual({ on: 9, of: 9 });
    expect(placementDevices(p)).toEqual({ model: 'webgpu', kv: 'webgpu' });
  });

  it('reads a partial offload as mixed, and a log without buffer lines as unknown', () => {
    const partial = readPlacement(['load_tensors: offloaded 4/9 layers to GPU', 'load_tensors:       WebGPU model buffer size =   80.00 MiB', 'load_tensors:          CPU model buffer size =   90.00 MiB', 'llama_kv_cache:        CPU KV buffer size =     8.00 MiB', 'llama_kv_cache:     WebGPU KV buffer size =     8.00 MiB']);
    expect(placementDevices(partial)).toEqual({ model: 'mixed', kv: 'mixed' });
    expect(placementDevices(readPlacement(['something else entirely']))).toEqual({ model: 'unknown', kv: 'unknown' });
  });

  it('finds a failed GPU allocation and a lost device', () => {
    const p = readPlacement(['load_tensors: failed to allocate WebGPU buffer of size 268435456', 'ggml_webgpu: Device lost! Reason: 2, Message: destroyed']);
    expect(p.allocationFailure).toEqual({ backend: 'WebGPU', bytes: 268435456 });
    expect(p.deviceLost).toBe('Reason: 2, Message: destroyed');
    expect(readPlacement(['llama_model_load: unable to allocate WebGPU buffer']).allocationFailure).toEqual({ backend: 'WebGPU', bytes: null });
  });
});

describe('llamaRunsOn', () => {
  it('says CPU when WebGPU was asked for and llama.cpp kept the model on the CPU', () => {
    const r = llamaRunsOn(readPlacement(cpuLoad), { device: 'webgpu', chosenByUser: true }, 2);
    expect(r).toMatchObject({ device: 'cpu', kvDevice: 'cpu', threads: 2, requested: 'webgpu', label: 'CPU, 2 threads' });
    expect(r.note).toBe('You chose WebGPU, but llama.cpp put the model on the CPU: its WebGPU backend found no GPU adapter.');
  });

  it("says why Hearth chose the CPU, and that llama.cpp did as asked", () => {
    const r = llamaRunsOn(readPlacement(cpuLoad.filter((l) => !l.includes('ggml_webgpu'))), { device: 'cpu', chosenByUser: false, why: 'WebGPU is not available in this browser' }, 1);
    expect(r.label).toBe('CPU, 1 thread');
    expect(r.note).toBe('Hearth chose the CPU (WebGPU is not available in this browser); llama.cpp put the model on the CPU.');
  });

  it('labels a GPU run without threads, and a partial one with its layers', () => {
    expect(llamaRunsOn(readPlacement(gpuLoad), { device: 'webgpu', chosenByUser: false, why: 'this GPU supports WebGPU' }, 2)).toMatchObject({ label: 'WebGPU', threads: null, gpuLayers: { on: 9, of: 9 } });
    const partial = readPlacement(['load_tensors: offloaded 4/9 layers to GPU', 'load_tensors:       WebGPU model buffer size =   80.00 MiB', 'load_tensors:          CPU model buffer size =   90.00 MiB']);
    expect(llamaRunsOn(partial, { device: 'webgpu', chosenByUser: true }, 2).label).toBe('WebGPU (4 of 9 layers) and CPU, 2 threads');
  });
});
