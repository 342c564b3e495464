import { storeBridge } from '../bridges';
import { ModelExports } from './ModelExports.svelte';

/** Exports of stored models to files. */
export const exporter = new ModelExports(storeBridge);
