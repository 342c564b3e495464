import { AppUpdate } from './AppUpdate.svelte';
import { NetworkStatus } from './NetworkStatus.svelte';

/** The app's service worker: offline readiness and updates waiting for the user. */
export const appUpdate = new AppUpdate();

/** Online or offline. */
export const network = new NetworkStatus();
