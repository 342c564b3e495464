import { StoreBridge } from '../lib/StoreBridge';
import { ModelLibrary } from './ModelLibrary.svelte';

/** The one store worker of the page. */
export const storeBridge = new StoreBridge();

/** The app's model library. */
export const library = new ModelLibrary(storeBridge);

// `npm run bench` drives the store worker directly to time the warm load; nothing else uses this.
if (new URLSearchParams(location.search).has('bench')) {
  Object.assign(globalThis, { hearthStore: storeBridge.api });
}
