import type { EngineMessage, ModelStamp, ReplyStats, SamplingSettings } from '../../workers/shared/chat';
import { mergeStats } from './replyStats';

export { describeStats, mergeStats } from './replyStats';

/** The model a conversation was started with, with the file hashes it was verified against. */
export type ConversationModel = ModelStamp & { hashes: Record<string, string> };

/** Per-conversation settings: the system prompt and sampling. */
export type ConversationSettings = { systemPrompt: string } & SamplingSettings;

/** Where a message is in its life; only `streaming` messages still change. */
export type MessageStatus = 'complete' | 'streaming' | 'interrupted' | 'error';

/** One message of a conversation, as the user sees it. */
export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  createdAt: number;
  status: MessageStatus;
  /** The model that wrote an assistant reply. */
  model?: ModelStamp;
  stats?: ReplyStats;
  error?: string;
}

/** A message list set aside by an edit or a regeneration, so nothing is ever lost. */
export interface Branch {
  id: string;
  createdAt: number;
  reason: 'edit' | 'regenerate';
  messages: ChatMessage[];
}

/** A chat. Every function below returns a new object and never mutates its input. */
export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  model: ConversationModel | null;
  settings: ConversationSettings;
  messages: ChatMessage[];
  branches: Branch[];
  /** Private conversations live only in memory: they are never written to storage. */
  private?: boolean;
  /** The user named it: the title no longer follows the first message. */
  renamed?: boolean;
}

/** What a conversation list shows, without the messages. */
export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messageCount: number;
  private?: boolean;
}

/** The title of a conversation before its first message. */
export const untitled = 'New chat';
const titleLength = 40;

/** A fresh random id. */
export function newId(): string {
  return crypto.randomUUID();
}

/** Starts an empty conversation. */
export function newConversation(
  settings: ConversationSettings,
  model: ConversationModel | null,
  options: { private?: boolean } = {},
): Conversation {
  const now = Date.now();
  return {
    id: newId(),
    title: untitled,
    createdAt: now,
    updatedAt: now,
    model,
    settings: { ...settings },
    messages: [],
    branches: [],
    ...(options.private ? { private: true } : {}),
  };
}

/** The summary a conversation list shows. */
export function summarize(c: Conversation): ConversationSummary {
  return {
    id: c.id,
    title: c.title,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    messageCount: c.messages.length,
    ...(c.private ? { private: true } : {}),
  };
}

