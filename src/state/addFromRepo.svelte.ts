import { storeBridge } from '../bridges';
import { library } from './library.svelte';
import { RepoLookup } from './RepoLookup.svelte';

/** The "add a model from a repository" flow. */
export const addFromRepo = new RepoLookup(storeBridge, library);
