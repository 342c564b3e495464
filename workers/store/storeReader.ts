import type { ManifestFile, ModelManifest, VerifiedFileInfo } from '../shared/storeProtocol';
import { chunkRange, storeDb, type VerifiedFile } from './schema';
import { getWebllmRecord, hasWebllmRecord } from './webllmCache';

/**
 * The store, read-only: what the engine worker needs to load a model (its manifest, whether
 * every verified file is in place, a file's bytes as a Blob) and nothing that downloads, hashes
 * or writes. The engine bundle imports this module alone of the store, so it carries no
 * download code, no hasher and no catalog.
 */

/** The manifest (exact files and hashes) a model was downloaded against. */
export async function readManifest(modelId: string): Promise<ModelManifest | undefined> {
  return (await (await storeDb()).get('models', modelId))?.manifest;
}

/** Every verified file of a model: path, size, SHA-256 of the stored bytes, when verified. */
export async function readVerifiedFiles(modelId: string): Promise<VerifiedFileInfo[]> {
  const files = await (await storeDb()).getAllFromIndex('files', 'byModel', modelId);
  return files.map((f) => ({ path: f.path, role: f.file.role, size: f.size, sha256: f.sha256, verifiedAt: f.verifiedAt, url: f.file.url, trust: f.file.trust ?? 'pinned' }));
}

async function sha256Hex(data: ArrayBuffer): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Why a verified file is not where it belongs, or null when it is, reading none of its bytes:
 * web-llm's records by key (reading a 131 MB value to learn its length would double the load's
 * I/O), chunked files by the sizes their Blob handles carry. The model library is the
 * exception: it is compiled code, a few MB, and is hashed again at every load (a library
 * trusted on first use has no other check).
 */
export async function presenceProblem(modelId: string, file: ManifestFile, record: VerifiedFile | undefined): Promise<string | null> {
  if (!record) return 'missing';
  if (file.target.kind === 'webllm' && file.role === 'model-lib') {
    const data = await getWebllmRecord(file.target.scope, file.target.key);
    if (!(data instanceof ArrayBuffer)) return 'missing from the engine cache';
    return (await sha256Hex(data)) === record.sha256 ? null : 'the model library changed since it was verified';
  }
  if (file.target.kind === 'webllm') {
    return (await hasWebllmRecord(file.target.scope, file.target.key)) ? null : 'missing from the engine cache';
  }
  const chunks = await (await storeDb()).getAll('chunks', chunkRange(modelId, file.path));
  const size = chunks.reduce((sum, c) => sum + c.data.size, 0);
  return size === record.size ? null : `size ${size}, expected ${record.size}`;
}

/** The files of a model that are not all there (see `presenceProblem`), or `null` when it is not stored. */
export async function missingFiles(modelId: string): Promise<{ path: string; reason: string }[] | null> {
  const db = await storeDb();
  const model = await db.get('models', modelId);
  if (!model) return null;
  const verified = new Map((await db.getAllFromIndex('files', 'byModel', modelId)).map((f) => [f.path, f]));
  const bad: { path: string; reason: string }[] = [];
  for (const file of model.manifest.files) {
    const reason = await presenceProblem(modelId, file, verified.get(file.path));
    if (reason) bad.push({ path: file.path, reason });
  }
  return bad;
}

/** One verified file's bytes, read lazily from disk, for an engine or the side panel. */
export async function readFileBlob(modelId: string, path: string): Promise<Blob | undefined> {
  const db = await storeDb();
  const record = await db.get('files', [modelId, path]);
  if (!record) return undefined;
  if (record.source) return record.source;
  if (record.file.target.kind === 'webllm') {
    const data = await getWebllmRecord(record.file.target.scope, record.file.target.key);
    if (data instanceof ArrayBuffer) return new Blob([data]);
    return new Blob([JSON.stringify(data)], { type: 'application/json' });
  }
  const chunks = await db.getAll('chunks', chunkRange(modelId, path));
  return new Blob(chunks.map((c) => c.data));
}
