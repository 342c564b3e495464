import { StoreBridge } from '../lib/StoreBridge';
import { Licences } from './Licences.svelte';
import { ModelLibrary } from './ModelLibrary.svelte';

/** The one store worker of the page. */
export const storeBridge = new StoreBridge();

/** Licences accepted on this device. */
export const licences = new Licences();

/** The app's model library. */
export const library = new ModelLibrary(storeBridge, licences);

// `npm run bench` drives the store worker directly to time the warm load; nothing else uses this.
if (new URLSearchParams(location.search).has('bench')) {
  Object.assign(globalThis, { hearthStore: storeBridge.api });
}
