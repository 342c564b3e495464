import type { CatalogEntry } from '../../workers/shared/catalog';
import type { ModelStamp } from '../../workers/shared/chat';
import type { EngineError } from '../../workers/shared/engineErrors';
import type { EngineLoadOptions, GenerateOptions, LoadedModel, LoadProgress, RawPrompt } from '../../workers/shared/engineProtocol';
import { ContextBudget, type ContextUsage } from '../lib/contextBudget';
import { isPromptTooLong } from '../lib/contextWindow';
import {
  appendReplyText,
  appendUser,
  canContinue,
  editUser,
  engineMessages,
  finishReply,
  newId,
  regenerate,
  resumeReply,
  startReply,
  type Conversation,
  type ConversationModel,
  type ConversationSettings,
} from '../lib/conversation';
import type { EngineBridge } from '../lib/EngineBridge';
import type { StoreBridge } from '../lib/StoreBridge';
import { measureTemplate } from '../lib/templateShape';
import type { ConversationStore } from './ConversationStore.svelte';
import { DraftReading } from './DraftReading.svelte';
import type { ModelLibrary } from './ModelLibrary.svelte';

export type { ContextUsage };

/** What the chat controller asks of the rest of the app. */
export interface ChatHooks {
  /** A model finished loading (remembered for the next visit). */
  onLoaded?: (entry: CatalogEntry) => void;
  /** How models load now: the user's engine settings. */
  loadOptions?: () => EngineLoadOptions;
  /** The error with a build that fits this device, when one is known (data the UI can offer). */
  withSuggestion?: (error: EngineError, entry: CatalogEntry) => EngineError;
}

/**
 * The chat controller: the loaded model, and sending, stopping, regenerating, editing and
 * continuing. Engine work happens in the engine worker; this only moves state. Loads are
 * serialized: a newer request supersedes one that has not started.
 */
export class ChatSession {
  readonly #engine: EngineBridge;
  readonly #store: StoreBridge;
  readonly #conversations: ConversationStore;
  readonly #library: ModelLibrary;
  readonly #hooks: ChatHooks;
  /** Stop was pressed for the reply being prepared (before the engine started streaming). */
  #stopRequested = false;
  readonly #budget = new ContextBudget();
  #request = 0;
  #loads: Promise<unknown> = Promise.resolve();

