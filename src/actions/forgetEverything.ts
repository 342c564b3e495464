import { clearAppData } from '../lib/appDb';
import { library, storeBridge } from './library.svelte';
import { conversations } from './session.svelte';

/**
 * Removes every conversation (private ones included) and every setting, and with `models` every
 * downloaded model and the model lists kept from hosts. The app's own files (the service
 * worker's cache) stay: they hold nothing of the user's.
 */
export async function forgetEverything(options: { models: boolean }): Promise<void> {
  await conversations.removeAll();
  await clearAppData();
  if (options.models) {
    await storeBridge.api.forgetAll();
    await library.refresh();
  }
}
