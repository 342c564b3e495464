import type { EngineMessage, SamplingSettings } from '../shared/chat';
import type { DraftRead, GenerateOptions, LoadedModel, PromptScope, RawPrompt, ReplyResult } from '../shared/engineProtocol';

/** What every engine implements. */
export interface ChatEngine {
  readonly loaded: LoadedModel;
  /** The exact prompt this conversation becomes. */
  formatPrompt(messages: EngineMessage[], options?: GenerateOptions): Promise<RawPrompt>;
  /** Streams a reply; `onText` gets each new piece. Resolves when the reply ends (also on abort). */
  generate(messages: EngineMessage[], sampling: SamplingSettings, signal: AbortSignal, onText: (text: string) => void, options?: GenerateOptions): Promise<ReplyResult>;
  /**
   * Computes the prompt a message being typed would become (`messages` end with it) while the
   * user types (`DraftRead`: whole, a slice of a long one, or none). Engines that cannot compute a
   * prompt ahead leave it out.
   */
  prepare?(messages: EngineMessage[], scope: PromptScope | null): Promise<DraftRead>;
  unload(): Promise<void>;
}
