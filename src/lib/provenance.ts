/**
 * Where a model comes from, in words, for the models view, the artifact view and the BOM: the
 * entry's origin (the catalog, the host's list, a repository the user added, an imported file,
 * a mirror) and how its bytes reached this device (downloaded, or imported from files).
 */
import type { CatalogEntry } from '../../workers/shared/catalog';
import type { CachedModel, ModelManifest } from '../../workers/shared/storeProtocol';

const day = (ms: number | string): string => new Date(ms).toISOString().slice(0, 10);
const hostOf = (url: string): string => (URL.canParse(url) ? new URL(url).host : url);

/** A short label for a row of the models view; null for the catalog's own entries. */
export function originBadge(entry: CatalogEntry, stored?: CachedModel): string | null {
  if (entry.origin?.kind === 'repository') return 'added by you';
  if (entry.origin?.kind === 'file' || stored?.acquired === 'import') return 'imported';
  if (entry.origin?.kind === 'mirror') return 'mirror';
  return null;
}

/** Where the entry comes from, in one sentence. `hosted`: the model host's own list has it. */
export function entryOrigin(entry: CatalogEntry, hosted: boolean): string {
  const o = entry.origin;
  switch (o?.kind) {
    case 'repository':
      return `A repository you added: ${o.repo} at commit ${o.commit} on ${hostOf(o.hostUrl)} (its ${o.requestedRevision} on ${day(o.addedAt)}).`;
    case 'file':
      return `Imported from a file (${o.fileNames.join(', ')}) on ${day(o.importedAt)}: it matched no known model, so the file is its only source.`;
    case 'mirror':
      return `A mirror of ${hostOf(o.upstream)}, made on ${day(o.mirroredAt)}: every file was verified when it was mirrored, and again here.`;
    default:
      return hosted ? "The model host's own list." : "Hearth's built-in catalog.";
  }
}

/** How the stored bytes reached this device, in one sentence. */
export function bytesOrigin(manifest: ModelManifest): string {
  const a = manifest.acquired;
  if (!a || a.kind === 'download') {
    const hashes = manifest.hashesFrom === 'catalog' ? 'the pinned catalog' : "the host's listing at that commit";
    return `Downloaded from ${hostOf(manifest.hostUrl)} (${manifest.repo} at ${manifest.revision}), verified against ${hashes}.`;
  }
  const files = a.fileNames.join(', ');
  if (a.matched === 'known-hash') return `Imported from files (${files}) on ${day(a.importedAt)}: their SHA-256 equal the pinned ones, so no request was made.`;
  if (a.matched === 'export-manifest' && a.exportedFrom) {
    return `Imported on ${day(a.importedAt)} from files another device exported on ${day(a.exportedFrom.exportedAt)} (it had them from ${a.exportedFrom.repo} at ${a.exportedFrom.revision} on ${hostOf(a.exportedFrom.hostUrl)}); every SHA-256 matched the export manifest.`;
  }
  return `Imported from files (${files}) on ${day(a.importedAt)}, hashed here: nothing else vouches for them.`;
}
