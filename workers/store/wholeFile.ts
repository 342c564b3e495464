/**
 * A file bound for web-llm's cache must end up as one ArrayBuffer, so it is received into one
 * buffer, hashed whole by WebCrypto (off the JS thread) and written once. Large files are
 * checkpointed to our chunk store on the way, so a reload resumes them with Range.
 */
import { TypedError } from '../shared/errors';
import { readOrDrop } from './fetchBody';
import { bodyRequest, type DownloadTuning, type FileDownloadContext } from './fileDownload';
import { checkExpected, guardWrite, integrityError, recordVerified, writeChunk } from './fileRecords';
import { sha256Hex } from './hashing';
import { streamWithRetries } from './retryLoop';
import { chunkRange, dropFileBytes, storeDb, type PartialFile, type VerifiedFile } from './schema';
import type { DownloadLimits } from './semaphore';
import { putWebllmRecord } from './webllmCache';

interface Received {
  buffer: Uint8Array;
  sha256: string;
  length: number;
}

export async function downloadWhole(ctx: FileDownloadContext, tuning: DownloadTuning, limits: DownloadLimits): Promise<VerifiedFile> {
  const releaseMemory = await limits.memory.acquire(Math.max(ctx.file.size, 0));
  try {
    const releaseFetch = await limits.fetches.acquire();
    let received: Received;
    try {
      received = await receiveWhole(ctx, tuning);
    } finally {
      releaseFetch();
    }
    // The fetch slot is free again: the next file downloads while this one is written.
    return await limits.writes.run(async () => {
      // Cancelled or deleted meanwhile: nothing more of this model is written.
      ctx.signal.throwIfAborted();
      return storeWhole(ctx, received);
    });
  } finally {
    releaseMemory();
  }
}

async function storeWhole(ctx: FileDownloadContext, { buffer, sha256, length }: Received): Promise<VerifiedFile> {
  const target = ctx.file.target;
  if (target.kind !== 'webllm') throw new Error('storeWhole needs a web-llm target');
  const data = target.storeAs === 'json' ? JSON.parse(new TextDecoder().decode(buffer)) : buffer.buffer;
  await guardWrite(ctx, length, () => putWebllmRecord(target.scope, target.key, data));
  return guardWrite(ctx, 0, () => recordVerified(ctx, sha256, length, 0, false, target.storeAs === 'json' ? new Blob([buffer.subarray(0, length) as Uint8Array<ArrayBuffer>]) : undefined));
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

/** Receives and verifies a whole file into memory; nothing is stored unless it matches. */
async function receiveWhole(ctx: FileDownloadContext, tuning: DownloadTuning): Promise<Received> {
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
    await guardWrite(ctx, file.size - checkpointed, () => writeChunk(next, chunkCount, new Blob([buffer.subarray(checkpointed, upTo)])));
    chunkCount = next.chunkCount;
    checkpointed = upTo;
    checkpointedAt = performance.now();
  };

  ctx.onState('downloading');
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
  }
  if (!sized) {
    buffer = new Uint8Array(offset);
    let at = 0;
    for (const piece of pieces) {
      buffer.set(piece, at);
      at += piece.byteLength;
    }
  }
  ctx.onState('verifying');
  const sha256 = await sha256Hex(buffer);
  try {
    await checkExpected(ctx, buffer.subarray(0, offset), sha256);
  } catch (error) {
    await dropFileBytes(ctx.modelId, file.path);
    throw error;
  }
  return { buffer, sha256, length: offset };
}
