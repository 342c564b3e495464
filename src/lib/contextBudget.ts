import type { EngineMessage } from '../../workers/shared/chat';
import type { RawPrompt } from '../../workers/shared/engineProtocol';
import { fitContext, isPromptTooLong } from './contextWindow';
import { engineMessages, type Conversation } from './conversation';
import { textShape, type TemplateShape } from './templateShape';

/** What the model sees of one conversation, for its context meter. */
export interface ContextUsage {
  conversationId: string;
  usedTokens: number;
  windowTokens: number;
  droppedCount: number;
  estimated: boolean;
  /** What the window policy did (which turns are left out, and why the cache stays valid). */
  note: string | null;
}

const fallbackTemplate: TemplateShape = { base: { specials: 0, chars: 0 }, perMessage: { specials: 4, chars: 8 } };

/**
 * How many tokens a conversation takes in the loaded model's window: estimated from characters
 * (calibrated on the engine's exact counts) and the template's overhead, or exact when the
 * engine just counted it (kept per conversation while it is unchanged).
 */
export class ContextBudget {
  /** Learned from exact prompt token counts: tokens per character of prompt text. */
  #tokensPerChar = 1 / 3;
  #template: TemplateShape = fallbackTemplate;
  readonly #exact = new Map<string, { shape: string; usage: ContextUsage }>();
  /** Turns left out of each conversation's last prompt: the window never starts earlier again. */
  readonly #droppedTurns = new Map<string, number>();

  /** Starts over for a newly loaded model and its template (its KV cache is empty). */
  reset(template: TemplateShape): void {
    this.#tokensPerChar = 1 / 3;
    this.#template = template;
    this.#exact.clear();
    this.#droppedTurns.clear();
  }

  /** The engine read this fit of the conversation: later prompts never start earlier than it did. */
  settle(conversationId: string, fitted: { droppedTurns: number }): void {
    this.#droppedTurns.set(conversationId, fitted.droppedTurns);
  }

  /** The estimate was short (the engine refused the prompt): count more per character. */
  widen(): void {
    this.#tokensPerChar *= 1.5;
  }

  /** Estimated tokens of a shape: each special token is one token, the rest by the ratio. */
  #tokensOf(shape: { specials: number; chars: number }): number {
    return Math.ceil(shape.specials + shape.chars * this.#tokensPerChar);
  }

  /**
   * Fits messages of a conversation into a window: what the model will see. When turns must go,
   * a quarter of the window is freed at once and the start then stays put, so the next turns
   * share the prompt's start and reuse the engine's KV cache (llama.cpp also shifts the cache of
   * the turns that stay instead of computing them again).
   */
  fit(c: Conversation, messages: EngineMessage[], contextWindow: number): ReturnType<typeof fitContext> {
    // The template's fixed part (system header, dates) is always there: take it off the top.
    const windowTokens = contextWindow - this.#tokensOf(this.#template.base);
    const reserveTokens = c.settings.maxTokens;
    return fitContext(messages, {
      countTokens: (text) => this.#tokensOf(textShape(text)),
      windowTokens,
      reserveTokens,
      perMessageTokens: this.#tokensOf(this.#template.perMessage),
      dropBlockTokens: Math.floor(Math.max(0, windowTokens - reserveTokens) / 4),
      droppedTurnsBefore: this.#droppedTurns.get(c.id) ?? 0,
    });
  }

  /** The meter's numbers for a conversation; `exactTokens` when the engine just counted them. */
  usage(c: Conversation, model: { modelId: string; contextWindow: number }, dropped?: number, exactTokens?: number, note?: string | null): ContextUsage {
    // What the engine counted stays true until the conversation or its settings change.
    const shape = `${model.modelId}|${c.messages.length}|${c.messages.at(-1)?.id}|${c.settings.systemPrompt.length}|${c.settings.maxTokens}`;
    const kept = this.#exact.get(c.id);
    if (exactTokens === undefined && kept?.shape === shape) return kept.usage;
    const fitted = this.fit(c, engineMessages(c), model.contextWindow);
    const usage: ContextUsage = {
      conversationId: c.id,
      usedTokens: exactTokens ?? (isPromptTooLong(fitted) ? fitted.needed : fitted.usedTokens),
      windowTokens: model.contextWindow,
      droppedCount: dropped ?? (isPromptTooLong(fitted) ? 0 : fitted.droppedCount),
      estimated: exactTokens === undefined,
      note: note ?? (isPromptTooLong(fitted) ? null : fitted.note),
    };
    if (exactTokens !== undefined) this.#exact.set(c.id, { shape, usage });
    return usage;
  }

  /**
   * Learns tokens per character from the engine's exact counts: the prompt's, and the reply's
   * (what the model writes can tokenize very differently from what the user wrote). The denser
   * of the two, with a 10% margin, so the next prompt leaves the reply its room.
   */
  calibrate(prompt: RawPrompt, reply: string, replyTokens: number): void {
    const ratios: number[] = [];
    const shape = textShape(prompt.text);
    const plainTokens = (prompt.tokens ?? 0) - shape.specials - prompt.addedTokens.length;
    if (prompt.tokens && shape.chars > 0 && plainTokens > 0) ratios.push(plainTokens / shape.chars);
    const replyShape = textShape(reply);
    if (replyTokens > 0 && replyShape.chars > 0) ratios.push(Math.max(0, replyTokens - replyShape.specials) / replyShape.chars);
    if (ratios.length > 0) this.#tokensPerChar = Math.max(...ratios) * 1.1;
  }
}
