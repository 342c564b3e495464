import type { CatalogEntry } from '../../workers/shared/catalog';
import type { EngineLoadOptions } from '../../workers/shared/engineProtocol';
import { modelName } from '../lib/builds';
import { chat } from '../state/chat.svelte';
import { layout } from '../state/layout.svelte';
import { library } from '../state/library.svelte';
import { licencePrompt } from '../state/licencePrompt.svelte';
import { licences } from '../state/licences.svelte';
import { modelDetails } from '../state/modelDetails.svelte';

/**
 * One flow from a build to chatting with it: the licence (asked once per licence version),
 * the download with its verification, the load; then the composer has focus. `false` when the
 * user declined the licence, or a step failed (the failure is shown where it happened).
 * `override` changes this load only (a suggested build's device), not the settings.
 */
export async function chatWith(entry: CatalogEntry, override: EngineLoadOptions = {}): Promise<boolean> {
  if (!licences.allows(entry)) {
    // An imported model is on the device already: its licence is accepted before its first use.
    if (!(await licencePrompt.ask(entry, library.isComplete(entry.id) ? 'use' : 'download'))) return false;
    await licences.accept(entry);
  }
  const ok = await chat.use(entry, override);
  if (ok) layout.focusComposer();
  return ok;
}

/** Deletes a model from this device; the loaded (or loading) one is unloaded first, and the header says so. */
export async function deleteModel(entry: CatalogEntry): Promise<void> {
  const inUse = chat.loadedEntry?.id === entry.id || chat.loading?.id === entry.id || chat.preparing?.id === entry.id;
  if (inUse) {
    await chat.unload(`${modelName(entry)} was deleted from this device, so it is no longer loaded.`);
    modelDetails.clear();
  }
  await library.remove(entry.id);
}

/** Removes a model the user added from a repository: its stored bytes (unloading it) and its entry. */
export async function removeAddedModel(entry: CatalogEntry): Promise<void> {
  if (library.storedModel(entry.id) || library.downloading.has(entry.id)) await deleteModel(entry);
  await library.removeAdded(entry.id);
}

/** Deletes every model; the loaded one is unloaded first. */
export async function deleteAllModels(): Promise<void> {
  if (chat.loadedEntry || chat.loading || chat.preparing) {
    await chat.unload('Every model was deleted from this device, so none is loaded.');
    modelDetails.clear();
  }
  await library.removeAll();
}
