import { EngineBridge } from '../lib/EngineBridge';
import { ChatSession } from './ChatSession.svelte';
import { Conversations } from './Conversations.svelte';
import { ModelDetails } from './ModelDetails.svelte';
import { library, storeBridge } from './library.svelte';

/** The one engine worker of the page. */
export const engineBridge = new EngineBridge();

/** Saved conversations and the open one. */
export const conversations = new Conversations();

/** The chat controller. */
export const chat = new ChatSession(engineBridge, storeBridge, conversations, library);

/** What the side panel shows of the loaded model. */
export const modelDetails = new ModelDetails(storeBridge);

// `npm run bench` sets engine-load options the UI does not offer yet (threads, context window);
// nothing else uses this.
if (new URLSearchParams(location.search).has('bench')) {
  Object.assign(globalThis, { hearthChat: chat });
}
