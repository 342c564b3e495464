import { createSHA1, createSHA256, type IHasher } from 'hash-wasm';
import { TypedError, type IntegrityError, type NetworkError } from '../shared/errors';
import type { FileState } from '../shared/progress';
import { droppedError, isRetryableStatus, openBody, sleep, type OpenBody } from './fetchBody';
import { gitBlobSha1Hex, sha256Hex } from './hashing';
import type { ManifestFile } from '../shared/storeProtocol';
import { chunkRange, dropFileBytes, storeDb, type PartialFile, type VerifiedFile } from './schema';
import { putWebllmRecord } from './webllmCache';
import { downloadLimits, type DownloadLimits } from './semaphore';

/** What one file download reports to its model's download. */
export interface FileDownloadContext {
  modelId: string;
  file: ManifestFile;
  signal: AbortSignal;
  /** Bytes of this file received so far (verified or not). */
  onBytes(bytesDone: number): void;
  onState(state: FileState): void;
  /** Shared with the model's other files; a lone file gets its own. */
  limits?: DownloadLimits;
}

/** Tunables, overridable by tests and the benchmark. */
export interface DownloadTuning {
  /** web-llm-bound files at least this large are checkpointed to survive a reload. */
  checkpointMinBytes: number;
  checkpointEveryBytes: number;
  /** Largest chunk of a chunk-stored file; small files get smaller chunks. */
  maxChunkBytes: number;
  retries: number;
  retryDelayMs: number;
}

export const defaultTuning: DownloadTuning = {
  checkpointMinBytes: 64 << 20,
  checkpointEveryBytes: 32 << 20,
  maxChunkBytes: 16 << 20,
  retries: 4,
  retryDelayMs: 400,
};

function integrityError(
  ctx: FileDownloadContext,
  actualSha256: string,
  actualSize: number,
  message?: string,
): TypedError<IntegrityError> {
  const { file } = ctx;
  const expected = file.expected.kind === 'sha256' ? file.expected.sha256 : file.expected.kind === 'git-blob-sha1' ? `git-blob-sha1:${file.expected.sha1}` : '';
  return new TypedError({
    name: 'IntegrityError',
    message:
      message ??
      `${file.path} does not match its expected hash: it was not stored and will not be used.`,
    modelId: ctx.modelId,
    path: file.path,
    expectedSha256: expected,
    actualSha256,
    expectedSize: file.size,
    actualSize,
  });
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof DOMException && error.name === 'AbortError');
}

/**
 * Streams a body from `position()` on, retrying dropped connections and 5xx answers with Range
 * from where the bytes stopped. `consume` gets each open body and the offset it starts at.
 */
async function streamWithRetries(
  ctx: FileDownloadContext,
  tuning: DownloadTuning,
  position: () => number,
  consume: (body: OpenBody) => Promise<void>,
): Promise<void> {
  let failures = 0;
  for (;;) {
    const before = position();
    try {
      const body = await openBody(ctx.modelId, ctx.file.path, ctx.file.url, before, ctx.signal);
      try {
        await consume(body);
      } catch (error) {
        if (error instanceof TypedError || isAbort(error, ctx.signal)) throw error;
        throw droppedError(ctx.modelId, ctx.file.path, ctx.file.url);
      }
      return;
    } catch (error) {
      if (isAbort(error, ctx.signal)) throw error;
      const retryable =
        error instanceof TypedError &&
        error.detail.name === 'NetworkError' &&
        isRetryableStatus((error.detail as NetworkError).status);
      if (!retryable) throw error;
      // Progress resets the budget: a long download may survive many separate drops.
      failures = position() > before ? 1 : failures + 1;
      if (failures > tuning.retries) throw error;
      await sleep(tuning.retryDelayMs * 2 ** (failures - 1), ctx.signal);
    }
  }
}

/** Checks computed hashes against the manifest; returns the SHA-256 to record. */
async function checkExpected(ctx: FileDownloadContext, bytes: Uint8Array, sha256: string): Promise<void> {
  const { expected } = ctx.file;
  if (ctx.file.size >= 0 && bytes.byteLength !== ctx.file.size) {
    throw integrityError(ctx, sha256, bytes.byteLength, `${ctx.file.path} has ${bytes.byteLength} bytes, expected ${ctx.file.size}: it was not stored.`);
  }
  if (expected.kind === 'sha256' && expected.sha256.toLowerCase() !== sha256) {
    throw integrityError(ctx, sha256, bytes.byteLength);
  }
  if (expected.kind === 'git-blob-sha1' && (await gitBlobSha1Hex(bytes)) !== expected.sha1) {
    throw integrityError(ctx, sha256, bytes.byteLength);
  }
}

