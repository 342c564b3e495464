import { clearAppData } from '../lib/appDb';
import { benchmark, benchmarkHistory } from '../state/benchmark.svelte';
import { chat } from '../state/chat.svelte';
import { conversations } from '../state/conversations.svelte';
import { library } from '../state/library.svelte';

/**
 * Removes every conversation (private ones included), benchmark run and setting, and with `models` every
 * downloaded model and the model lists kept from hosts. The app's own files (the service
 * worker's cache) stay: they hold nothing of the user's.
 */
export async function forgetEverything(options: { models: boolean }): Promise<void> {
  benchmark.stop();
  // First, so a model still loading (the last one, reopened on this visit) cannot remember
  // itself in the settings after they are cleared. The page starts over afterwards anyway.
  await chat.unload();
  await conversations.removeAll();
  await clearAppData();
  benchmarkHistory.clear();
  if (options.models) await library.forgetAll();
}
