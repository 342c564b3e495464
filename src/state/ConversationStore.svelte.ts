import {
  newConversation,
  rename as renameConversation,
  settleStreaming,
  summarize,
  type Conversation,
  type ConversationModel,
  type ConversationSettings,
  type ConversationSummary,
} from '../lib/conversation';
import {
  coalescedSaver,
  deleteAllConversations,
  deleteConversation,
  getConversation,
  listConversations,
  saveConversation,
} from '../lib/conversationDb';

/** Why the last save failed, by DOMException name (e.g. `QuotaExceededError`). */
export interface SaveError {
  name: string;
  message: string;
}

/**
 * The saved conversations and the open one. Every change is written through to IndexedDB in
 * the background (see `update`); the engine is not known here: the chat controller drives it.
 */
export class ConversationStore {
  /** Summaries, most recently updated first (private ones included while the tab lives). */
  list = $state.raw<ConversationSummary[]>([]);
  /** The open conversation, replaced wholesale on every change. */
  current = $state.raw<Conversation | null>(null);
  /** The last failed save, cleared by the next successful one. */
  saveError = $state.raw<SaveError | null>(null);
  loaded = $state(false);

  // Private conversations exist only here, so switching away and back does not lose them.
  // Not reactive on purpose: the UI reads `list` and `current`.
  readonly #private = new Map<string, Conversation>();
  readonly #saver = coalescedSaver(
    async (c) => {
      await saveConversation(c);
      this.saveError = null;
    },
    (error) => {
      this.saveError =
        error instanceof Error
          ? { name: error.name, message: error.message }
          : { name: 'Error', message: String(error) };
    },
  );

  /** Reads the saved list. */
  async load(): Promise<void> {
    const saved = await listConversations();
    const privates = [...this.#private.values()].map(summarize);
    this.list = [...privates, ...saved].sort((a, b) => b.updatedAt - a.updatedAt);
    this.loaded = true;
  }

  /** Opens a conversation; `false` when it no longer exists. */
  async select(id: string): Promise<boolean> {
    if (this.current?.id === id) return true;
    const found = this.#private.get(id) ?? (await getConversation(id));
    if (!found) {
      this.list = this.list.filter((s) => s.id !== id);
      return false;
    }
    // A reply that was streaming when the tab closed will never finish.
    this.current = settleStreaming(found);
    return true;
  }

  /** A conversation by id, without opening it. */
  async peek(id: string): Promise<Conversation | undefined> {
    return this.#private.get(id) ?? (await getConversation(id));
  }

  /** Closes the open conversation (e.g. before showing an empty "new chat" screen). */
  close(): void {
    this.current = null;
  }

  /** Starts a conversation, opens it and saves it (unless private). */
  create(
    settings: ConversationSettings,
    model: ConversationModel | null,
    options: { private?: boolean } = {},
  ): Conversation {
    const c = newConversation(settings, model, options);
    this.#store(c);
    this.current = c;
    return c;
  }

  /** Adds an imported conversation (already given a fresh id) and opens it. */
  add(c: Conversation): void {
    this.#store(c);
    this.current = c;
  }

  /**
   * Changes the open conversation with a pure function from `lib/conversation` and queues a
   * save. Cheap enough to call on every streamed chunk: at most one write is in flight and the
   * next write takes the newest state, so little more than the last chunk is lost on a crash.
   */
  update(change: (c: Conversation) => Conversation): void {
    if (!this.current) return;
    const next = change(this.current);
    if (next === this.current) return;
    this.current = next;
    this.#store(next);
  }

  /** Renames any conversation, open or not. */
  async rename(id: string, title: string): Promise<void> {
    if (this.current?.id === id) return this.update((c) => renameConversation(c, title));
    const c = this.#private.get(id) ?? (await getConversation(id));
    if (c) this.#store(renameConversation(c, title));
  }

  /** Deletes one conversation; the open one is closed. */
  async remove(id: string): Promise<void> {
    await this.#saver.flush(); // a queued write must not bring it back
    this.#private.delete(id);
    await deleteConversation(id);
    this.list = this.list.filter((s) => s.id !== id);
    if (this.current?.id === id) this.current = null;
  }

  /** Deletes every conversation, private ones included. */
  async removeAll(): Promise<void> {
    await this.#saver.flush();
    this.#private.clear();
    await deleteAllConversations();
    this.list = [];
    this.current = null;
  }

  /** Writes what is queued; call on `pagehide` and when the page becomes hidden. */
  flush(): Promise<void> {
    return this.#saver.flush();
  }

  #store(c: Conversation): void {
    if (c.private) this.#private.set(c.id, c);
    else this.#saver.schedule(c);
    this.#updateList(summarize(c));
  }

  #updateList(summary: ConversationSummary): void {
    const first = this.list[0];
    // While a reply streams only the timestamp moves; skip rebuilding the list for that.
    if (
      first?.id === summary.id &&
      first.title === summary.title &&
      first.messageCount === summary.messageCount
    )
      return;
    this.list = [summary, ...this.list.filter((s) => s.id !== summary.id)];
  }
}
