/**
 * Contract with @wllama/wllama 3.8.1 (pinned): the entry and wasm paths we import, and the
 * methods the CPU engine calls. Real generation through them is proved by the browser tests;
 * this fails fast, with a clear message, when an upgrade moves or renames them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import wllamaPackage from '@wllama/wllama/package.json' with { type: 'json' };

const root = 'node_modules/@wllama/wllama';

describe('wllama 3.8.1 contract', () => {
  it('is the pinned version', () => {
    expect(wllamaPackage.version).toBe('3.8.1');
  });

  it('ships the ESM bundle and the wasm at the paths the engine imports', () => {
    expect(existsSync(`${root}/esm/index.js`)).toBe(true);
    expect(existsSync(`${root}/esm/index.d.ts`)).toBe(true);
    const wasm = readFileSync(`${root}/esm/wasm/wllama.wasm`);
    expect([...wasm.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
  });

  it('declares every method the CPU engine calls', () => {
    const types = readFileSync(`${root}/esm/wllama.d.ts`, 'utf8');
    for (const method of ['setCompat(', 'loadModel(', 'getChatTemplate(', 'mustAddBosToken(', 'createCompletion(', 'isMultithread(', 'getNumThreads(', 'exit(']) {
      expect(types, method).toContain(method);
    }
    // Streaming completions and abort: the engine relies on both.
    const params = readFileSync(`${root}/esm/types/oai-compat.d.ts`, 'utf8');
    expect(params).toMatch(/RawCompletionParams = \{\s*prompt: string \| string\[\];\s*stream\?: boolean;[\s\S]*abortSignal\?: AbortSignal;/);
    expect(params).toContain('predicted_per_second: number;');
  });
});
