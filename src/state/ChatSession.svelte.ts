import type { CatalogEntry } from '../../workers/shared/catalog';
import type { EngineMessage, ModelStamp } from '../../workers/shared/chat';
import { suggestBuild } from '../../workers/shared/buildSuggestion';
import type { DeviceReport, Recommendation } from '../../workers/shared/device';
import { recommend } from '../../workers/shared/device';
import type { EngineError } from '../../workers/shared/engineErrors';
import type { EngineLoadOptions, LoadedModel, LoadProgress, RawPrompt } from '../../workers/shared/engineProtocol';
import { proxy } from 'comlink';
import { fitContext, isPromptTooLong } from '../lib/contextWindow';
import {
  appendReplyText,
  appendUser,
  editUser,
  engineMessages,
  finishReply,
  newId,
  regenerate,
  startReply,
  type ConversationModel,
  type ConversationSettings,
} from '../lib/conversation';
import type { EngineBridge } from '../lib/EngineBridge';
import type { StoreBridge } from '../lib/StoreBridge';
import type { Conversations } from './Conversations.svelte';
import type { ModelLibrary } from './ModelLibrary.svelte';

const specialToken = /<\|[^|<>]{1,40}\|>/g;

/** Special tokens (`<|eot_id|>`: one token each) and the other characters of a text. */
function textShape(text: string): { specials: number; chars: number } {
  const specials = text.match(specialToken)?.length ?? 0;
  return { specials, chars: text.replace(specialToken, '').length };
}

/** What the model sees of the open conversation, for the context meter. */
export interface ContextUsage {
  usedTokens: number;
  windowTokens: number;
  droppedCount: number;
  estimated: boolean;
  /** What the window policy did (which turns are left out, and why the cache stays valid). */
  note: string | null;
}

/**
 * The chat controller: the device check, the loaded model, and sending, stopping, regenerating
 * and editing. Engine work happens in the engine worker; this only moves state.
 */
export class ChatSession {
  readonly #engine: EngineBridge;
  readonly #store: StoreBridge;
  readonly #conversations: Conversations;
  readonly #library: ModelLibrary;
  /** Learned from exact prompt token counts: tokens per character of prompt text. */
  #tokensPerChar = 1 / 3;
  /** Stop was pressed for the reply being prepared (before the engine started streaming). */
  #stopRequested = false;
  /** What the chat template adds, once per prompt (headers, dates) and per message. */
  #template = { base: { specials: 0, chars: 0 }, perMessage: { specials: 0, chars: 0 } };
  /** Turns left out of each conversation's last prompt: the window never starts earlier again. */
  #droppedTurns = new Map<string, number>();

  device = $state.raw<DeviceReport | null>(null);
  recommendation = $state.raw<Recommendation | null>(null);
  loaded = $state.raw<LoadedModel | null>(null);
  loadedEntry = $state.raw<CatalogEntry | null>(null);
  loading = $state<string | null>(null);
  loadProgress = $state.raw<LoadProgress | null>(null);
  error = $state.raw<EngineError | null>(null);
  generating = $state(false);
  /** The exact prompt of the last reply, as the engine received it. */
  lastPrompt = $state.raw<RawPrompt | null>(null);
  context = $state.raw<ContextUsage | null>(null);
  /** How the next load runs the model (the GGUF engine's device, threads, context window). */
  loadOptions = $state<EngineLoadOptions>({ ggufDevice: 'auto' });

  constructor(engine: EngineBridge, store: StoreBridge, conversations: Conversations, library: ModelLibrary) {
    this.#engine = engine;
    this.#store = store;
    this.#conversations = conversations;
    this.#library = library;
  }

  /** Probes the device and recommends an entry of the catalog. */
  async probe(catalog: CatalogEntry[]): Promise<void> {
    this.device = await this.#store.api.device();
    this.recommendation = recommend(this.device, catalog);
  }

