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
  const tx = (await appDb()).transaction('conversations', 'readwrite');
  const put = tx.store.put(c);
  // Commit now rather than after the put's success event reaches the page: a write started as
  // the page goes away (reload, closed tab) still lands.
  tx.commit();
  await Promise.all([put, tx.done]);
}

/** Deletes one conversation (no-op when absent). */
export async function deleteConversation(id: string): Promise<void> {
  await (await appDb()).delete('conversations', id);
}

/** Deletes every saved conversation; settings are kept. */
export async function deleteAllConversations(): Promise<void> {
  await (await appDb()).clear('conversations');
}

/** Saves conversations in the background, at most one write at a time. */
export interface CoalescedSaver {
  /** Queues the latest version of a conversation; older queued versions of it are replaced. */
  schedule(c: Conversation): void;
  /** Resolves once everything queued so far is written (or failed). */
  flush(): Promise<void>;
}

/**
 * A saver for streaming replies: every chunk can be scheduled, yet only one write is in flight
 * and the next one writes whatever is newest, so the store trails the screen by one write.
 */
export function coalescedSaver(
  save: (c: Conversation) => Promise<void> = saveConversation,
  onError: (error: unknown) => void = (error) => console.error('Saving a conversation failed', error),
  minIntervalMs = 250,
): CoalescedSaver {
  // Keyed by id, so switching conversations mid-write never drops the other one's last state.
  const pending = new Map<string, Conversation>();
  let running: Promise<void> | null = null;
  let lastStart = -Infinity;
  let wake: (() => void) | null = null;

  async function drain(): Promise<void> {
    for (let next = pending.values().next(); !next.done; next = pending.values().next()) {
      // A streaming reply changes many times a second: write it at most every minIntervalMs
      // (flush() writes at once when the page goes away, so nothing is lost on close).
      const wait = lastStart + minIntervalMs - performance.now();
      if (wait > 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, wait);
        });
        wake = null;
        continue;
      }
      pending.delete(next.value.id);
      lastStart = performance.now();
      try {
        await save(next.value);
      } catch (error) {
        onError(error);
      }
    }
    running = null;
  }

  return {
    schedule(c) {
      if (c.private) return;
      pending.set(c.id, c);
      running ??= drain();
    },
    async flush() {
      // Called when the page goes away: there is no time to wait for the write in flight, so
      // what is queued is written now, beside it (transactions apply in the order they start).
      const now = [...pending.values()];
      pending.clear();
      wake?.();
      await Promise.all(now.map((c) => save(c).catch(onError)));
      while (running) await running;
    },
  };
}

/** Ids of saved conversations whose messages contain `query` (case-insensitive), newest first. */
export async function searchConversations(query: string): Promise<string[]> {
  const needle = query.toLowerCase();
  const db = await appDb();
  const ids: string[] = [];
  let cursor = await db.transaction('conversations').store.index('byUpdated').openCursor(null, 'prev');
  while (cursor) {
    if (cursor.value.messages.some((m) => m.content.toLowerCase().includes(needle))) ids.push(cursor.value.id);
    cursor = await cursor.continue();
  }
  return ids;
}
