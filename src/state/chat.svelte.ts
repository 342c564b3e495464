import { engineBridge, storeBridge } from '../bridges';
import { withSuggestion } from '../lib/buildSuggestion';
import { ChatSession } from './ChatSession.svelte';
import { conversations } from './conversations.svelte';
import { device } from './device.svelte';
import { library } from './library.svelte';
import { settings } from './settings.svelte';

/** The chat controller. */
export const chat = new ChatSession(engineBridge, storeBridge, conversations, library, {
  onLoaded: (entry) => void settings.rememberModel(entry.id),
  loadOptions: () => settings.engineLoadOptions,
  withSuggestion: (error, entry) => withSuggestion(error, entry, library.catalog, device.report, (id) => library.isComplete(id)),
});
