/**
 * `npm run mirror`, as a function: plans (see `mirrorPlan.ts`), downloads and verifies every
 * file and model library (see `mirrorWrite.ts`), and lists the entries, pinned, in the mirror's
 * `hearth-catalog.json` (merged with what an earlier run listed there).
 */
import { openAsBlob } from 'node:fs';
import { join } from 'node:path';
import type { CatalogEntry } from '../../workers/shared/catalog';
import { withFacts } from '../../workers/store/addedEntries';
import { ggufFactsOf, kvCacheFieldsOf } from '../../workers/store/ggufFacts';
import type { HubContext } from '../../workers/store/hubClient';
import { readCatalog, writeCatalog } from './catalogFile';
import { planMirror, type MirrorFile, type MirrorItem } from './mirrorPlan';
import { downloadVerified, fileLocation, inside, mirroredEntry, writeApiFiles, type Verified } from './mirrorWrite';

export interface MirrorOptions {
  ids: string[];
  out: string;
  /** The Hugging Face–compatible host to copy from. */
  host: string;
  /** Injected in tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** One line per file and entry. */
  log?: (line: string) => void;
  /** The built-in catalog (defaults to the app's). */
  catalogPath?: string | URL;
}

export interface MirrorSummary {
  entries: CatalogEntry[];
  downloaded: number;
  kept: number;
  bytes: number;
}

/**
 * A repository entry's GGUF facts, read from the files just mirrored (as saving it in the app
 * reads them from the host); any other GGUF entry keeps its own, and gets the KV cache's sizes
 * where its catalog (an older one) did not carry them.
 */
async function completed(entry: CatalogEntry, item: MirrorItem, out: string, host: string): Promise<CatalogEntry> {
  const repository = item.upstreamOrigin === 'repository';
  if (entry.engine !== 'wllama' || (!repository && entry.kvValuesPerToken && entry.kvHeadSizes)) return entry;
  const weights = entry.files.filter((f) => f.role === 'weights');
  const parts = await Promise.all(weights.map(async (f) => ({ name: f.path, blob: await openAsBlob(fileLocation(out, item, host, f.path).dest) })));
  const facts = await ggufFactsOf(parts);
  return repository ? withFacts(entry, facts, weights[0]?.path ?? entry.id) : { ...kvCacheFieldsOf(facts), ...entry };
}

export async function makeMirror(options: MirrorOptions): Promise<MirrorSummary> {
  const log = options.log ?? (() => {});
  const hub: HubContext = { hostUrl: options.host, modelId: 'mirror', fetch: options.fetch };
  const items = await planMirror(options.ids, hub, options.catalogPath);
  const catalogPath = join(options.out, 'hearth-catalog.json');
  const listed = new Map((await readCatalog(catalogPath)).map((e) => [e.id, e]));
  const summary: MirrorSummary = { entries: [], downloaded: 0, kept: 0, bytes: 0 };
  const mirroredAt = new Date().toISOString();
  for (const item of items) {
    log(`${item.entry.id}: ${item.repo} @ ${item.commit}`);
    const done: { file: MirrorFile; hashes: Verified }[] = [];
    const fetchOne = async (url: string, dest: string, file: { size: number; sha256?: string; gitSha1?: string }, label: string): Promise<Verified> => {
      const hashes = await downloadVerified(url, dest, file, label, options.fetch);
      summary[hashes.kept ? 'kept' : 'downloaded']++;
      summary.bytes += hashes.kept ? 0 : file.size;
      log(`  ${hashes.kept ? 'kept      ' : 'downloaded'} ${label} (${file.size} bytes, sha256 ${hashes.sha256})`);
      return hashes;
    };
    for (const file of item.files) {
      const { url, dest } = fileLocation(options.out, item, options.host, file.path);
      done.push({ file, hashes: await fetchOne(url, dest, file, file.path) });
    }
    if (item.lib) await fetchOne(item.lib.url, inside(options.out, item.lib.path), item.lib, `model library ${item.lib.path}`);
    const entry = await completed(mirroredEntry(item, done, options.host, mirroredAt), item, options.out, options.host);
    await writeApiFiles(options.out, item, done);
    listed.set(entry.id, entry);
    summary.entries.push(entry);
  }
  await writeCatalog(catalogPath, [...listed.values()]);
  return summary;
}
