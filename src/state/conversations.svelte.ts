import { ConversationStore } from './ConversationStore.svelte';

/** Saved conversations and the open one. */
export const conversations = new ConversationStore();
