import type { ModelStamp, ReplyStats } from '../../workers/shared/chat';
import {
  describeStats,
  newId,
  settleStreaming,
  type Branch,
  type ChatMessage,
  type Conversation,
  type ConversationModel,
  type ConversationSettings,
} from './conversation';

/** The file format written by `exportJson`; `version` changes when the shape does. */
export interface ConversationFile {
  format: 'hearth-conversation';
  version: 1;
  conversation: Conversation;
}

/** What `importJson` found: a conversation ready to save, or why the text was refused. */
export type ImportResult = { ok: true; conversation: Conversation } | { ok: false; error: string };

/** The whole conversation (replies with their model stamps and stats, and all branches) as JSON. */
export function exportJson(c: Conversation): string {
  const { private: _private, ...conversation } = c;
  const file: ConversationFile = { format: 'hearth-conversation', version: 1, conversation };
  return JSON.stringify(file, null, 2);
}

/** A file name for an export, e.g. `hearth-my-question-2025-01-31.md`. */
export function exportFileName(c: Conversation, extension: 'json' | 'md'): string {
  const slug = c.title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const date = new Date(c.updatedAt).toISOString().slice(0, 10);
  return `hearth-${slug || 'chat'}-${date}.${extension}`;
}

function statusNote(m: ChatMessage): string {
  if (m.status === 'interrupted') return '_(stopped before the end)_\n\n';
  if (m.status === 'error') return `_(failed${m.error ? `: ${m.error}` : ''})_\n\n`;
  if (m.status === 'streaming') return '_(still being written when exported)_\n\n';
  return '';
}

/** A readable Markdown transcript of the current messages (branches are only in the JSON export). */
export function exportMarkdown(c: Conversation): string {
  const lines: string[] = [`# ${c.title}`, ''];
  lines.push(`- Exported: ${new Date().toISOString()}`);
  lines.push(`- Started: ${new Date(c.createdAt).toISOString()}`);
  if (c.model) lines.push(`- Model: ${c.model.id} (revision ${c.model.revision}, ${c.model.engine})`);
  lines.push(
    `- Settings: temperature ${c.settings.temperature}, top-p ${c.settings.topP}, max new tokens ${c.settings.maxTokens}`,
  );
  if (c.settings.systemPrompt.trim()) {
    lines.push('- System prompt:', '', ...c.settings.systemPrompt.split('\n').map((l) => `  > ${l}`));
  }
  if (c.branches.length) lines.push(`- Earlier versions: ${c.branches.length} (kept in the JSON export)`);
  lines.push('');
  for (const m of c.messages) {
    lines.push(`## ${m.role === 'user' ? 'User' : 'Assistant'}`, '');
    if (m.role === 'assistant' && (m.model || m.stats)) {
      const parts = [
        ...(m.model ? [`${m.model.id}@${m.model.revision}`] : []),
        ...(m.stats ? describeStats(m.stats) : []),
      ];
      lines.push(`_${parts.join(' · ')}_`, '');
    }
    lines.push(statusNote(m) + m.content, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

class ShapeError extends Error {}

type Json = Record<string, unknown>;

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ShapeError(`${path}: expected an object`);
  }
  return value as Json;
}

function string(o: Json, key: string, path: string): string {
  const value = o[key];
  if (typeof value !== 'string') throw new ShapeError(`${path}.${key}: expected a string`);
  return value;
}

function number(o: Json, key: string, path: string, min = -Infinity): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new ShapeError(`${path}.${key}: expected a number${min > -Infinity ? ` ≥ ${min}` : ''}`);
  }
  return value;
}

