import { Settings } from './Settings.svelte';

/** The app's settings. */
export const settings = new Settings();
