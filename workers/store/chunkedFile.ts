/**
 * A file kept in our own store (GGUF weights, model card, licence) is written as Blob chunks as
 * it streams, hashed incrementally; the hasher state is saved with each chunk, in the same
 * transaction, so a reload resumes both bytes and hash. It is too large to hold whole (a 3B GGUF
 * is 2 GB). Counters and hasher advance only once a chunk is stored; on a mismatch every chunk
 * is deleted and no file record is written, so nothing reaches an engine.
 */
import { createSHA1, createSHA256, type IHasher } from 'hash-wasm';
import { readOrDrop } from './fetchBody';
import { bodyRequest, type DownloadTuning, type FileDownloadContext } from './fileDownload';
import { guardWrite, integrityError, recordVerified, writeChunk } from './fileRecords';
import { streamWithRetries } from './retryLoop';
import { chunkRange, dropFileBytes, storeDb, type PartialFile, type VerifiedFile } from './schema';
import type { DownloadLimits } from './semaphore';

export function chunkBytesFor(size: number, tuning: DownloadTuning): number {
  return Math.min(tuning.maxChunkBytes, Math.max(64 << 10, Math.ceil(size / 8)));
}

export async function downloadChunked(ctx: FileDownloadContext, tuning: DownloadTuning, limits: DownloadLimits): Promise<VerifiedFile> {
  const releaseMemory = await limits.memory.acquire(chunkBytesFor(ctx.file.size, tuning));
  const releaseFetch = await limits.fetches.acquire();
  try {
    return await receiveChunked(ctx, tuning);
  } finally {
    releaseFetch();
    releaseMemory();
  }
}

interface Hashers {
  sha256: IHasher;
  sha1: IHasher | null;
  fresh(): void;
}

async function hashers(ctx: FileDownloadContext): Promise<Hashers> {
  const sha256 = await createSHA256();
  const sha1 = ctx.file.expected.kind === 'git-blob-sha1' ? await createSHA1() : null;
  return {
    sha256,
    sha1,
    fresh() {
      sha256.init();
      sha1?.init();
      sha1?.update(`blob ${ctx.file.size}\0`);
    },
  };
}

/**
 * Picks a partial file up where it stopped: its chunks must add up to the bytes it counts, and
 * the hashers continue from the saved state, or (a state saved by another hash-wasm version, or
 * none) from the stored bytes hashed again. False when the partial cannot be trusted.
 */
async function resume(ctx: FileDownloadContext, partial: PartialFile, h: Hashers): Promise<boolean> {
  const chunks = await (await storeDb()).getAll('chunks', chunkRange(ctx.modelId, ctx.file.path));
  const bytes = chunks.reduce((sum, c) => sum + c.data.size, 0);
  if (chunks.length !== partial.chunkCount || bytes !== partial.bytesDone || bytes > ctx.file.size) return false;
  try {
    if (!partial.hashState || (h.sha1 && !partial.sha1State)) throw new Error('no saved hasher state');
    h.sha256.load(partial.hashState);
    if (h.sha1 && partial.sha1State) h.sha1.load(partial.sha1State);
  } catch {
    h.fresh();
    for (const chunk of chunks) {
      const piece = new Uint8Array(await chunk.data.arrayBuffer());
      h.sha256.update(piece);
      h.sha1?.update(piece);
    }
  }
  return true;
}

async function receiveChunked(ctx: FileDownloadContext, tuning: DownloadTuning): Promise<VerifiedFile> {
  const { file } = ctx;
  const chunkBytes = chunkBytesFor(file.size, tuning);
  const h = await hashers(ctx);
  let partial = await (await storeDb()).get('partials', [ctx.modelId, file.path]);
  if (partial && !(await resume(ctx, partial, h))) partial = undefined;
  if (!partial) {
    await dropFileBytes(ctx.modelId, file.path);
    h.fresh();
  }
  let committed = partial?.bytesDone ?? 0;
  let chunkCount = partial?.chunkCount ?? 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  ctx.onBytes(committed);

  const commit = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const before = { sha256: h.sha256.save(), sha1: h.sha1?.save() };
    for (const piece of pending) {
      h.sha256.update(piece);
      h.sha1?.update(piece);
    }
    const next: PartialFile = { modelId: ctx.modelId, path: file.path, bytesDone: committed + pendingBytes, chunkCount: chunkCount + 1, hashState: h.sha256.save(), sha1State: h.sha1?.save() };
    try {
      await guardWrite(ctx, file.size - committed, () => writeChunk(next, chunkCount, new Blob(pending as Uint8Array<ArrayBuffer>[])));
    } catch (error) {
      // The chunk is not stored: neither is its hash nor its count.
      h.sha256.load(before.sha256);
      if (h.sha1 && before.sha1) h.sha1.load(before.sha1);
      throw error;
    }
    committed = next.bytesDone;
    chunkCount = next.chunkCount;
    pending = [];
    pendingBytes = 0;
  };

  ctx.onState('downloading');
  await streamWithRetries(bodyRequest(ctx), file.size, ctx.signal, tuning, () => committed + pendingBytes, async ({ reader, start }) => {
    if (start === 0 && committed + pendingBytes > 0) {
      // The host ignored Range: start over.
      await dropFileBytes(ctx.modelId, file.path);
      h.fresh();
      committed = 0;
      chunkCount = 0;
      pending = [];
      pendingBytes = 0;
    }
    for (;;) {
      const { done, value } = await readOrDrop(reader!, bodyRequest(ctx), ctx.signal);
      if (done) break;
      if (committed + pendingBytes + value.byteLength > file.size) {
        await reader!.cancel();
        await dropFileBytes(ctx.modelId, file.path);
        throw integrityError(ctx, '', committed + pendingBytes + value.byteLength, `${file.path} is larger than its expected ${file.size} bytes: it was not stored.`);
      }
      pending.push(value);
      pendingBytes += value.byteLength;
      ctx.onBytes(committed + pendingBytes);
      if (pendingBytes >= chunkBytes) await commit();
    }
  });
  await commit();
  ctx.onState('verifying');
  const actual = h.sha256.digest('hex');
  const { expected } = file;
  const bad =
    committed !== file.size ||
    (expected.kind === 'sha256' && expected.sha256.toLowerCase() !== actual) ||
    (expected.kind === 'git-blob-sha1' && h.sha1?.digest('hex') !== expected.sha1);
  if (bad) {
    await dropFileBytes(ctx.modelId, file.path);
    throw integrityError(ctx, actual, committed);
  }
  return guardWrite(ctx, 0, () => recordVerified(ctx, actual, committed, chunkCount, true));
}