/** A title from the first user message (one line, ~40 characters), or `untitled`. */
export function autoTitle(c: Conversation): string {
  const first = c.messages.find((m) => m.role === 'user');
  const text = first?.content.replace(/\s+/g, ' ').trim() ?? '';
  if (!text) return untitled;
  if (text.length <= titleLength) return text;
  // Cut at a word boundary when one is reasonably close, so titles do not end mid-word.
  const cut = text.slice(0, titleLength);
  const space = cut.lastIndexOf(' ');
  return `${(space > titleLength / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function touch(c: Conversation, messages: ChatMessage[], extra: Partial<Conversation> = {}): Conversation {
  return { ...c, ...extra, messages, updatedAt: Date.now() };
}

/**
 * Whether the user named the conversation. Conversations saved before `renamed` existed count
 * as named when their title is not the one their first message gives.
 */
export function isRenamed(c: Conversation): boolean {
  return c.renamed ?? (c.title !== untitled && c.title !== autoTitle(c));
}

/** The title follows the first message until the user renames the conversation. */
function retitle(before: Conversation, next: Conversation): Conversation {
  return isRenamed(before) ? next : { ...next, title: autoTitle(next) };
}

/**
 * A creation time later than every message the conversation holds (in any version): versions
 * of a message are ordered by it, so two made within one millisecond must still differ.
 */
function messageTime(c: Conversation): number {
  let latest = 0;
  for (const m of c.messages) latest = Math.max(latest, m.createdAt);
  for (const b of c.branches) for (const m of b.messages) latest = Math.max(latest, m.createdAt);
  return Math.max(Date.now(), latest + 1);
}

/** Adds a user message; the first one also names an untitled conversation. */
export function appendUser(c: Conversation, text: string, id: string = newId()): Conversation {
  const message: ChatMessage = { id, role: 'user', content: text, createdAt: messageTime(c), status: 'complete' };
  return retitle(c, touch(c, [...c.messages, message]));
}

/**
 * Adds an empty streaming assistant message at the end. Pass `id` to know it in advance
 * (the chat controller needs it to route chunks); otherwise it is the last message's id.
 */
export function startReply(c: Conversation, model: ModelStamp, id: string = newId()): Conversation {
  const message: ChatMessage = {
    id,
    role: 'assistant',
    content: '',
    createdAt: messageTime(c),
    status: 'streaming',
    model: { ...model },
  };
  return touch(c, [...c.messages, message]);
}

function updateStreaming(c: Conversation, id: string, change: (m: ChatMessage) => ChatMessage): Conversation {
  const index = c.messages.findIndex((m) => m.id === id);
  // Chunks that arrive after a reply ended (or after it moved into a branch) are dropped.
  if (index < 0 || c.messages[index].status !== 'streaming') return c;
  const messages = c.messages.slice();
  messages[index] = change(messages[index]);
  return touch(c, messages);
}

/** Appends streamed text to a reply that is still streaming (otherwise returns `c` unchanged). */
export function appendReplyText(c: Conversation, id: string, text: string): Conversation {
  if (!text) return c;
  return updateStreaming(c, id, (m) => ({ ...m, content: m.content + text }));
}

/** Ends a streaming reply with its final status and, when known, its stats or error. */
export function finishReply(
  c: Conversation,
  id: string,
  status: Exclude<MessageStatus, 'streaming'>,
  stats?: ReplyStats,
  error?: string,
): Conversation {
  return updateStreaming(c, id, (m) => ({
    ...m,
    status,
    // A continued reply already has the first part's stats.
    ...(stats ? { stats: m.stats ? mergeStats(m.stats, stats) : { ...stats } } : {}),
    ...(error !== undefined ? { error } : {}),
  }));
}

/**
 * Marks replies still `streaming` as `interrupted`, in the current list and in branches: for a
 * conversation read back from storage (the tab closed mid-reply), nothing will finish them.
 */
export function settleStreaming(c: Conversation): Conversation {
  const streaming = (list: ChatMessage[]): boolean => list.some((m) => m.status === 'streaming');
  if (!streaming(c.messages) && !c.branches.some((b) => streaming(b.messages))) return c;
  return {
    ...c,
    messages: settleMessages(c.messages),
    branches: c.branches.map((b) =>
      streaming(b.messages) ? { ...b, messages: settleMessages(b.messages) } : b,
    ),
  };
}

function settleMessages(messages: ChatMessage[]): ChatMessage[] {
  return messages.map((m) => (m.status === 'streaming' ? { ...m, status: 'interrupted' } : m));
}

function branchOff(c: Conversation, reason: Branch['reason'], messages: ChatMessage[]): Conversation {
  const branch: Branch = { id: newId(), createdAt: Date.now(), reason, messages: settleMessages(c.messages) };
  return touch(c, messages, { branches: [...c.branches, branch] });
}

/**
 * Replaces an earlier user message: the current list is kept as a branch and the new list is the
 * messages before it plus the edited message. Returns `c` unchanged for an unknown id.
 */
export function editUser(c: Conversation, messageId: string, newText: string): Conversation {
  const index = c.messages.findIndex((m) => m.id === messageId && m.role === 'user');
  if (index < 0) return c;
  const edited: ChatMessage = {
    id: newId(),
    role: 'user',
    content: newText,
    createdAt: messageTime(c),
    status: 'complete',
  };
  return retitle(c, branchOff(c, 'edit', [...c.messages.slice(0, index), edited]));
}

/**
 * Prepares a new answer to the same prompt: the current list is kept as a branch and the new list
 * ends just before that reply (the caller then calls `startReply`). Unknown id: `c` unchanged.
 */
export function regenerate(c: Conversation, assistantId: string): Conversation {
  const index = c.messages.findIndex((m) => m.id === assistantId && m.role === 'assistant');
  if (index < 0) return c;
  return branchOff(c, 'regenerate', c.messages.slice(0, index));
}

/**
 * Swaps the current message list with a branch's. The branch keeps its id, so switching to the
 * same id again swaps back. Unknown id: `c` unchanged.
 */
export function switchBranch(c: Conversation, branchId: string): Conversation {
  const index = c.branches.findIndex((b) => b.id === branchId);
  if (index < 0) return c;
  const branches = c.branches.slice();
  const target = branches[index];
  branches[index] = { ...target, messages: settleMessages(c.messages) };
  return retitle(c, touch(c, target.messages, { branches }));
}

/** Renames; a blank name goes back to the automatic title (which then follows the first message). */
export function rename(c: Conversation, title: string): Conversation {
  const clean = title.replace(/\s+/g, ' ').trim();
  return { ...c, title: clean || autoTitle(c), renamed: clean.length > 0, updatedAt: Date.now() };
}

/**
 * Opens a finished reply again for more text (continuing one cut at the token limit): it streams
 * again, keeping its text; `finishReply` then ends it with the stats of both parts merged.
 */
export function resumeReply(c: Conversation, id: string): Conversation {
  const index = c.messages.findIndex((m) => m.id === id && m.role === 'assistant');
  if (index < 0 || c.messages[index].status === 'streaming') return c;
  const messages = c.messages.slice();
  messages[index] = { ...messages[index], status: 'streaming' };
  return touch(c, messages);
}

/** Replaces settings (a partial update). */
export function updateSettings(c: Conversation, settings: Partial<ConversationSettings>): Conversation {
  return { ...c, settings: { ...c.settings, ...settings }, updatedAt: Date.now() };
}

/**
 * What the engine is given: the system prompt (when not blank) and then every message the user
 * could read as finished. Replies being generated and failed replies are left out; an
 * interrupted reply is kept because the user saw it and may refer to it.
 */
export function engineMessages(c: Conversation): EngineMessage[] {
  const out: EngineMessage[] = [];
  if (c.settings.systemPrompt.trim()) out.push({ role: 'system', content: c.settings.systemPrompt });
  for (const m of c.messages) {
    if (m.status !== 'complete' && m.status !== 'interrupted') continue;
    if (m.role === 'assistant' && !m.content) continue;
    out.push({ role: m.role, content: m.content });
  }
  return out;
}

/** The id of the last assistant message. */
export function lastReplyId(c: Pick<Conversation, 'messages'>): string | null {
  const last = c.messages.at(-1);
  return last?.role === 'assistant' ? last.id : null;
}

/** Whether a reply can be continued: it was cut at the token limit and nothing follows it. */
export function canContinue(c: Pick<Conversation, 'messages'>, id: string): boolean {
  const last = c.messages.at(-1);
  return last?.id === id && last.role === 'assistant' && last.status === 'complete' && last.stats?.finishReason === 'length';
}
