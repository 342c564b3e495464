/**
 * A file bound for web-llm's cache must end up as one ArrayBuffer, so it is received into one
 * buffer, then handed (transferred) to the writer, which hashes it and, only if it matches,
 * writes it once (wholeFileWriter.ts). Large files are checkpointed to our chunk store on the
 * way, so a reload resumes them with Range.
 */
import { TypedError } from '../shared/errors';
import { readOrDrop } from './fetchBody';
import { bodyRequest, type DownloadTuning, type FileDownloadContext } from './fileDownload';
import { guardWrite, integrityError, mismatchError, recordVerified, storageFailure, writeChunk } from './fileRecords';
import { streamWithRetries } from './retryLoop';
import { chunkRange, dropFileBytes, storeDb, type PartialFile, type VerifiedFile } from './schema';
import type { DownloadLimits } from './semaphore';
import { markPhase, timed } from './timeline';
import { commitInWriter } from './writerClient';

export async function downloadWhole(ctx: FileDownloadContext, tuning: DownloadTuning, limits: DownloadLimits): Promise<VerifiedFile> {
  const path = ctx.file.path;
  const releaseMemory = await timed('wait-memory', path, () => limits.memory.acquire(Math.max(ctx.file.size, 0)));
  try {
    const releaseFetch = await timed('wait-fetch', path, () => limits.fetches.acquire());
    let buffer: ArrayBuffer;
    try {
      buffer = await receiveWhole(ctx, tuning);
    } finally {
      releaseFetch();
    }
    // The fetch slot is free again: the next file downloads while this one is hashed and written.
    const releaseWrite = await timed('wait-write', path, () => limits.writes.acquire());
    try {
      // Cancelled or deleted meanwhile: nothing more of this model is written.
      ctx.signal.throwIfAborted();
      ctx.onState('verifying');
      return await storeWhole(ctx, buffer);
    } finally {
      releaseWrite();
    }
  } finally {
    releaseMemory();
  }
}

/** Verifies and stores the received bytes (`buffer` is transferred away), then records the file verified. */
async function storeWhole(ctx: FileDownloadContext, buffer: ArrayBuffer): Promise<VerifiedFile> {
  const { file } = ctx;
  if (file.target.kind !== 'webllm') throw new Error('storeWhole needs a web-llm target');
  const length = buffer.byteLength;
  // web-llm keeps JSON files parsed; the record keeps their exact bytes so an export writes the verified file (copied before the buffer moves to the writer).
  const source = file.target.storeAs === 'json' ? new Blob([buffer]) : undefined;
  const result = await commitInWriter({ path: file.path, buffer, expected: file.expected, size: file.size, target: file.target });
  if (result.kind === 'mismatch') {
    await dropFileBytes(ctx.modelId, file.path);
    throw mismatchError(ctx, result.length, result.sha256);
  }
  if (result.kind === 'failed') {
    if (result.stage === 'put') throw await storageFailure(ctx, new DOMException(result.message, result.name), length);
    throw Object.assign(new Error(result.message), { name: result.name });
  }
  return timed('record', file.path, () => guardWrite(ctx, 0, () => recordVerified(ctx, result.sha256, length, 0, false, source)));
}

/** The checkpointed bytes of a file, read back into `into`; undefined (and dropped) if they do not add up. */
async function readCheckpoint(ctx: FileDownloadContext, into: Uint8Array): Promise<PartialFile | undefined> {
  const db = await storeDb();
  const partial = await db.get('partials', [ctx.modelId, ctx.file.path]);
  if (!partial) return undefined;
  const chunks = await db.getAll('chunks', chunkRange(ctx.modelId, ctx.file.path));
  let offset = 0;
  for (const chunk of chunks) {
    if (offset + chunk.data.size > into.byteLength) break;
    into.set(new Uint8Array(await chunk.data.arrayBuffer()), offset);
    offset += chunk.data.size;
  }
  if (offset !== partial.bytesDone || chunks.length !== partial.chunkCount) {
    await dropFileBytes(ctx.modelId, ctx.file.path);
    return undefined;
  }
  return partial;
}

/** Receives a whole file into one buffer of exactly its bytes (checkpointing large ones). */
async function receiveWhole(ctx: FileDownloadContext, tuning: DownloadTuning): Promise<ArrayBuffer> {
  const { file } = ctx;
  const sized = file.size >= 0;
  let buffer = new Uint8Array(sized ? file.size : 0);
  const pieces: Uint8Array[] = [];
  const checkpointing = sized && file.size >= tuning.checkpointMinBytes;
  const partial = checkpointing ? await readCheckpoint(ctx, buffer) : undefined;
  let offset = partial?.bytesDone ?? 0;
  let checkpointed = offset;
  let chunkCount = partial?.chunkCount ?? 0;
  let checkpointedAt = performance.now();
  ctx.onBytes(offset);

  const checkpoint = async (): Promise<void> => {
    if (!checkpointing || offset === checkpointed) return;
    const upTo = offset;
    const next = { modelId: ctx.modelId, path: file.path, bytesDone: upTo, chunkCount: chunkCount + 1 };
    await timed('chunk', file.path, () => guardWrite(ctx, file.size - checkpointed, () => writeChunk(next, chunkCount, new Blob([buffer.subarray(checkpointed, upTo)]))));
    chunkCount = next.chunkCount;
    checkpointed = upTo;
    checkpointedAt = performance.now();
  };

  ctx.onState('downloading');
  const fetchStart = performance.now();
  try {
    await streamWithRetries(bodyRequest(ctx), sized ? file.size : -1, ctx.signal, tuning, () => offset, async ({ reader, start }) => {
      if (start === 0 && offset > 0) {
        // The host ignored Range: start over and forget the checkpoint.
        offset = 0;
        checkpointed = 0;
        chunkCount = 0;
        pieces.length = 0;
        if (checkpointing) await dropFileBytes(ctx.modelId, file.path);
      }
      for (;;) {
        const { done, value } = await readOrDrop(reader!, bodyRequest(ctx), ctx.signal);
        if (done) break;
        if (sized) {
          if (offset + value.byteLength > file.size) {
            await reader!.cancel();
            throw integrityError(ctx, '', offset + value.byteLength, `${file.path} is larger than its expected ${file.size} bytes: it was not stored.`);
          }
          buffer.set(value, offset);
        } else {
          pieces.push(value);
        }
        offset += value.byteLength;
        ctx.onBytes(offset);
        if (checkpointing && offset - checkpointed >= tuning.checkpointEveryBytes && performance.now() - checkpointedAt >= tuning.checkpointEveryMs) await checkpoint();
      }
    });
  } catch (error) {
    // Keep what arrived for a resume, unless the bytes are bad or the disk refused them.
    const typed = error instanceof TypedError ? error.detail.name : '';
    if (typed !== 'IntegrityError' && typed !== 'QuotaError' && typed !== 'StorageError') await checkpoint().catch(() => {});
    throw error;
  } finally {
    markPhase('fetch', file.path, fetchStart);
  }
  if (!sized) {
    buffer = new Uint8Array(offset);
    let at = 0;
    for (const piece of pieces) {
      buffer.set(piece, at);
      at += piece.byteLength;
    }
  }
  return buffer.buffer as ArrayBuffer;
}
