/**
 * Which model imported files are: one whose pinned or recorded SHA-256s they equal (they become
 * that model, verified, with no request), the one their export manifest names, or a new model.
 */
import type { CatalogEntry } from '../shared/catalog';
import type { ExportManifest, ModelManifest } from '../shared/storeProtocol';

/** A model Hearth knows, with the SHA-256 each of its files must have, and which list has it. */
export interface KnownModel {
  entry: CatalogEntry;
  list: 'catalog' | 'host' | 'added' | 'stored';
  /** path -> SHA-256, for every file whose hash is known (pinned, or recorded at download). */
  sha256: Map<string, string>;
  /** The manifest it was stored with, when it is on this device. */
  manifest?: ModelManifest;
}

/** Known models from catalog entries (pinned hashes) and stored manifests (recorded hashes). */
export function knownModels(lists: { list: KnownModel['list']; entries: CatalogEntry[] }[], stored: { entry: CatalogEntry; manifest: ModelManifest }[]): KnownModel[] {
  const out: KnownModel[] = [];
  for (const s of stored) {
    const sha256 = new Map<string, string>();
    for (const f of s.manifest.files) if (f.expected.kind === 'sha256') sha256.set(f.path, f.expected.sha256);
    out.push({ entry: s.entry, list: 'stored', sha256, manifest: s.manifest });
  }
  for (const { list, entries } of lists) {
    for (const entry of entries) {
      if (out.some((k) => k.entry.id === entry.id)) continue;
      const sha256 = new Map(entry.files.filter((f) => f.sha256).map((f) => [f.path, f.sha256 as string]));
      if (entry.modelLib?.sha256) sha256.set(entry.modelLib.url.split('/').pop() ?? '', entry.modelLib.sha256);
      out.push({ entry, list, sha256 });
    }
  }
  return out;
}

/** Roles that make a model: without all of them equal, files are not that model. */
const defining = new Set(['weights', 'chat-config', 'tokenizer', 'tensor-cache']);

/**
 * The known model these files are: every file that defines it (weights, and for MLC the config,
 * tokenizer and tensor cache) has a known hash, and the imported files hash to exactly those.
 * Picked files are matched by content, wherever they sit and whatever they are called.
 */
export function matchKnown(known: KnownModel[], engine: CatalogEntry['engine'], picked: { path: string; sha256: string }[]): { model: KnownModel; pathOf: Map<string, string> } | null {
  const hashes = new Map(picked.map((p) => [p.sha256, p.path]));
  for (const model of known) {
    if (model.entry.engine !== engine) continue;
    const files = model.manifest ? model.manifest.files : model.entry.files;
    const needed = files.filter((f) => defining.has(f.role));
    if (needed.length === 0 || needed.length > picked.length) continue;
    const pathOf = new Map<string, string>();
    const all = needed.every((f) => {
      const sha = model.sha256.get(f.path);
      const from = sha ? hashes.get(sha) : undefined;
      if (from) pathOf.set(f.path, from);
      return from !== undefined;
    });
    if (all) {
      // Optional files (card, licence, library) that are among the picked ones come along.
      for (const [path, sha] of model.sha256) {
        const from = hashes.get(sha);
        if (from && !pathOf.has(path)) pathOf.set(path, from);
      }
      return { model, pathOf };
    }
  }
  return null;
}

/**
 * The entry an export manifest names, under an id that cannot take over another model: a known
 * entry of the same id whose pinned hashes differ keeps its id, and the import gets its own.
 */
export function entryFromExport(manifest: ExportManifest, known: KnownModel[]): CatalogEntry {
  const same = known.find((k) => k.entry.id === manifest.entry.id);
  const clash = same && manifest.files.some((f) => (same.sha256.get(f.path) ?? f.sha256) !== f.sha256);
  const weights = manifest.files.find((f) => f.role === 'weights');
  return clash ? { ...manifest.entry, id: `${manifest.entry.id}@${(weights?.sha256 ?? '').slice(0, 12)}` } : manifest.entry;
}
