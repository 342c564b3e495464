import { library } from '../state/library.svelte';
import { settings } from '../state/settings.svelte';

/** Points downloads at another host and asks it for its list; throws a plain message on a bad address. */
export async function changeHost(host: string): Promise<void> {
  await settings.setModelHost(host);
  await library.load(settings.modelHost, { refresh: true });
}
