import { storeBridge } from '../bridges';
import { FileImport } from './FileImport.svelte';
import { library } from './library.svelte';

/** The "import from a disk" flow. */
export const importFromDisk = new FileImport(storeBridge, library);
