/** What the store holds, checked and removed: model summaries, checks at a depth, deletes. */
import { createSHA256 } from 'hash-wasm';
import type { CachedModel, CheckDepth, CheckReport, ModelManifest, WebllmScope } from '../shared/storeProtocol';
import { sha256Hex } from './hashing';
import { chunkRange, storeDb } from './schema';
import { presenceProblem } from './storeReader';
import { clearWebllmCaches, deleteWebllmRecords, getWebllmRecord } from './webllmCache';

/** One stored model as the UI lists it. */
export async function summarize(modelId: string): Promise<CachedModel | undefined> {
  const db = await storeDb();
  const model = await db.get('models', modelId);
  if (!model) return undefined;
  const files = await db.getAllFromIndex('files', 'byModel', modelId);
  const partials = await db.getAllFromIndex('partials', 'byModel', modelId);
  return {
    id: model.id,
    displayName: model.entry.displayName,
    complete: model.complete && files.length === model.manifest.files.length,
    bytesOnDisk: files.reduce((s, f) => s + f.size, 0) + partials.reduce((s, p) => s + p.bytesDone, 0),
    filesVerified: files.length,
    filesTotal: model.manifest.files.length,
    verifiedAt: files.length ? Math.max(...files.map((f) => f.verifiedAt)) : null,
    revision: model.manifest.revision,
    hostUrl: model.manifest.hostUrl,
    hashesFrom: model.manifest.hashesFrom,
    test: model.entry.test === true,
    acquired: model.manifest.acquired?.kind ?? 'download',
  };
}

/** Drops one verified file's bytes and record, so the next download fetches it alone. */
export async function dropVerified(modelId: string, path: string, manifest: ModelManifest): Promise<void> {
  const db = await storeDb();
  const file = manifest.files.find((f) => f.path === path);
  if (file?.target.kind === 'webllm') await deleteWebllmRecords(file.target.scope, [file.target.key]);
  const tx = db.transaction(['files', 'chunks', 'partials', 'models'], 'readwrite');
  const model = await tx.objectStore('models').get(modelId);
  await Promise.all([
    tx.objectStore('files').delete([modelId, path]),
    tx.objectStore('chunks').delete(chunkRange(modelId, path)),
    tx.objectStore('partials').delete([modelId, path]),
    model ? tx.objectStore('models').put({ ...model, complete: false }) : Promise.resolve(),
    tx.done,
  ]);
}

async function hashBlobs(blobs: Blob[]): Promise<string> {
  const hasher = await createSHA256();
  hasher.init();
  for (const blob of blobs) hasher.update(new Uint8Array(await blob.arrayBuffer()));
  return hasher.digest('hex');
}

/** Checks a model's stored files to a depth; a bad file's bytes are dropped for repair. */
export async function checkModel(modelId: string, depth: CheckDepth): Promise<CheckReport> {
  const started = performance.now();
  const db = await storeDb();
  const model = await db.get('models', modelId);
  if (!model) return { modelId, ok: false, bad: [{ path: '*', reason: 'not downloaded' }], depth, bytesChecked: 0, ms: 0 };
  const verified = new Map((await db.getAllFromIndex('files', 'byModel', modelId)).map((f) => [f.path, f]));
  const bad: CheckReport['bad'] = [];
  let bytesChecked = 0;
  for (const file of model.manifest.files) {
    const record = verified.get(file.path);
    let reason = await presenceProblem(modelId, file, record);
    if (!reason && record && depth !== 'presence') {
      if (file.target.kind === 'webllm') {
        const data = await getWebllmRecord(file.target.scope, file.target.key);
        if (data instanceof ArrayBuffer) {
          if (data.byteLength !== record.size) reason = `size ${data.byteLength}, expected ${record.size}`;
          else if (depth === 'hash' && (await sha256Hex(new Uint8Array(data))) !== record.sha256) reason = 'hash mismatch';
          bytesChecked += data.byteLength;
        }
      } else {
        const chunks = await db.getAll('chunks', chunkRange(modelId, file.path));
        if (depth === 'hash' && (await hashBlobs(chunks.map((c) => c.data))) !== record.sha256) reason = 'hash mismatch';
        bytesChecked += record.size;
      }
    }
    if (reason) bad.push({ path: file.path, reason });
  }
  for (const { path, reason } of bad) if (reason !== 'missing') await dropVerified(modelId, path, model.manifest);
  return { modelId, ok: bad.length === 0, bad, depth, bytesChecked, ms: performance.now() - started };
}

/** Deletes one model's bytes and records, web-llm's included; nothing of any other model. */
export async function deleteModelRecords(modelId: string): Promise<void> {
  const db = await storeDb();
  const model = await db.get('models', modelId);
  if (model) {
    const byScope = new Map<WebllmScope, string[]>();
    for (const f of model.manifest.files) {
      if (f.target.kind !== 'webllm') continue;
      byScope.set(f.target.scope, [...(byScope.get(f.target.scope) ?? []), f.target.key]);
    }
    for (const [scope, keys] of byScope) await deleteWebllmRecords(scope, keys);
  }
  const range = IDBKeyRange.bound([modelId], [modelId, []]);
  const tx = db.transaction(['models', 'files', 'partials', 'chunks'], 'readwrite');
  await Promise.all([
    tx.objectStore('models').delete(modelId),
    tx.objectStore('files').delete(range),
    tx.objectStore('partials').delete(range),
    tx.objectStore('chunks').delete(range),
    tx.done,
  ]);
}

/** Deletes every model and every byte web-llm's caches hold. */
export async function deleteAllRecords(): Promise<void> {
  // web-llm's bytes first, as for one model: stopped half-way, what is left is records of
  // damaged files (found and repaired), never bytes no record knows of.
  await clearWebllmCaches();
  const db = await storeDb();
  const tx = db.transaction(['models', 'files', 'partials', 'chunks'], 'readwrite');
  await Promise.all([
    tx.objectStore('models').clear(),
    tx.objectStore('files').clear(),
    tx.objectStore('partials').clear(),
    tx.objectStore('chunks').clear(),
    tx.done,
  ]);
}
