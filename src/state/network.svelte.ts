import { NetworkStatus } from './NetworkStatus.svelte';

/** Online or offline. */
export const network = new NetworkStatus();
