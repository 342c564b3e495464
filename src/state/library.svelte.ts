import { proxy } from 'comlink';
import { StoreBridge } from '../lib/StoreBridge';
import { Licences } from './Licences.svelte';
import { ModelLibrary } from './ModelLibrary.svelte';

/** The one store worker of the page. */
export const storeBridge = new StoreBridge();

/** Licences accepted on this device. */
export const licences = new Licences();

/** The app's model library. */
export const library = new ModelLibrary(storeBridge, licences);

// `npm run bench` and `npm run soak` drive the store worker directly (the warm load's timing, a
// download per fault); nothing else uses this. `hearthProxy` wraps their progress callbacks.
if (new URLSearchParams(location.search).has('bench')) {
  Object.assign(globalThis, { hearthStore: storeBridge.api, hearthProxy: proxy });
}
