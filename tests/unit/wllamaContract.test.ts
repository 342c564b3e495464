/**
 * Contract with @wllama/wllama 3.13.0 (pinned): the entry and wasm we import, the methods and
 * load options the GGUF engine relies on, the llama.cpp log lines it reads to know where the
 * model runs, and that a null compat never reaches for the CDN build. Real generation through
 * them is proved by the browser tests; this fails fast, with a clear message, on an upgrade.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import wllamaPackage from '@wllama/wllama/package.json' with { type: 'json' };
import { placementDevices, readCacheTypeRefusal, readKvCache, readPlacement } from '../../workers/engine/llamaLog';

const root = 'node_modules/@wllama/wllama';
const bundle = readFileSync(`${root}/esm/index.js`, 'utf8');
const wasm = readFileSync(`${root}/esm/wasm/wllama.wasm`);
const wasmText = wasm.toString('latin1');

/** printf enough for llama.cpp's log lines: %s, %Ns, %d, %u, %zu, %N.Nf. */
function printf(format: string, ...args: (string | number)[]): string {
  let i = 0;
  return format.replace(/%(-?\d*)(?:\.(\d+))?(s|d|u|zu|f)/g, (_m, width: string, precision: string | undefined, type: string) => {
    const value = args[i++];
    const text = type === 'f' ? Number(value).toFixed(Number(precision ?? 6)) : String(value);
    return text.padStart(Number(width || 0));
  });
}

