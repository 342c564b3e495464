/**
 * The last step of a web-llm-bound file: hash the received bytes, and only if they are what the
 * manifest expects, put them in web-llm's cache. It runs in a worker of its own
 * (`writer.worker.ts`, reached through `writerClient.ts`) because both halves are heavy work on
 * the calling thread: WebCrypto hashes on it (~800 MB/s), and IndexedDB serializes the value
 * on it (~300 MB/s). The store worker's thread is left to receive the next files meanwhile.
 */
import type { Expected, FileTarget } from '../shared/storeProtocol';
import { verifyBytes } from './hashing';
import { timed } from './timeline';
import { putWebllmRecord } from './webllmCache';

export interface WholeFileCommit {
  /** For the timeline's marks. */
  path: string;
  /** Exactly the file's bytes (transferred here, never copied). */
  buffer: ArrayBuffer;
  expected: Expected;
  /** Expected size, -1 when unknown. */
  size: number;
  target: Extract<FileTarget, { kind: 'webllm' }>;
}

export type CommitResult =
  /** Verified and in web-llm's cache. */
  | { kind: 'stored'; sha256: string }
  /** Not what the manifest expects: nothing was written. */
  | { kind: 'mismatch'; sha256: string; length: number }
  /** Verified, but the write (or the JSON parse of `tensor-cache.json`) failed. */
  | { kind: 'failed'; stage: 'parse' | 'put'; name: string; message: string; sha256: string };

/** Hashes, checks and (only if it matches) stores one file. Never throws: the result says. */
export async function commitWhole(commit: WholeFileCommit): Promise<CommitResult> {
  const { buffer, target, path } = commit;
  const { sha256, matches } = await timed('hash', path, () => verifyBytes(new Uint8Array(buffer), commit.expected, commit.size));
  if (!matches) return { kind: 'mismatch', sha256, length: buffer.byteLength };
  let data: unknown = buffer;
  try {
    if (target.storeAs === 'json') data = JSON.parse(new TextDecoder().decode(buffer));
  } catch (error) {
    return { kind: 'failed', stage: 'parse', ...described(error), sha256 };
  }
  try {
    await timed('write', path, () => putWebllmRecord(target.scope, target.key, data));
  } catch (error) {
    return { kind: 'failed', stage: 'put', ...described(error), sha256 };
  }
  return { kind: 'stored', sha256 };
}

function described(error: unknown): { name: string; message: string } {
  return error instanceof Error || error instanceof DOMException ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}

/** The writer worker's API. */
export const writerApi = {
  /** Answers once the worker runs: nothing is transferred to a worker that did not start. */
  ping(): true {
    return true;
  },
  commitWhole,
};

export type WriterApi = typeof writerApi;
