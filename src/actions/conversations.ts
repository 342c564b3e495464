import { exportFileName, exportJson, exportMarkdown, importJson } from '../lib/chatExport';
import { getConversation } from '../lib/conversationDb';
import { saveFile } from '../lib/saveFile';
import { chat } from '../state/chat.svelte';
import { conversations } from '../state/conversations.svelte';
import { layout } from '../state/layout.svelte';
import { router } from '../state/router.svelte';

/** Shows the chat view with no conversation open; the first message starts one. */
export function newChat(): void {
  conversations.close();
  chat.refreshContext();
  router.go({ view: 'chat', conversationId: null });
  layout.closeDrawers();
  layout.focusComposer();
}

/** Starts a private conversation: kept in this tab's memory only, never written to storage. */
export function newPrivateChat(): void {
  conversations.create(chat.defaultSettings(), null, { private: true });
  chat.refreshContext();
  router.go({ view: 'chat', conversationId: null, private: true });
  layout.closeDrawers();
  layout.focusComposer();
}

/** Opens a conversation in the chat view. */
export async function openConversation(id: string): Promise<void> {
  await conversations.select(id);
  chat.refreshContext();
  router.go({ view: 'chat', conversationId: null });
  layout.closeDrawers();
}

/** Reads a conversation file the user chose; an error in plain words when it is not one. */
export async function importConversationFile(file: File): Promise<string | null> {
  const result = importJson(await file.text());
  if (!result.ok) return result.error;
  conversations.add(result.conversation);
  chat.refreshContext();
  router.go({ view: 'chat', conversationId: null });
  layout.closeDrawers();
  return null;
}

/** Saves a conversation as a file (JSON with every version, or a Markdown transcript). */
export async function exportConversation(id: string, format: 'json' | 'md'): Promise<void> {
  const c = conversations.current?.id === id ? conversations.current : await conversations.peek(id);
  if (!c) return;
  if (format === 'json') saveFile(exportFileName(c, 'json'), exportJson(c), 'application/json');
  else saveFile(exportFileName(c, 'md'), exportMarkdown(c), 'text/markdown');
}

/** Whether a conversation id names a saved conversation. */
export async function isSaved(id: string): Promise<boolean> {
  return (await getConversation(id)) !== undefined;
}
