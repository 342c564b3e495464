import { storeBridge } from '../bridges';
import { licences } from './licences.svelte';
import { ModelLibrary } from './ModelLibrary.svelte';

/** The app's model library. */
export const library = new ModelLibrary(storeBridge, licences);
