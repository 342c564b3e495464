/**
 * Importing from a disk: the plan (`importPlan.ts`) is stored under the model's lock, in the
 * same layout as a download, so load, Verify, delete, export and the BOM work the same. A
 * failure part-way leaves nothing of the import behind. Also documents the user attaches to an
 * imported model (its card, its licence), stored and verified like any file.
 */
import type { CatalogEntry, FileRole } from '../shared/catalog';
import { inputError } from '../shared/errors';
import type { ImportProgress, ImportResult, ImportSource, ManifestFile } from '../shared/storeProtocol';
import { whileStopped } from './downloads';
import { importBase, planImport, type ImportPlan } from './importPlan';
import { knownModels, type KnownModel } from './importIdentity';
import { ImportMeter, hashFile, storeImported } from './importWrite';
import { deleteModelRecords, dropVerified } from './inventory';
import { targetFor } from './manifest';
import { storeDb } from './schema';

/** Every model an import may turn out to be: the lists' pinned entries and the stored models. */
export async function knownForImport(lists: { list: KnownModel['list']; entries: CatalogEntry[] }[]): Promise<KnownModel[]> {
  const stored = await (await storeDb()).getAll('models');
  return knownModels(lists, stored.map((m) => ({ entry: m.entry, manifest: m.manifest })));
}

/** Whether every planned file is already stored, verified with the same SHA-256. */
async function alreadyStored(plan: ImportPlan): Promise<boolean> {
  const db = await storeDb();
  const model = await db.get('models', plan.entry.id);
  if (!model?.complete) return false;
  const verified = await db.getAllFromIndex('files', 'byModel', plan.entry.id);
  return plan.files.every((f) => verified.some((v) => v.path === f.row.path && v.sha256 === f.sha256));
}

async function storePlan(plan: ImportPlan, onProgress: (p: ImportProgress) => void): Promise<void> {
  const db = await storeDb();
  const id = plan.entry.id;
  const existing = await db.get('models', id);
  // A stored model of this id keeps its other files when the import only adds to them.
  const merges = existing && plan.files.every((f) => existing.manifest.files.some((r) => r.path === f.row.path && r.url === f.row.url));
  if (existing && !merges) await deleteModelRecords(id);
  const manifest = merges ? existing.manifest : plan.manifest;
  await db.put('models', { id, entry: plan.entry, manifest, complete: false, startedAt: existing?.startedAt ?? Date.now() });
  const meter = new ImportMeter('storing', plan.files.reduce((s, f) => s + f.source.size, 0), onProgress);
  const written: string[] = [];
  try {
    for (const f of plan.files) {
      if (merges) await dropVerified(id, f.row.path, manifest);
      written.push(f.row.path);
      await storeImported({ modelId: id, file: f.row, source: f.source, sha256: f.sha256 }, meter);
    }
  } catch (error) {
    if (merges) for (const path of written) await dropVerified(id, path, manifest);
    else await deleteModelRecords(id);
    throw error;
  }
  const verified = new Set((await db.getAllFromIndex('files', 'byModel', id)).map((f) => f.path));
  const complete = manifest.files.every((f) => verified.has(f.path));
  const model = await db.get('models', id);
  if (model) await db.put('models', { ...model, complete, ...(complete ? { completedAt: Date.now() } : {}) });
}

/** Imports picked or dropped files; resolves with what they became (see `ImportResult`). */
export async function importFiles(sources: ImportSource[], hostUrl: string, known: KnownModel[], onProgress: (p: ImportProgress) => void): Promise<ImportResult> {
  const plan = await planImport(sources, { hostUrl, known, onProgress });
  const same = await alreadyStored(plan);
  if (!same) await whileStopped(plan.entry.id, () => storePlan(plan, onProgress));
  const db = await storeDb();
  const model = await db.get('models', plan.entry.id);
  const verified = new Set((await db.getAllFromIndex('files', 'byModel', plan.entry.id)).map((f) => f.path));
  return {
    entry: plan.entry,
    matched: plan.matched,
    ...(plan.matchedList ? { matchedList: plan.matchedList } : {}),
    files: plan.files.map((f) => ({ path: f.row.path, size: f.source.size, sha256: f.sha256 })),
    alreadyStored: same,
    missing: (model?.manifest.files ?? []).filter((f) => !verified.has(f.path)).map((f) => f.path),
    ...(plan.ggufFacts ? { ggufFacts: plan.ggufFacts } : {}),
  };
}

/** Largest model card or licence accepted as an attachment. */
const maxDocumentBytes = 4 << 20;

/**
 * Stores a model card or licence file the user attaches to an imported model (replacing one of
 * the same role), verified and listed like the model's own files.
 */
export async function attachDocument(modelId: string, role: Extract<FileRole, 'model-card' | 'licence'>, source: ImportSource): Promise<void> {
  const name = source.path.split('/').pop() ?? source.path;
  if (source.file.size > maxDocumentBytes) throw inputError('unreadable', name, `${name} is ${source.file.size} bytes: a model card or licence is a text file of a few kilobytes. It was not attached.`, [name]);
  const text = await source.file.slice(0, 4096).text();
  if (text.includes('\u0000')) throw inputError('unreadable', name, `${name} is not a text file, so it was not attached as the ${role === 'model-card' ? 'model card' : 'licence'}.`, [name]);
  await whileStopped(modelId, async () => {
    const db = await storeDb();
    const model = await db.get('models', modelId);
    if (!model) throw inputError('unreadable', name, 'That model is no longer on this device.');
    const path = role === 'model-card' ? 'README.md' : 'LICENSE';
    const sha256 = await hashFile(source.file, name, new ImportMeter('hashing', source.file.size, () => {}));
    const url = new URL(`${encodeURIComponent(modelId)}/attached/${path}`, importBase).href;
    const row: ManifestFile = { path, role, url, size: source.file.size, expected: { kind: 'sha256', sha256 }, trust: 'imported', target: targetFor(role, model.entry.engine, url) };
    for (const old of model.manifest.files.filter((f) => f.role === role)) await dropVerified(modelId, old.path, model.manifest);
    const manifest = { ...model.manifest, files: [...model.manifest.files.filter((f) => f.role !== role), row] };
    const current = (await db.get('models', modelId)) ?? model;
    await db.put('models', { ...current, manifest });
    await storeImported({ modelId, file: row, source: source.file, sha256 }, new ImportMeter('storing', source.file.size, () => {}));
    const verified = new Set((await db.getAllFromIndex('files', 'byModel', modelId)).map((f) => f.path));
    const after = (await db.get('models', modelId)) ?? current;
    await db.put('models', { ...after, complete: manifest.files.every((f) => verified.has(f.path)) });
  });
}