  loaded = $state.raw<LoadedModel | null>(null);
  loadedEntry = $state.raw<CatalogEntry | null>(null);
  /** The entry being loaded into the engine. */
  loading = $state.raw<CatalogEntry | null>(null);
  /** The entry being downloaded so it can be loaded (the one-step "chat with this model"). */
  preparing = $state.raw<CatalogEntry | null>(null);
  loadProgress = $state.raw<LoadProgress | null>(null);
  error = $state.raw<EngineError | null>(null);
  /** The entry whose load failed with `error`. */
  failedEntry = $state.raw<CatalogEntry | null>(null);
  /** Said in the header after the model went away (deleted, unloaded). */
  notice = $state<string | null>(null);
  generating = $state(false);
  /** The exact prompt of the last reply, as the engine received it. */
  lastPrompt = $state.raw<RawPrompt | null>(null);
  context = $state.raw<ContextUsage | null>(null);
  /** The engine-load options the loaded model was loaded with (to tell when settings changed since). */
  loadedWith = $state.raw<EngineLoadOptions | null>(null);
  /** The message being typed, read ahead where the engine reads cheaply. */
  readonly drafts: DraftReading;
  constructor(engine: EngineBridge, store: StoreBridge, conversations: ConversationStore, library: ModelLibrary, hooks: ChatHooks = {}) {
    this.#engine = engine;
    this.#store = store;
    this.#conversations = conversations;
    this.#library = library;
    this.#hooks = hooks;
    this.drafts = new DraftReading(engine, conversations, this.#budget, this);
  }

  /** A message can be sent now. */
  get ready(): boolean {
    return this.loaded !== null && this.loading === null;
  }

  /**
   * Gets a model ready to chat: downloads what is missing (its licence must be accepted
   * already), then loads it (`override` on top of the settings, e.g. a suggested build's
   * device). `false` when it failed or a newer request took over.
   */
  async use(entry: CatalogEntry, override: EngineLoadOptions = {}): Promise<boolean> {
    const request = ++this.#request;
    this.notice = null;
    if (!this.#library.isComplete(entry.id)) {
      this.preparing = entry;
      const ok = await this.#library.download(entry);
      if (request !== this.#request) return false;
      this.preparing = null;
      if (!ok) return false;
      // Downloads take long: a reply the user is reading as it streams finishes first.
      while (this.generating) await new Promise((resolve) => setTimeout(resolve, 200));
      if (request !== this.#request) return false;
    }
    return this.load(entry, override, request);
  }

  #explain(error: EngineError, entry: CatalogEntry | null): EngineError {
    return entry && this.#hooks.withSuggestion ? this.#hooks.withSuggestion(error, entry) : error;
  }

  /** Loads a downloaded model; damaged files are repaired (downloaded again, alone) first. */
  load(entry: CatalogEntry, override: EngineLoadOptions = {}, request = ++this.#request): Promise<boolean> {
    this.loading = entry;
    this.preparing = null;
    this.error = null;
    this.failedEntry = null;
    const options = { ...this.#hooks.loadOptions?.(), ...override };
    const run = this.#loads.then(() => (request === this.#request ? this.#load(entry, options, request) : false));
    this.#loads = run.catch(() => false);
    return run;
  }

  async #load(entry: CatalogEntry, options: EngineLoadOptions, request: number): Promise<boolean> {
    if (this.generating) await this.stop();
    this.drafts.forget();
    const current = (): boolean => request === this.#request;
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const result = await this.#engine.load($state.snapshot(entry) as CatalogEntry, options, (progress) => {
          if (current()) this.loadProgress = progress;
        });
        if (!current()) return false;
        if (result.ok) {
          this.loaded = result.value;
          this.loadedEntry = entry;
          this.loadedWith = options;
          this.#budget.reset(await measureTemplate(this.#engine));
          // Unloaded while the template was measured: nothing to remember.
          if (!current()) return false;
          this.refreshContext();
          this.#hooks.onLoaded?.(entry);
          return true;
        }
        this.error = this.#explain(result.error, entry);
        // Repair damaged files; a model deleted while it was loading (no bad files) stays deleted.
        if (result.error.name !== 'ModelNotReadyError' || !result.error.badFiles?.length || attempt > 0) break;
        await this.#library.repair(entry);
      }
      this.loaded = null;
      this.loadedEntry = null;
      this.loadedWith = null;
      this.failedEntry = entry;
      return false;
    } finally {
      if (current()) {
        this.loading = null;
        this.loadProgress = null;
      }
    }
  }

  /** Unloads the model (e.g. it was deleted); `notice` says so in the header. */
  async unload(notice: string | null = null): Promise<void> {
    this.#request++;
    if (this.generating) await this.stop();
    this.drafts.forget();
    await this.#engine.unload();
    this.loaded = null;
    this.loadedEntry = null;
    this.loadedWith = null;
    this.loading = null;
    this.preparing = null;
    this.loadProgress = null;
    this.context = null;
    this.notice = notice;
  }

  /** The identity of the loaded model, recorded with each reply. */
  #stamp(): ModelStamp | null {
    const entry = this.loadedEntry;
    if (!entry || !this.loaded) return null;
    const stored = this.#library.storedModel(entry.id);
    return { id: entry.id, revision: stored?.revision ?? entry.source.revision ?? '', engine: entry.engine };
  }

  /** Settings for a new conversation: the model's defaults and no system prompt. */
  defaultSettings(): ConversationSettings {
    const d = this.loaded?.defaults ?? { temperature: 0.6, topP: 0.9, maxTokens: 512 };
    return { systemPrompt: '', ...d };
  }

  async #conversationModel(stamp: ModelStamp): Promise<ConversationModel> {
    const files = await this.#store.verifiedFiles(stamp.id);
    return { ...stamp, hashes: Object.fromEntries(files.map((f) => [f.path, f.sha256])) };
  }

  /** Sends a message in the open conversation (starting one if none is open). */
  async send(text: string): Promise<boolean> {
    const stamp = this.#stamp();
    if (!stamp || !this.ready || this.generating || !text.trim()) return false;
    // Busy at once: Stop appears in the same frame as the message, so a keyboard user can Tab
    // straight to it, and a Stop that comes before the first token still counts.
    this.generating = true;
    this.#stopRequested = false;
    try {
      if (!this.#conversations.current) {
        this.#conversations.create(this.defaultSettings(), await this.#conversationModel(stamp));
      } else if (!this.#conversations.current.model) {
        // Created by a settings change before any message: record the model now.
        const model = await this.#conversationModel(stamp);
        this.#conversations.update((c) => ({ ...c, model }));
      }
      this.#conversations.update((c) => appendUser(c, text));
      await this.#reply(stamp);
    } finally {
      this.generating = false;
    }
    return true;
  }

  /** Writes a new answer in place of any reply (the old one is kept as a version). */
  async regenerate(assistantId: string): Promise<void> {
    const stamp = this.#stamp();
    if (!stamp || this.generating) return;
    this.#stopRequested = false;
    this.#conversations.update((c) => regenerate(c, assistantId));
    await this.#reply(stamp);
  }

  /** Edits a user message (what followed is kept as a version) and replies again. */
  async edit(messageId: string, text: string): Promise<void> {
    const stamp = this.#stamp();
    if (!stamp || this.generating) return;
    this.#stopRequested = false;
    this.#conversations.update((c) => editUser(c, messageId, text));
    await this.#reply(stamp);
  }

  /** Writes on from a reply that was cut at the token limit, in the same message. */
  async continueReply(assistantId: string): Promise<void> {
    const stamp = this.#stamp();
    const c = this.#conversations.current;
    if (!stamp || this.generating || !c || !canContinue(c, assistantId) || !this.loaded?.canContinue) return;
    this.#stopRequested = false;
    this.#conversations.update((conv) => resumeReply(conv, assistantId));
    await this.#generate(stamp, c, assistantId, { continueLast: true });
  }

  /** Stops the reply being generated; the partial reply is kept. */
  async stop(): Promise<void> {
    this.#stopRequested = true;
    await this.#engine.interrupt();
  }

  #updateContext(dropped?: number, exactTokens?: number, note?: string | null): void {
    const c = this.#conversations.current;
    this.context = c && this.loaded ? this.#budget.usage(c, this.loaded, dropped, exactTokens, note) : null;
  }

  /** Refreshes the context meter for the open conversation (after switching or changing settings). */
  refreshContext(): void {
    this.#updateContext();
  }

  async #reply(stamp: ModelStamp): Promise<void> {
    const c = this.#conversations.current;
    if (!c) return;
    const id = newId();
    this.#conversations.update((conv) => startReply(conv, stamp, id));
    await this.#generate(stamp, c, id);
  }

  /** Streams into reply `id`; `c` is the conversation as the engine should see it. */
  async #generate(stamp: ModelStamp, c: Conversation, id: string, options: GenerateOptions = {}): Promise<void> {
    this.generating = true;
    this.error = null;
    // The prompt takes llama.cpp's cache from whatever draft it read.
    this.drafts.forget();
    try {
      if (this.#stopRequested) {
        this.#conversations.update((conv) => finishReply(conv, id, 'interrupted'));
        return;
      }
      for (let attempt = 0; ; attempt++) {
        const fitted = this.#budget.fit(c, engineMessages(c), this.loaded?.contextWindow ?? 0);
        if (isPromptTooLong(fitted)) {
          this.error = { name: 'ContextOverflowError', message: 'This message is longer than the model can read at once.', neededTokens: fitted.needed, windowTokens: fitted.window };
          this.#conversations.update((conv) => finishReply(conv, id, 'error', undefined, this.error?.message));
          return;
        }
        const sampling = { temperature: c.settings.temperature, topP: c.settings.topP, maxTokens: c.settings.maxTokens };
        const { chunks, result } = this.#engine.stream(fitted.messages, sampling, { ...options, scope: { conversation: c.id, droppedTurns: fitted.droppedTurns } });
        for await (const piece of chunks) this.#conversations.update((conv) => appendReplyText(conv, id, piece));
        const outcome = await result;
        if (!outcome.ok) {
          // Our estimate was short: learn a higher ratio and leave more out.
          if (outcome.error.name === 'ContextOverflowError' && attempt < 3) {
            this.#budget.widen();
            continue;
          }
          this.error = this.#explain(outcome.error, this.loadedEntry);
          this.#conversations.update((conv) => finishReply(conv, id, 'error', undefined, outcome.error.message));
          // A lost GPU takes the model with it: load it again; the conversation is untouched.
          if (outcome.error.name === 'DeviceLostError' && this.loadedEntry) {
            const entry = this.loadedEntry;
            const shown = this.error;
            const options = this.loadedWith ?? {};
            queueMicrotask(() => void this.load(entry, options).then((ok) => ok && (this.error = shown)));
          }
          return;
        }
        const { stats, prompt } = outcome.value;
        this.lastPrompt = prompt;
        const replyText = this.#conversations.current?.messages.find((m) => m.id === id)?.content ?? '';
        this.#budget.calibrate(prompt, replyText, stats.completionTokens);
        this.#conversations.update((conv) => finishReply(conv, id, stats.finishReason === 'abort' ? 'interrupted' : 'complete', stats));
        this.#budget.settle(c.id, fitted);
        this.#updateContext(fitted.droppedCount, stats.promptTokens ? stats.promptTokens + stats.completionTokens : undefined, fitted.note);
        return;
      }
    } finally {
      this.generating = false;
    }
  }
}