describe('wllama 3.13.0 contract', () => {
  it('is the pinned version', () => {
    expect(wllamaPackage.version).toBe('3.13.0');
  });

  it('ships the ESM bundle and the wasm at the paths the engine imports', () => {
    expect(wllamaPackage.exports['.'].import.default).toBe('./esm/index.js');
    expect(wllamaPackage.exports['./*']).toBe('./*');
    expect(existsSync(`${root}/esm/index.d.ts`)).toBe(true);
    expect([...wasm.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
  });

  it('serves a wasm from the same llama.cpp build as the bundle (its version check passes)', () => {
    const version = /LIBLLAMA_VERSION = "b\d+-([0-9a-f]+)"/.exec(bundle)?.[1];
    expect(version, 'LIBLLAMA_VERSION in esm/index.js').toBeTruthy();
    expect(wasmText.includes(version ?? '-'), `wasm built from llama.cpp ${version}`).toBe(true);
  });

  it('declares every method and option the GGUF engine uses', () => {
    const types = readFileSync(`${root}/esm/wllama.d.ts`, 'utf8');
    for (const method of ['setCompat(', 'loadModel(', 'getChatTemplate(', 'mustAddBosToken(', 'createCompletion(', 'isMultithread(', 'getNumThreads(', 'exit(']) {
      expect(types, method).toContain(method);
    }
    const load = readFileSync(`${root}/esm/types/types.d.ts`, 'utf8');
    for (const option of ['n_ctx?: number', 'n_threads?: number', 'n_gpu_layers?: number', 'n_parallel?: number', 'n_cache_reuse?: number', 'flash_attn?: boolean']) expect(load, option).toContain(option);
    // The cache types Hearth asks for (f32, and q8_0 past the f32 budget).
    for (const option of ['cache_type_k', 'cache_type_v']) expect(load, option).toMatch(new RegExp(`${option}\\?: 'f32' \\| 'f16' \\| 'q8_0'`));
    // Streaming completions, abort, and the cache and speed figures of every reply.
    const params = readFileSync(`${root}/esm/types/oai-compat.d.ts`, 'utf8');
    expect(params).toMatch(/RawCompletionParams = \{\s*prompt: string \| string\[\];\s*stream\?: boolean;[\s\S]*abortSignal\?: AbortSignal;/);
    for (const field of ['cache_n: number;', 'prompt_n: number;', 'predicted_per_second: number;', 'cached_tokens: number;']) expect(params, field).toContain(field);
  });

  it('keeps llama.cpp off WebGPU entirely for n_gpu_layers 0, and passes the load options through', () => {
    expect(/if \(params\.n_gpu_layers === 0\) \{\s*(\/\/[^\n]*\s*)?workerResources\.noWebGPU = true;/.test(bundle), 'n_gpu_layers 0 sets noWebGPU').toBe(true);
    for (const option of [/n_gpu_layers: \(\w+ = params\.n_gpu_layers\) != null \? \w+ : 99999/, /n_parallel: \(\w+ = params\.n_parallel\) != null/, /n_cache_reuse: params\.n_cache_reuse/, /flash_attn: params\.flash_attn/, /cache_type_k: params\.cache_type_k/, /cache_type_v: params\.cache_type_v/]) {
      expect(option.test(bundle), String(option)).toBe(true);
    }
  });

  it('never loads the CDN compat build once compat is null (Chromium has JSPI and Memory64)', () => {
    expect(bundle.includes('this.compat = compat === "default" ? WasmCompatFromCDN : compat;'), 'setCompat(null) clears compat').toBe(true);
    expect(/if \(needCompat\(\)\) \{\s*if \(!this\.compat\) \{/.test(bundle), 'no compat, no CDN').toBe(true);
    // The only remote code the bundle names is that compat build.
    const remote = [...new Set(bundle.match(/https:\/\/cdn[^"'`\s]*/g) ?? [])];
    expect(remote).toEqual(['https://cdn.jsdelivr.net/npm/@wllama/wllama-compat@3.13.0/wasm/wllama.js', 'https://cdn.jsdelivr.net/npm/@wllama/wllama-compat@3.13.0/wasm/wllama.wasm']);
  });

  it('forwards the native log to the logger (INFO lines to debug) when it is not suppressed', () => {
    expect(bundle.includes("level: (matched[1] === 'INFO' ? 'debug' : matched[1]).toLowerCase()"), 'INFO lines go to debug').toBe(true);
    expect(bundle.includes('if (verb.endsWith("debug")) this.logger.debug(...args);'), 'debug reaches the logger').toBe(true);
  });

  // The log lines the engine reads, as the pinned llama.cpp prints them: rendered from the
  // format strings in the wasm and read back by the engine's parser.
  const formats = {
    model: '%s: %12s model buffer size = %8.2f MiB',
    kv: '%s: %10s KV buffer size = %8.2f MiB',
    offloaded: '%s: offloaded %d/%d layers to GPU',
    alloc: '%s: failed to allocate %s buffer of size %zu',
    noAdapter: 'ggml_webgpu: Failed to get an adapter: %s',
    lost: 'ggml_webgpu: Device lost! Reason: %d, Message: %s',
    kvCache: '%s: size = %7.2f MiB (%6u cells, %3d layers, %2u/%u seqs), K (%s): %7.2f MiB, V (%s): %7.2f MiB',
    flashAttnSetting: '%s: flash_attn            = %s',
    refusalK: '%s: K cache type %s with block size %u does not divide n_embd_head_k=%u',
    refusalV: '%s: V cache type %s with block size %u does not divide n_embd_head_v=%u',
    rotationK: '%s: n_rot_k = %u, n_embd_head_k_all = %d',
    rotationV: '%s: n_rot_v = %u, n_embd_head_k_all = %d',
    fusedEnabled: '%s: %s enabled',
    fusedDisabled: '%s: %s not supported, set to disabled',
    // The name the fused-ops lines print, merged by the linker into this message's tail (a proxy:
    // the browser suite reads the real line, webgpuOff.spec.ts).
    flashAttnName: 'requires Flash Attention',
  };

  it('still prints the log lines the engine reads', () => {
    for (const [name, format] of Object.entries(formats)) expect(wasmText.includes(format), `${name}: "${format}" in the wasm`).toBe(true);
  });

  it('reads those lines as the wasm renders them', () => {
    const cpu = readPlacement([printf(formats.model, 'load_tensors', 'CPU', 231.04), printf(formats.kv, 'llama_kv_cache', 'CPU', 16)]);
    expect(placementDevices(cpu)).toEqual({ model: 'cpu', kv: 'cpu' });
    const gpu = readPlacement([
      printf(formats.offloaded, 'load_tensors', 9, 9),
      printf(formats.model, 'load_tensors', 'CPU_Mapped', 62.5),
      printf(formats.model, 'load_tensors', 'WebGPU', 168.54),
      printf(formats.kv, 'llama_kv_cache', 'WebGPU', 16),
    ]);
    expect(placementDevices(gpu)).toEqual({ model: 'webgpu', kv: 'webgpu' });
    const failed = readPlacement([printf(formats.alloc, 'alloc_tensor_range', 'WebGPU', 268435456), printf(formats.lost, 2, 'destroyed'), printf(formats.noAdapter, 'none')]);
    expect(failed).toMatchObject({ allocationFailure: { backend: 'WebGPU', bytes: 268435456 }, deviceLost: 'Reason: 2, Message: destroyed', gpuProblem: 'none' });
  });

  it('reads the KV cache type and size, whether it is rotated, and whether flash attention is on', () => {
    const kvLine = (type: string, mib: number) => printf(formats.kvCache, 'llama_kv_cache', mib, 2048, 8, 1, 1, type, mib / 2, type, mib / 2);
    expect(readKvCache([printf(formats.flashAttnSetting, 'llama_context', 'disabled'), kvLine('f32', 32)])).toEqual({ keyType: 'f32', valueType: 'f32', mib: 32, flashAttention: false, rotated: false });
    // An 8-bit cache, rotated (the lines follow the size line, as llama.cpp prints them).
    expect(readKvCache([printf(formats.flashAttnSetting, 'llama_context', 'enabled'), kvLine('q8_0', 136), printf(formats.rotationK, 'llama_kv_cache', 128, 128), printf(formats.rotationV, 'llama_kv_cache', 64, 128)])).toEqual({ keyType: 'q8_0', valueType: 'q8_0', mib: 136, flashAttention: true, rotated: true });
    // Auto is settled by a later line.
    expect(readKvCache([printf(formats.flashAttnSetting, 'llama_context', 'auto'), kvLine('f16', 16), printf(formats.fusedEnabled, 'resolve_fused_ops', 'Flash Attention over K/V rows'), printf(formats.fusedEnabled, 'resolve_fused_ops', 'Flash Attention')])).toEqual({ keyType: 'f16', valueType: 'f16', mib: 16, flashAttention: true, rotated: false });
    expect(readKvCache([printf(formats.flashAttnSetting, 'llama_context', 'auto'), kvLine('f16', 16), printf(formats.fusedDisabled, 'resolve_fused_ops', 'Flash Attention')])).toMatchObject({ flashAttention: false });
    expect(readKvCache([printf(formats.flashAttnSetting, 'llama_context', 'auto'), kvLine('f16', 16)])).toMatchObject({ flashAttention: null });
    // A sliding-window model has two caches: both count.
    expect(readKvCache([kvLine('f32', 32), kvLine('f32', 8)])).toMatchObject({ mib: 40 });
    expect(readKvCache([printf(formats.model, 'load_tensors', 'CPU', 231.04)])).toBeNull();
  });

  it("reads llama.cpp's refusal of a cache type the model's heads do not fit", () => {
    expect(readCacheTypeRefusal([printf(formats.refusalK, 'llama_init_from_model', 'q8_0', 32, 80)])).toBe('its attention heads are 80 values wide, not whole 32-value blocks of q8_0');
    expect(readCacheTypeRefusal([printf(formats.refusalV, 'llama_init_from_model', 'q8_0', 32, 80)])).toContain('80 values wide');
    expect(readCacheTypeRefusal([printf(formats.flashAttnSetting, 'llama_context', 'enabled')])).toBeNull();
  });

  it('maps flash_attn true to llama.cpp\'s auto and false to disabled (so Hearth asks only for off, or leaves it to llama.cpp)', () => {
    const context = readFileSync(`${root}/cpp/wllama-context.h`, 'utf8');
    expect(context).toContain('params.flash_attn_type = req.flash_attn.value ? LLAMA_FLASH_ATTN_TYPE_AUTO : LLAMA_FLASH_ATTN_TYPE_DISABLED;');
    // A quantized value cache turns auto into on.
    expect(wasmText.includes('%s: enabling flash_attn since it is required for quantized V cache')).toBe(true);
  });
});