function oneOf<T extends string>(o: Json, key: string, path: string, allowed: readonly T[]): T {
  const value = o[key];
  if (!allowed.includes(value as T)) {
    throw new ShapeError(`${path}.${key}: expected one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }
  return value as T;
}

function array(o: Json, key: string, path: string): unknown[] {
  const value = o[key];
  if (!Array.isArray(value)) throw new ShapeError(`${path}.${key}: expected an array`);
  return value;
}

function modelStamp(value: unknown, path: string): ModelStamp {
  const o = object(value, path);
  return {
    id: string(o, 'id', path),
    revision: string(o, 'revision', path),
    engine: oneOf(o, 'engine', path, ['webllm', 'wllama'] as const),
  };
}

function conversationModel(value: unknown, path: string): ConversationModel | null {
  if (value === null) return null;
  const stamp = modelStamp(value, path);
  const hashes = object(object(value, path).hashes, `${path}.hashes`);
  const clean: Record<string, string> = {};
  for (const [file, hash] of Object.entries(hashes)) {
    if (typeof hash !== 'string') throw new ShapeError(`${path}.hashes.${file}: expected a string`);
    clean[file] = hash;
  }
  return { ...stamp, hashes: clean };
}

function replyStats(value: unknown, path: string): ReplyStats {
  const o = object(value, path);
  return {
    promptTokens: number(o, 'promptTokens', path, 0),
    completionTokens: number(o, 'completionTokens', path, 0),
    timeToFirstTokenS: number(o, 'timeToFirstTokenS', path, 0),
    prefillTokensPerS: number(o, 'prefillTokensPerS', path, 0),
    decodeTokensPerS: number(o, 'decodeTokensPerS', path, 0),
    totalS: number(o, 'totalS', path, 0),
    ...(o.cachedPromptTokens !== undefined ? { cachedPromptTokens: number(o, 'cachedPromptTokens', path, 0) } : {}),
    ...(o.device !== undefined ? { device: string(o, 'device', path) } : {}),
    finishReason: oneOf(o, 'finishReason', path, ['stop', 'length', 'abort', 'error'] as const),
  };
}

function message(value: unknown, path: string): ChatMessage {
  const o = object(value, path);
  const m: ChatMessage = {
    id: string(o, 'id', path),
    role: oneOf(o, 'role', path, ['user', 'assistant'] as const),
    content: string(o, 'content', path),
    createdAt: number(o, 'createdAt', path),
    status: oneOf(o, 'status', path, ['complete', 'streaming', 'interrupted', 'error'] as const),
  };
  if (o.model !== undefined) m.model = modelStamp(o.model, `${path}.model`);
  if (o.stats !== undefined) m.stats = replyStats(o.stats, `${path}.stats`);
  if (o.error !== undefined) m.error = string(o, 'error', path);
  return m;
}

function messages(o: Json, path: string): ChatMessage[] {
  const list = array(o, 'messages', path).map((m, i) => message(m, `${path}.messages[${i}]`));
  if (new Set(list.map((m) => m.id)).size !== list.length)
    throw new ShapeError(`${path}.messages: duplicate ids`);
  return list;
}

function branch(value: unknown, path: string): Branch {
  const o = object(value, path);
  return {
    id: string(o, 'id', path),
    createdAt: number(o, 'createdAt', path),
    reason: oneOf(o, 'reason', path, ['edit', 'regenerate'] as const),
    messages: messages(o, path),
  };
}

function settings(value: unknown, path: string): ConversationSettings {
  const o = object(value, path);
  const maxTokens = number(o, 'maxTokens', path, 1);
  if (!Number.isInteger(maxTokens)) throw new ShapeError(`${path}.maxTokens: expected an integer`);
  return {
    systemPrompt: string(o, 'systemPrompt', path),
    temperature: number(o, 'temperature', path, 0),
    topP: number(o, 'topP', path, 0),
    maxTokens,
  };
}

/**
 * Reads a file written by `exportJson`. The shape is checked field by field (unknown fields are
 * dropped); the conversation gets a fresh id, so importing never overwrites a saved one, and is
 * never private, since the user asked to keep it.
 */
export function importJson(text: string): ImportResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: 'The file is not valid JSON.' };
  }
  try {
    const file = object(data, 'file');
    if (file.format !== 'hearth-conversation')
      throw new ShapeError('This is not a Hearth conversation file.');
    if (file.version !== 1) throw new ShapeError(`Unsupported file version ${JSON.stringify(file.version)}.`);
    const c = object(file.conversation, 'conversation');
    const path = 'conversation';
    string(c, 'id', path);
    const conversation: Conversation = settleStreaming({
      id: newId(),
      title: string(c, 'title', path),
      createdAt: number(c, 'createdAt', path),
      // Imported conversations sort as just touched, so the user finds what they imported.
      updatedAt: Math.max(number(c, 'updatedAt', path), Date.now()),
      model: conversationModel(c.model, `${path}.model`),
      settings: settings(c.settings, `${path}.settings`),
      messages: messages(c, path),
      branches: array(c, 'branches', path).map((b, i) => branch(b, `${path}.branches[${i}]`)),
      ...(c.renamed === true ? { renamed: true } : {}),
    });
    return { ok: true, conversation };
  } catch (error) {
    if (error instanceof ShapeError) return { ok: false, error: error.message };
    throw error;
  }
}
