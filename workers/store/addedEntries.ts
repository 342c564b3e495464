/**
 * Entries the user added from a repository, saved on this device (`addedEntries`) until removed.
 * Saving reads the chosen GGUF's own header from the host (parameters, context length, chat
 * template) and refuses, changing nothing, a model this device cannot store or Hearth cannot chat with.
 */
import { downloadSize, type CatalogEntry } from '../shared/catalog';
import { inputError, TypedError } from '../shared/errors';
import { checkCatalog } from '../catalog/checkCatalog';
import type { GgufFacts } from '../shared/storeProtocol';
import { kvCacheFieldsOf, remoteGgufFacts } from './ggufFacts';
import { resolveUrl } from './hubClient';
import { isFullyPinned } from './manifest';
import { governingLicence } from './modelCard';
import { availableStorage } from './repoInspect';
import { storeDb } from './schema';

/** Every saved entry, oldest first. */
export async function addedEntries(): Promise<CatalogEntry[]> {
  const rows = await (await storeDb()).getAll('addedEntries');
  return rows.sort((a, b) => a.savedAt - b.savedAt).map((r) => r.entry);
}

/** Fills in what only the GGUF's header says; a GGUF Hearth cannot chat with is refused. */
async function withGgufFacts(entry: CatalogEntry, signal?: AbortSignal): Promise<CatalogEntry> {
  const hostUrl = entry.origin?.kind === 'repository' ? entry.origin.hostUrl : '';
  const urls = entry.files.filter((f) => f.role === 'weights').map((f) => resolveUrl(hostUrl, entry.source.repo, entry.source.revision as string, f.path));
  let facts;
  try {
    facts = await remoteGgufFacts(urls, signal);
  } catch (error) {
    if (error instanceof TypedError) throw error;
    throw inputError('not-gguf', entry.id, `${entry.files[0]?.path ?? entry.id} on the host could not be read as a GGUF (${error instanceof Error ? error.message : String(error)}).`);
  }
  return withFacts(entry, facts, urls[0].split('/').pop() ?? entry.id);
}

/**
 * An entry with what its GGUF's header says (parameters, context, base model and licence where
 * the card named none); refused when the GGUF has no chat template. `npm run mirror` applies it
 * to the files it downloaded.
 */
export function withFacts(entry: CatalogEntry, facts: GgufFacts, fileName: string): CatalogEntry {
  if (!facts.chatTemplate) {
    throw inputError('no-chat-template', entry.id, `${fileName} has no chat template, so Hearth cannot form the prompts it was trained on. Choose an Instruct or chat build.`);
  }
  const lineage = entry.lineage
    ? {
        ...entry.lineage,
        baseModels: entry.lineage.baseModels.length ? entry.lineage.baseModels : facts.baseModels,
        declaredLicence: entry.lineage.declaredLicence ?? facts.licence,
      }
    : undefined;
  const trained = facts.contextLength ?? 4096;
  return {
    ...entry,
    parameters: facts.parameters,
    trainedContextWindow: trained,
    contextWindow: Math.min(trained, 4096),
    ...kvCacheFieldsOf(facts),
    ...(lineage ? { lineage, licence: governingLicence(lineage) } : {}),
  };
}

/**
 * Saves an entry a repository offered (see `inspectRepo`): pinned at a commit with every
 * file's size and SHA-256. A model larger than this device may store is a `QuotaError`.
 */
export async function saveAddedEntry(entry: CatalogEntry, signal?: AbortSignal): Promise<CatalogEntry> {
  if (entry.origin?.kind !== 'repository' || !isFullyPinned(entry) || checkCatalog([entry]).length > 0) {
    throw inputError('not-a-repo-id', entry.id, 'This entry is not a pinned repository entry; look the repository up again.');
  }
  const needed = downloadSize(entry).bytes;
  const available = await availableStorage();
  if (needed > available) {
    const { quota = 0 } = (await globalThis.navigator?.storage?.estimate?.().catch(() => undefined)) ?? {};
    throw new TypedError({
      name: 'QuotaError',
      message: `${entry.displayName} needs ${needed} bytes but the browser allows this site only ${available} more.`,
      modelId: entry.id,
      neededBytes: needed,
      availableBytes: available,
      quotaBytes: quota,
    });
  }
  const complete = entry.engine === 'wllama' ? await withGgufFacts(entry, signal) : entry;
  await (await storeDb()).put('addedEntries', { id: complete.id, entry: complete, savedAt: Date.now() });
  return complete;
}

/** Forgets a saved entry (its stored bytes, if any, are deleted by the caller first). */
export async function removeAddedEntry(id: string): Promise<void> {
  await (await storeDb()).delete('addedEntries', id);
}
