import { UserSettings } from './UserSettings.svelte';

/** The app's settings. */
export const settings = new UserSettings();
