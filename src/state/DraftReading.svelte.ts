import type { DraftRead, LoadedModel } from '../../workers/shared/engineProtocol';
import type { ContextBudget } from '../lib/contextBudget';
import { isPromptTooLong } from '../lib/contextWindow';
import { appendUser, engineMessages, newConversation, type ConversationSettings } from '../lib/conversation';
import { DraftReadAhead, type Draft } from '../lib/draftReadAhead';
import type { EngineBridge } from '../lib/EngineBridge';
import type { ConversationStore } from './ConversationStore.svelte';

/** What the chat tells the reading of a draft about itself. */
export interface ReadingSession {
  readonly loaded: LoadedModel | null;
  /** A message can be sent now (a model loaded, none loading). */
  readonly ready: boolean;
  readonly generating: boolean;
  /** Settings of the conversation Send would start when none is open. */
  defaultSettings(): ConversationSettings;
}

/**
 * The message being typed, read ahead by an engine that reads cheaply (`LoadedModel.readsAhead`):
 * the prompt the message would become is sent to the engine as it is typed (DraftReadAhead says
 * when), so Send waits only for what the engine has not read yet.
 */
export class DraftReading {
  /** The draft the engine has read, and in which conversation (the composer shows it as `data-prepared`). */
  read = $state.raw<Draft | null>(null);
  readonly #engine: EngineBridge;
  readonly #conversations: ConversationStore;
  readonly #budget: ContextBudget;
  readonly #session: ReadingSession;
  readonly #ahead = new DraftReadAhead(
    (draft) => this.#readDraft(draft),
    (draft) => (this.read = draft),
  );

  constructor(engine: EngineBridge, conversations: ConversationStore, budget: ContextBudget, session: ReadingSession) {
    this.#engine = engine;
    this.#conversations = conversations;
    this.#budget = budget;
    this.#session = session;
  }

  /** The user typed in the message box. */
  typed(text: string): void {
    if (this.#session.loaded?.readsAhead) this.#ahead.typed({ key: this.#key(), text });
  }

  /** The model became free to read (a reply ended, a model loaded): what was typed meanwhile is read. */
  readable(): void {
    if (this.#session.loaded?.readsAhead) this.#ahead.resume(this.#key());
  }

  /** What was read no longer holds (a prompt took the engine's cache, a load, an unload). */
  forget(): void {
    this.#ahead.forget();
  }

  /** Whose draft the message box holds: the open conversation's, or `new`. */
  #key(): string {
    return this.#conversations.current?.id ?? 'new';
  }

  async #readDraft(draft: Draft): Promise<DraftRead> {
    const session = this.#session;
    const loaded = session.loaded;
    const open = this.#conversations.current;
    if (!loaded?.readsAhead || !session.ready || session.generating || draft.key !== this.#key()) return 'none';
    // With no conversation open, the one Send would start (its default settings: no system prompt).
    const c = appendUser(open ?? newConversation(session.defaultSettings(), null), draft.text);
    // Fitted to the window as on Send, so the text read is the one Send's prompt begins with.
    const fitted = this.#budget.fit(c, engineMessages(c), loaded.contextWindow);
    if (isPromptTooLong(fitted)) return 'none';
    const read = await this.#engine.prepare(fitted.messages, { conversation: draft.key, droppedTurns: fitted.droppedTurns });
    return session.loaded === loaded ? read : 'none';
  }
}