async function readCheckpoint(ctx: FileDownloadContext, into: Uint8Array): Promise<PartialFile | undefined> {
  const db = await storeDb();
  const partial = await db.get('partials', [ctx.modelId, ctx.file.path]);
  if (!partial) return undefined;
  const chunks = await db.getAll('chunks', chunkRange(ctx.modelId, ctx.file.path));
  let offset = 0;
  for (const chunk of chunks) {
    into.set(new Uint8Array(await chunk.data.arrayBuffer()), offset);
    offset += chunk.data.size;
  }
  if (offset !== partial.bytesDone) {
    await dropFileBytes(ctx.modelId, ctx.file.path);
    return undefined;
  }
  return partial;
}

async function writeChunk(partial: PartialFile, data: Blob): Promise<void> {
  const db = await storeDb();
  const tx = db.transaction(['chunks', 'partials'], 'readwrite');
  await Promise.all([
    tx.objectStore('chunks').put({ modelId: partial.modelId, path: partial.path, index: partial.chunkCount - 1, data }),
    tx.objectStore('partials').put(partial),
    tx.done,
  ]);
}

async function recordVerified(ctx: FileDownloadContext, sha256: string, size: number, chunkCount: number, keepChunks: boolean): Promise<VerifiedFile> {
  const verified: VerifiedFile = {
    modelId: ctx.modelId,
    path: ctx.file.path,
    file: ctx.file,
    sha256,
    size,
    verifiedAt: Date.now(),
    chunkCount,
  };
  const db = await storeDb();
  const tx = db.transaction(['files', 'partials', 'chunks'], 'readwrite');
  const work: Promise<unknown>[] = [
    tx.objectStore('files').put(verified),
    tx.objectStore('partials').delete([ctx.modelId, ctx.file.path]),
  ];
  if (!keepChunks) work.push(tx.objectStore('chunks').delete(chunkRange(ctx.modelId, ctx.file.path)));
  await Promise.all([...work, tx.done]);
  return verified;
}

/**
 * A file bound for web-llm's cache must end up as one ArrayBuffer, so it is received into one
 * buffer, hashed whole by WebCrypto (off the JS thread) and written once. Large files are
 * checkpointed to our chunk store on the way, so a reload resumes them with Range.
 */
async function downloadWhole(ctx: FileDownloadContext, tuning: DownloadTuning, limits: DownloadLimits): Promise<VerifiedFile> {
  const releaseMemory = await limits.memory.acquire(Math.max(ctx.file.size, 0));
  try {
    const releaseFetch = await limits.fetches.acquire();
    let received: { buffer: Uint8Array; sha256: string; length: number };
    try {
      received = await receiveWhole(ctx, tuning);
    } finally {
      releaseFetch();
    }
    // The fetch slot is free again: the next file downloads while this one is written.
    return await limits.writes.run(() => storeWhole(ctx, received.buffer, received.sha256, received.length));
  } finally {
    releaseMemory();
  }
}

async function storeWhole(ctx: FileDownloadContext, buffer: Uint8Array, sha256: string, length: number): Promise<VerifiedFile> {
  const target = ctx.file.target;
  if (target.kind !== 'webllm') throw new Error('storeWhole needs a web-llm target');
  const data = target.storeAs === 'json' ? JSON.parse(new TextDecoder().decode(buffer)) : buffer.buffer;
  await putWebllmRecord(target.scope, target.key, data);
  return recordVerified(ctx, sha256, length, 0, false);
}

