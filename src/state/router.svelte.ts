import { HashRouter } from './HashRouter.svelte';

/** The view shown, from the URL. */
export const router = new HashRouter();
