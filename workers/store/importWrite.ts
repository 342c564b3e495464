/**
 * Reading picked files: hashing them (slice by slice, never one buffer of a whole file, so a
 * 3 GB GGUF works) and storing them in the verified store exactly as a download would: chunk
 * files in 16 MB Blob chunks with a verified record, MLC files in web-llm's own IndexedDB
 * layout. The bytes stored are hashed again as they are written; a file that changed meanwhile
 * is refused.
 */
import { createSHA256 } from 'hash-wasm';
import { inputError } from '../shared/errors';
import type { ImportProgress, ManifestFile } from '../shared/storeProtocol';
import { chunkBytesFor } from './chunkedFile';
import { defaultTuning } from './fileDownload';
import { guardWrite, recordVerified, writeChunk } from './fileRecords';
import { dropFileBytes } from './schema';
import { putWebllmRecord } from './webllmCache';

/** Size of the slices files are read in. */
const sliceBytes = 16 << 20;

/** Reports progress over a set of files: bytes done across all of them, in one phase. */
export class ImportMeter {
  #done = 0;
  #last = 0;
  constructor(
    readonly phase: ImportProgress['phase'],
    readonly total: number,
    readonly report: (p: ImportProgress) => void,
  ) {}
  add(file: string, bytes: number): void {
    this.#done += bytes;
    const now = performance.now();
    if (now - this.#last < 100 && this.#done < this.total) return;
    this.#last = now;
    this.report({ phase: this.phase, file, bytesDone: this.#done, bytesTotal: this.total });
  }
}

async function readSlice(file: File, start: number, end: number, path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.slice(start, end).arrayBuffer());
  } catch {
    // Chromium refuses to read a picked file that changed or went away since it was picked.
    throw inputError('unreadable', path, `${path} could not be read (it changed, moved or was removed after it was picked). Pick it again.`, [path]);
  }
}

/** SHA-256 of a picked file, read slice by slice. */
export async function hashFile(file: File, path: string, meter: ImportMeter, signal?: AbortSignal): Promise<string> {
  const hasher = await createSHA256();
  hasher.init();
  for (let at = 0; at < file.size; at += sliceBytes) {
    signal?.throwIfAborted();
    const piece = await readSlice(file, at, Math.min(file.size, at + sliceBytes), path);
    hasher.update(piece);
    meter.add(path, piece.byteLength);
  }
  return hasher.digest('hex');
}

/** What one file is stored as, and what it must hash to. */
export interface StoreTarget {
  modelId: string;
  file: ManifestFile;
  source: File;
  sha256: string;
}

/** The stored bytes do not hash to what they must: against an export manifest, they are not the exported file. */
function changed(target: StoreTarget): never {
  if (target.file.trust === 'export') {
    throw inputError('export-mismatch', target.file.path, `${target.file.path} does not match the SHA-256 in its export manifest (it was damaged or replaced on the way): nothing of the model was imported.`, [target.file.path]);
  }
  throw inputError('unreadable', target.file.path, `${target.source.name} changed while it was being imported: nothing of it was kept. Pick it again.`, [target.file.path]);
}

/** Stores one file as Blob chunks (the download layout), hashing what is written; records it verified. */
async function storeChunks(target: StoreTarget, meter: ImportMeter): Promise<void> {
  const { modelId, file, source } = target;
  const ref = { modelId, file };
  const chunkBytes = chunkBytesFor(source.size, defaultTuning);
  const hasher = await createSHA256();
  hasher.init();
  await dropFileBytes(modelId, file.path);
  let index = 0;
  let done = 0;
  try {
    for (; done < source.size; index++) {
      const piece = await readSlice(source, done, Math.min(source.size, done + chunkBytes), file.path);
      hasher.update(piece);
      const next = { modelId, path: file.path, bytesDone: done + piece.byteLength, chunkCount: index + 1 };
      await guardWrite(ref, source.size - done, () => writeChunk(next, index, new Blob([piece as Uint8Array<ArrayBuffer>])));
      done += piece.byteLength;
      meter.add(file.path, piece.byteLength);
    }
    if (hasher.digest('hex') !== target.sha256) changed(target);
    await guardWrite(ref, 0, () => recordVerified(ref, target.sha256, done, index, true));
  } catch (error) {
    await dropFileBytes(modelId, file.path);
    throw error;
  }
}

/** Stores one MLC file where web-llm reads it (one record, as its own cache would hold it). */
async function storeWebllm(target: StoreTarget, meter: ImportMeter): Promise<void> {
  const { modelId, file, source } = target;
  const t = file.target;
  if (t.kind !== 'webllm') throw new Error('storeWebllm needs a web-llm target');
  const bytes = await readSlice(source, 0, source.size, file.path);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  if ([...digest].map((b) => b.toString(16).padStart(2, '0')).join('') !== target.sha256) changed(target);
  const ref = { modelId, file };
  const data = t.storeAs === 'json' ? JSON.parse(new TextDecoder().decode(bytes)) : bytes.buffer;
  await guardWrite(ref, bytes.byteLength, () => putWebllmRecord(t.scope, t.key, data));
  await guardWrite(ref, 0, () => recordVerified(ref, target.sha256, bytes.byteLength, 0, false, t.storeAs === 'json' ? new Blob([bytes as Uint8Array<ArrayBuffer>]) : undefined));
  meter.add(file.path, bytes.byteLength);
}

/** Stores one picked file where a download of it would go. */
export function storeImported(target: StoreTarget, meter: ImportMeter): Promise<void> {
  return target.file.target.kind === 'webllm' ? storeWebllm(target, meter) : storeChunks(target, meter);
}