/** Receives and verifies a whole file into memory; nothing is stored unless it matches. */
async function receiveWhole(ctx: FileDownloadContext, tuning: DownloadTuning): Promise<{ buffer: Uint8Array; sha256: string; length: number }> {
  const { file } = ctx;
  const sized = file.size >= 0;
  let buffer = new Uint8Array(sized ? file.size : 0);
  const pieces: Uint8Array[] = [];
  const checkpointing = sized && file.size >= tuning.checkpointMinBytes;
  const partial = checkpointing ? await readCheckpoint(ctx, buffer) : undefined;
  let offset = partial?.bytesDone ?? 0;
  let checkpointed = offset;
  let chunkCount = partial?.chunkCount ?? 0;
  ctx.onBytes(offset);

  const checkpoint = async (): Promise<void> => {
    if (!checkpointing || offset === checkpointed) return;
    chunkCount += 1;
    await writeChunk(
      { modelId: ctx.modelId, path: file.path, bytesDone: offset, chunkCount },
      new Blob([buffer.subarray(checkpointed, offset)]),
    );
    checkpointed = offset;
  };

  ctx.onState('downloading');
  try {
    await streamWithRetries(ctx, tuning, () => offset, async ({ reader, start }) => {
      if (start === 0 && offset > 0) {
        // The host ignored Range: start over and forget the checkpoint.
        offset = 0;
        checkpointed = 0;
        chunkCount = 0;
        pieces.length = 0;
        if (checkpointing) await dropFileBytes(ctx.modelId, file.path);
      }
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (sized) {
          if (offset + value.byteLength > file.size) {
            await reader.cancel();
            throw integrityError(ctx, '', offset + value.byteLength, `${file.path} is larger than its expected ${file.size} bytes: it was not stored.`);
          }
          buffer.set(value, offset);
        } else {
          pieces.push(value);
        }
        offset += value.byteLength;
        ctx.onBytes(offset);
        if (checkpointing && offset - checkpointed >= tuning.checkpointEveryBytes) await checkpoint();
      }
    });
  } catch (error) {
    if (!(error instanceof TypedError && error.detail.name === 'IntegrityError')) await checkpoint().catch(() => {});
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

function chunkBytesFor(size: number, tuning: DownloadTuning): number {
  return Math.min(tuning.maxChunkBytes, Math.max(64 << 10, Math.ceil(size / 8)));
}

/**
 * A file kept in our own store (GGUF weights, model card, licence) is written as Blob chunks as
 * it streams, hashed incrementally; the hasher state is saved with each chunk, so a reload
 * resumes both bytes and hash. It is too large to hold whole (a 3B GGUF is 2 GB). On a mismatch
 * every chunk is deleted and no file record is written, so nothing reaches an engine.
 */
async function downloadChunked(ctx: FileDownloadContext, tuning: DownloadTuning, limits: DownloadLimits): Promise<VerifiedFile> {
  const { file } = ctx;
  const releaseMemory = await limits.memory.acquire(chunkBytesFor(file.size, tuning));
  const releaseFetch = await limits.fetches.acquire();
  try {
    return await receiveChunked(ctx, tuning);
  } finally {
    releaseFetch();
    releaseMemory();
  }
}

async function receiveChunked(ctx: FileDownloadContext, tuning: DownloadTuning): Promise<VerifiedFile> {
  const { file } = ctx;
  const db = await storeDb();
  const chunkBytes = chunkBytesFor(file.size, tuning);
  const sha256 = await createSHA256();
  const sha1: IHasher | null = file.expected.kind === 'git-blob-sha1' ? await createSHA1() : null;
  const fresh = (): void => {
    sha256.init();
    sha1?.init();
    sha1?.update(`blob ${file.size}\0`);
  };
  let partial = await db.get('partials', [ctx.modelId, file.path]);
  if (partial?.hashState && (!sha1 || partial.sha1State)) {
    sha256.load(partial.hashState);
    if (sha1 && partial.sha1State) sha1.load(partial.sha1State);
  } else {
    if (partial) await dropFileBytes(ctx.modelId, file.path);
    partial = undefined;
    fresh();
  }
  let committed = partial?.bytesDone ?? 0;
  let chunkCount = partial?.chunkCount ?? 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  ctx.onBytes(committed);

  const commit = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    for (const piece of pending) {
      sha256.update(piece);
      sha1?.update(piece);
    }
    chunkCount += 1;
    committed += pendingBytes;
    const blob = new Blob(pending as Uint8Array<ArrayBuffer>[]);
    pending = [];
    pendingBytes = 0;
    await writeChunk(
      { modelId: ctx.modelId, path: file.path, bytesDone: committed, chunkCount, hashState: sha256.save(), sha1State: sha1?.save() },
      blob,
    );
  };

  ctx.onState('downloading');
  await streamWithRetries(ctx, tuning, () => committed + pendingBytes, async ({ reader, start }) => {
    if (start === 0 && committed + pendingBytes > 0) {
      await dropFileBytes(ctx.modelId, file.path);
      fresh();
      committed = 0;
      chunkCount = 0;
      pending = [];
      pendingBytes = 0;
    }
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (committed + pendingBytes + value.byteLength > file.size) {
        await reader.cancel();
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
  const actual = sha256.digest('hex');
  const { expected } = file;
  const bad =
    committed !== file.size ||
    (expected.kind === 'sha256' && expected.sha256.toLowerCase() !== actual) ||
    (expected.kind === 'git-blob-sha1' && sha1?.digest('hex') !== expected.sha1);
  if (bad) {
    await dropFileBytes(ctx.modelId, file.path);
    throw integrityError(ctx, actual, committed);
  }
  return recordVerified(ctx, actual, committed, chunkCount, true);
}

/** Downloads, verifies and stores one file; throws a TypedError on failure. */
export async function downloadFile(ctx: FileDownloadContext, tuning: DownloadTuning = defaultTuning): Promise<VerifiedFile> {
  const limits = ctx.limits ?? downloadLimits(Math.max(ctx.file.size, 0));
  const verified =
    ctx.file.target.kind === 'webllm' ? await downloadWhole(ctx, tuning, limits) : await downloadChunked(ctx, tuning, limits);
  ctx.onState('verified');
  return verified;
}

