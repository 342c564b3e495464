import { appDb } from './appDb';
import { summarize, type Conversation, type ConversationSummary } from './conversation';

/** Summaries of every saved conversation, most recently updated first. */
export async function listConversations(): Promise<ConversationSummary[]> {
  const db = await appDb();
  const out: ConversationSummary[] = [];
  let cursor = await db.transaction('conversations').store.index('byUpdated').openCursor(null, 'prev');
  while (cursor) {
    out.push(summarize(cursor.value));
    cursor = await cursor.continue();
  }
  return out;
}

/** One saved conversation, or `undefined`. */
export async function getConversation(id: string): Promise<Conversation | undefined> {
  return (await appDb()).get('conversations', id);
}

/** Saves (inserts or replaces) a conversation; private conversations are never written. */
export async function saveConversation(c: Conversation): Promise<void> {
  if (c.private) return;
  await (await appDb()).put('conversations', c);
}

/** Deletes one conversation (no-op when absent). */
export async function deleteConversation(id: string): Promise<void> {
  await (await appDb()).delete('conversations', id);
}

/** Deletes every saved conversation; settings are kept. */
export async function deleteAllConversations(): Promise<void> {
  await (await appDb()).clear('conversations');
}
