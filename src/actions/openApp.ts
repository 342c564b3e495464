import type { CatalogEntry } from '../../workers/shared/catalog';
import { engineBridge } from '../bridges';
import { runnable } from '../lib/builds';
import { appUpdate } from '../state/appUpdate.svelte';
import { chat } from '../state/chat.svelte';
import { conversations } from '../state/conversations.svelte';
import { device } from '../state/device.svelte';
import { library } from '../state/library.svelte';
import { licences } from '../state/licences.svelte';
import { router } from '../state/router.svelte';
import { settings } from '../state/settings.svelte';

/** Why the conversation the URL named is not shown, in plain words (`null`: it is). */
export type RestoreNotice = 'private-gone' | 'missing' | null;

/**
 * Opening the app: settings, the model list, conversations and the device check in parallel;
 * then the conversation the URL names (or the last one) is shown and its model, when it is on
 * this device and can run here, starts loading at once. A private chat is never restored: it
 * lived in the closed tab's memory only.
 */
export async function openApp(): Promise<RestoreNotice> {
  appUpdate.start({ isBusy: () => chat.generating });
  await settings.load();
  // A model was loaded last time: start the engine worker (a large bundle) while the rest loads.
  if (settings.lastModelId) engineBridge.start();
  const [report] = await Promise.all([device.probe(), library.load(settings.modelHost), conversations.load(), licences.load()]);

  const route = router.route;
  let notice: RestoreNotice = null;
  const named = route.view === 'chat' ? route.conversationId : null;
  const wanted = named ?? settings.lastConversationId;
  if (route.view === 'chat' && route.private) notice = 'private-gone';
  else if (wanted && !(await conversations.select(wanted)) && named) notice = 'missing';
  if (route.view === 'chat') router.replace({ view: 'chat', conversationId: null });

  const entry = modelToLoad((id) => library.entry(id), report);
  if (entry) void chat.load(entry);
  return notice;
}

/** The model to load on opening: the open conversation's, else the last one loaded, else any on this device. */
function modelToLoad(find: (id: string) => CatalogEntry | undefined, report: Parameters<typeof runnable>[1]): CatalogEntry | null {
  const usable = (id: string | null | undefined): CatalogEntry | null => {
    const entry = id ? find(id) : undefined;
    return entry && library.isComplete(entry.id) && runnable(entry, report).ok ? entry : null;
  };
  return (
    usable(conversations.current?.model?.id) ??
    usable(settings.lastModelId) ??
    library.stored.map((m) => usable(m.id)).find((e) => e !== null) ??
    null
  );
}