  /** A typed error with a build that fits this device, when there is one (data the UI can offer). */
  #withSuggestion(error: EngineError, entry: CatalogEntry): EngineError {
    if (!this.device) return error;
    const downloaded = new Set(this.#library.catalog.filter((e) => this.#library.storedModel(e.id)?.complete).map((e) => e.id));
    const suggestion = suggestBuild(error, entry, this.#library.catalog, this.device, downloaded);
    return suggestion ? { ...error, suggestion } : error;
  }

  /** Loads a downloaded model; damaged files are repaired (downloaded again, alone) first. */
  async load(entry: CatalogEntry, options: EngineLoadOptions = this.loadOptions): Promise<boolean> {
    if (this.generating) await this.stop();
    this.loading = entry.id;
    this.error = null;
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const result = await this.#engine.api.load(
          $state.snapshot(entry) as CatalogEntry,
          $state.snapshot(options) as EngineLoadOptions,
          proxy((progress: LoadProgress) => (this.loadProgress = progress)),
        );
        if (result.ok) {
          this.loaded = result.value;
          this.loadedEntry = entry;
          this.#tokensPerChar = 1 / 3;
          await this.#measureTemplate();
          this.#updateContext();
          return true;
        }
        this.error = this.#withSuggestion(result.error, entry);
        if (result.error.name !== 'ModelNotReadyError' || attempt > 0) break;
        await this.#library.repair(entry);
      }
      this.loaded = null;
      this.loadedEntry = null;
      return false;
    } finally {
      this.loading = null;
      this.loadProgress = null;
    }
  }

  /** Measures what the template adds around messages, through the engine's own formatting. */
  async #measureTemplate(): Promise<void> {
    const empty = { role: 'user', content: '' } as const;
    const one = await this.#engine.api.formatPrompt([empty]);
    const three = await this.#engine.api.formatPrompt([empty, { role: 'assistant', content: '' }, empty]);
    if (!one.ok || !three.ok) {
      this.#template = { base: { specials: 0, chars: 0 }, perMessage: { specials: 4, chars: 8 } };
      return;
    }
    const base = textShape(one.value.text);
    const all = textShape(three.value.text);
    this.#template = { base, perMessage: { specials: (all.specials - base.specials) / 2, chars: (all.chars - base.chars) / 2 } };
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
    const files = await this.#store.api.verifiedFiles(stamp.id);
    return { ...stamp, hashes: Object.fromEntries(files.map((f) => [f.path, f.sha256])) };
  }

  /** Sends a user message and streams the reply. Returns false when it could not be sent. */
  async send(text: string): Promise<boolean> {
    const stamp = this.#stamp();
    if (!stamp || this.generating || !text.trim()) return false;
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

  /** Drops a reply (kept as a branch) and generates a new one. */
  async regenerate(assistantId: string): Promise<void> {
    const stamp = this.#stamp();
    if (!stamp || this.generating) return;
    this.#stopRequested = false;
    this.#conversations.update((c) => regenerate(c, assistantId));
    await this.#reply(stamp);
  }

  /** Edits an earlier user message (what followed is kept as a branch) and replies again. */
  async edit(messageId: string, text: string): Promise<void> {
    const stamp = this.#stamp();
    if (!stamp || this.generating) return;
    this.#stopRequested = false;
    this.#conversations.update((c) => editUser(c, messageId, text));
    await this.#reply(stamp);
  }

  /** Stops the reply being generated; the partial reply is kept. */
  async stop(): Promise<void> {
    this.#stopRequested = true;
    await this.#engine.interrupt();
  }

  /** Estimated tokens of a shape: each special token is one token, the rest by the ratio. */
  #tokensOf(shape: { specials: number; chars: number }): number {
    return Math.ceil(shape.specials + shape.chars * this.#tokensPerChar);
  }

  #countTokens = (text: string): number => this.#tokensOf(textShape(text));

  /**
   * Fits the open conversation into the window: what the model will see. When turns must go,
   * a quarter of the window is freed at once and the start then stays put, so the next turns
   * share the prompt's start and reuse the engine's KV cache (llama.cpp also shifts the cache of
   * the turns that stay instead of computing them again).
   */
  #fit(messages: EngineMessage[]): ReturnType<typeof fitContext> {
    const c = this.#conversations.current;
    const windowTokens = (this.loaded?.contextWindow ?? 0) - this.#tokensOf(this.#template.base);
    const reserveTokens = c?.settings.maxTokens ?? 0;
    return fitContext(messages, {
      countTokens: this.#countTokens,
      // The template's fixed part (system header, dates) is always there: take it off the top.
      windowTokens,
      reserveTokens,
      perMessageTokens: this.#tokensOf(this.#template.perMessage),
      dropBlockTokens: Math.floor(Math.max(0, windowTokens - reserveTokens) / 4),
      droppedTurnsBefore: c ? (this.#droppedTurns.get(c.id) ?? 0) : 0,
    });
  }

  #updateContext(dropped?: number, exactTokens?: number, note?: string | null): void {
    const c = this.#conversations.current;
    if (!c || !this.loaded) {
      this.context = null;
      return;
    }
    const fitted = this.#fit(engineMessages(c));
    this.context = {
      usedTokens: exactTokens ?? (isPromptTooLong(fitted) ? fitted.needed : fitted.usedTokens),
      windowTokens: this.loaded.contextWindow,
      droppedCount: dropped ?? (isPromptTooLong(fitted) ? 0 : fitted.droppedCount),
      estimated: exactTokens === undefined,
      note: note ?? (isPromptTooLong(fitted) ? null : fitted.note),
    };
  }

  /** Refreshes the context meter (after switching conversations or changing settings). */
  refreshContext(): void {
    this.#updateContext();
  }

  /**
   * Learns tokens per character from the engine's exact counts: the prompt's, and the reply's
   * (what the model writes can tokenize very differently from what the user wrote). The denser
   * of the two, with a 10% margin, so the next prompt leaves the reply its room.
   */
  #calibrate(prompt: RawPrompt, reply: string, replyTokens: number): void {
    const ratios: number[] = [];
    const shape = textShape(prompt.text);
    const plainTokens = (prompt.tokens ?? 0) - shape.specials - prompt.addedTokens.length;
    if (prompt.tokens && shape.chars > 0 && plainTokens > 0) ratios.push(plainTokens / shape.chars);
    const replyShape = textShape(reply);
    if (replyTokens > 0 && replyShape.chars > 0) ratios.push(Math.max(0, replyTokens - replyShape.specials) / replyShape.chars);
    if (ratios.length > 0) this.#tokensPerChar = Math.max(...ratios) * 1.1;
  }

  async #reply(stamp: ModelStamp): Promise<void> {
    const c = this.#conversations.current;
    if (!c) return;
    this.generating = true;
    this.error = null;
    const id = newId();
    this.#conversations.update((conv) => startReply(conv, stamp, id));
    try {
      if (this.#stopRequested) {
        this.#conversations.update((conv) => finishReply(conv, id, 'interrupted'));
        return;
      }
      for (let attempt = 0; ; attempt++) {
        const fitted = this.#fit(engineMessages(c));
        if (isPromptTooLong(fitted)) {
          this.error = {
            name: 'ContextOverflowError',
            message: 'This message is longer than the model can read at once.',
            neededTokens: fitted.needed,
            windowTokens: fitted.window,
          };
          this.#conversations.update((conv) => finishReply(conv, id, 'error', undefined, this.error?.message));
          return;
        }
        const { chunks, result } = this.#engine.stream(fitted.messages, {
          temperature: c.settings.temperature,
          topP: c.settings.topP,
          maxTokens: c.settings.maxTokens,
        });
        for await (const piece of chunks) this.#conversations.update((conv) => appendReplyText(conv, id, piece));
        const outcome = await result;
        if (!outcome.ok) {
          // Our estimate was short: learn a higher ratio and leave more out.
          if (outcome.error.name === 'ContextOverflowError' && attempt < 3) {
            this.#tokensPerChar *= 1.5;
            continue;
          }
          this.error = this.loadedEntry ? this.#withSuggestion(outcome.error, this.loadedEntry) : outcome.error;
          this.#conversations.update((conv) => finishReply(conv, id, 'error', undefined, outcome.error.message));
          // A lost GPU takes the model with it: load it again; the conversation is untouched.
          if (outcome.error.name === 'DeviceLostError' && this.loadedEntry) {
            const entry = this.loadedEntry;
            const shown = this.error;
            queueMicrotask(() => void this.load(entry).then((ok) => ok && (this.error = shown)));
          }
          return;
        }
        const { stats, prompt } = outcome.value;
        this.lastPrompt = prompt;
        const replyText = this.#conversations.current?.messages.find((m) => m.id === id)?.content ?? '';
        this.#calibrate(prompt, replyText, stats.completionTokens);
        this.#conversations.update((conv) => finishReply(conv, id, stats.finishReason === 'abort' ? 'interrupted' : 'complete', stats));
        this.#droppedTurns.set(c.id, fitted.droppedTurns);
        this.#updateContext(fitted.droppedCount, stats.promptTokens + stats.completionTokens, fitted.note);
        return;
      }
    } finally {
      this.generating = false;
    }
  }
}
