/**
 * What a file download writes and checks: its verified record, its chunks with their partial
 * record, the comparison with what the manifest expects, and storage failures as typed errors.
 */
import { TypedError, isQuotaExceeded, type IntegrityError, type QuotaError, type StorageError } from '../shared/errors';
import type { ManifestFile } from '../shared/storeProtocol';
import { chunkRange, storeDb, type PartialFile, type VerifiedFile } from './schema';

/** The file a download is about. */
export interface FileRef {
  modelId: string;
  file: ManifestFile;
}

export function integrityError(ref: FileRef, actualSha256: string, actualSize: number, message?: string): TypedError<IntegrityError> {
  const { file } = ref;
  const expected = file.expected.kind === 'sha256' ? file.expected.sha256 : file.expected.kind === 'git-blob-sha1' ? `git-blob-sha1:${file.expected.sha1}` : '';
  const firstUse = file.trust === 'first-use' && file.expected.kind === 'sha256';
  return new TypedError({
    name: 'IntegrityError',
    message:
      message ??
      (firstUse
        ? `${file.path} differs from the copy first downloaded and trusted on this device: it was refused and will not be used.`
        : `${file.path} does not match its expected hash: it was not stored and will not be used.`),
    modelId: ref.modelId,
    path: file.path,
    expectedSha256: expected,
    actualSha256,
    expectedSize: file.size,
    actualSize,
    trust: file.trust,
  });
}

/** The IntegrityError for bytes of `length` that are not what the manifest expects (wrong size or hash). */
export function mismatchError(ref: FileRef, length: number, sha256: string): TypedError<IntegrityError> {
  const { size, path } = ref.file;
  if (size >= 0 && length !== size) return integrityError(ref, sha256, length, `${path} has ${length} bytes, expected ${size}: it was not stored.`);
  return integrityError(ref, sha256, length);
}

/**
 * A write the browser refused, as a typed error: a full disk is a QuotaError with the numbers
 * (what this file still needed, what the browser says is left), anything else a StorageError.
 */
export async function storageFailure(ref: FileRef, error: unknown, stillNeeded: number): Promise<TypedError<QuotaError | StorageError>> {
  if (error instanceof TypedError) return error;
  if (isQuotaExceeded(error)) {
    const { usage = 0, quota = 0 } = (await globalThis.navigator?.storage?.estimate?.().catch(() => undefined)) ?? {};
    const availableBytes = Math.max(0, quota - usage);
    return new TypedError({
      name: 'QuotaError',
      message: `Storage filled up while saving ${ref.file.path}: the browser refused to store more (${stillNeeded} bytes of it still to go, ${availableBytes} reported free).`,
      modelId: ref.modelId,
      path: ref.file.path,
      neededBytes: stillNeeded,
      availableBytes,
      quotaBytes: quota,
    });
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new TypedError({ name: 'StorageError', message: `Saving ${ref.file.path} failed (${message}).`, modelId: ref.modelId });
}

/** Runs a write; a failure becomes `storageFailure`. */
export async function guardWrite<T>(ref: FileRef, stillNeeded: number, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw await storageFailure(ref, error, stillNeeded);
  }
}

/** Stores one chunk and the partial record that counts it, in one transaction. */
export async function writeChunk(partial: PartialFile, index: number, data: Blob): Promise<void> {
  const db = await storeDb();
  const tx = db.transaction(['chunks', 'partials'], 'readwrite');
  await Promise.all([
    tx.objectStore('chunks').put({ modelId: partial.modelId, path: partial.path, index, data }),
    tx.objectStore('partials').put(partial),
    tx.done,
  ]);
}

/**
 * Records a file verified, in one transaction with dropping its partial record. A chunk-stored
 * file is recorded only if its chunks hold exactly `size` bytes, so nothing is ever marked
 * verified over a hole. A library trusted on first use has its hash recorded here, and the
 * model's manifest then expects it.
 */
export async function recordVerified(ref: FileRef, sha256: string, size: number, chunkCount: number, keepChunks: boolean, source?: Blob): Promise<VerifiedFile> {
  const { modelId, file } = ref;
  const firstUse = file.expected.kind === 'first-use';
  const recordedFile: ManifestFile = firstUse ? { ...file, size, expected: { kind: 'sha256', sha256 } } : file;
  const verified: VerifiedFile = { modelId, path: file.path, file: recordedFile, sha256, size, verifiedAt: Date.now(), chunkCount, ...(source ? { source } : {}) };
  const db = await storeDb();
  const tx = db.transaction(['files', 'partials', 'chunks', 'models', 'trustedLibs'], 'readwrite');
  const chunks = tx.objectStore('chunks');
  if (keepChunks) {
    const stored = await chunks.getAll(chunkRange(modelId, file.path));
    const bytes = stored.reduce((sum, c) => sum + c.data.size, 0);
    if (bytes !== size) {
      tx.abort();
      await tx.done.catch(() => {});
      throw integrityError(ref, sha256, bytes, `${file.path}: only ${bytes} of its ${size} bytes are stored; it was not marked verified.`);
    }
  }
  const work: Promise<unknown>[] = [tx.objectStore('files').put(verified), tx.objectStore('partials').delete([modelId, file.path])];
  if (!keepChunks) work.push(chunks.delete(chunkRange(modelId, file.path)));
  if (firstUse) {
    work.push(tx.objectStore('trustedLibs').put({ url: file.url, sha256, size, firstSeen: Date.now() }));
    const model = await tx.objectStore('models').get(modelId);
    if (model) work.push(tx.objectStore('models').put({ ...model, manifest: { ...model.manifest, files: model.manifest.files.map((f) => (f.path === file.path ? recordedFile : f)) } }));
  }
  await Promise.all([...work, tx.done]);
  return verified;
}
