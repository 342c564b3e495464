/**
 * The manifest written beside a model's exported files (`hearth-export.json`): the entry, where
 * it came from, and every file's size and SHA-256 (as verified on this device), which the import
 * on another machine checks before it stores a byte as that model.
 */
import type { CatalogEntry } from '../shared/catalog';
import { inputError } from '../shared/errors';
import type { ExportManifest } from '../shared/storeProtocol';
import { storeDb } from './schema';

/** The export manifest of a stored, complete model; undefined when it is not (all) stored. */
export async function exportManifestOf(modelId: string, app: string): Promise<ExportManifest | undefined> {
  const db = await storeDb();
  const model = await db.get('models', modelId);
  if (!model) return undefined;
  const verified = new Map((await db.getAllFromIndex('files', 'byModel', modelId)).map((f) => [f.path, f]));
  if (model.manifest.files.some((f) => !verified.has(f.path))) return undefined;
  const { manifest } = model;
  return {
    format: 'hearth-export',
    version: 1,
    exportedAt: new Date().toISOString(),
    app,
    entry: model.entry,
    source: { hostUrl: manifest.hostUrl, repo: manifest.repo, revision: manifest.revision, hashesFrom: manifest.hashesFrom, baseUrl: manifest.baseUrl, ...(manifest.modelLibUrl ? { modelLibUrl: manifest.modelLibUrl } : {}) },
    files: manifest.files.map((f) => {
      const v = verified.get(f.path)!;
      return { path: f.path, role: f.role, size: v.size, sha256: v.sha256, url: f.url };
    }),
  };
}

const isSha = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

/** Reads an export manifest; anything that is not one is an `InputError`. */
export function parseExportManifest(text: string, name: string): ExportManifest {
  const bad = (why: string): never => {
    throw inputError('bad-export-manifest', name, `${name} is not a Hearth export manifest (${why}), so the files beside it cannot be checked against it. Pick the model's files without it, or export the model again.`, [name]);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad('it is not JSON');
  }
  const m = value as Partial<ExportManifest> | null;
  if (!m || m.format !== 'hearth-export' || m.version !== 1) return bad('its format is not hearth-export version 1');
  const entry = m.entry as CatalogEntry | undefined;
  if (!entry || typeof entry.id !== 'string' || (entry.engine !== 'wllama' && entry.engine !== 'webllm') || !Array.isArray(entry.files)) return bad('it names no model');
  const isUrl = (v: unknown): boolean => typeof v === 'string' && URL.canParse(v);
  if (!m.source || !isUrl(m.source.hostUrl) || !isUrl(m.source.baseUrl) || typeof m.source.repo !== 'string' || typeof m.source.revision !== 'string') return bad('it says no source');
  if (!Array.isArray(m.files) || m.files.length === 0 || !m.files.every((f) => typeof f?.path === 'string' && Number.isSafeInteger(f.size) && isSha(f.sha256) && isUrl(f.url))) return bad('its file list has no SHA-256s');
  return m as ExportManifest;
}
