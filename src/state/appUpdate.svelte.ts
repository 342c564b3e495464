import { UpdatePrompt } from './UpdatePrompt.svelte';

/** The app's service worker: offline readiness and updates waiting for the user. */
export const appUpdate = new UpdatePrompt();
