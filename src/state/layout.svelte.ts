import { ViewLayout } from './ViewLayout.svelte';

/** What is open around the chat. */
export const layout = new ViewLayout();
