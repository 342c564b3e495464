import { engineBridge, storeBridge } from '../bridges';
import { ChatSession } from './ChatSession.svelte';
import { conversations } from './conversations.svelte';
import { library } from './library.svelte';
import { settings } from './settings.svelte';

/** The chat controller. */
export const chat = new ChatSession(engineBridge, storeBridge, conversations, library, (entry) => void settings.rememberModel(entry.id));
