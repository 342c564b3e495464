import { StoreBridge } from '../lib/StoreBridge';
import { ModelLibrary } from './ModelLibrary.svelte';

/** The one store worker of the page. */
export const storeBridge = new StoreBridge();

/** The app's model library. */
export const library = new ModelLibrary(storeBridge);
