import type { Conversation } from './conversation';

/** The versions of one message: the one shown and the others an edit or a regeneration set aside. */
export interface MessageVersions {
  /** 0-based position of the shown version among them, oldest first. */
  current: number;
  /** How many versions there are (1 when there are no others). */
  count: number;
  /** For each version, oldest first: the branch to switch to (`null` for the shown one). */
  branchIds: (string | null)[];
}

/**
 * The versions of the message at `index` of the shown list. A branch holds another version of it
 * when it has the same messages before it and a different message there (by id). Branches that
 * share that message (they differ only later) count once: the one set aside last stands for it.
 */
export function versionsAt(c: Conversation, index: number): MessageVersions {
  const shown = c.messages[index];
  if (!shown) return { current: 0, count: 1, branchIds: [null] };
  const before = c.messages.slice(0, index).map((m) => m.id);
  const others = new Map<string, { branchId: string; createdAt: number; setAsideAt: number }>();
  for (const branch of c.branches) {
    const message = branch.messages[index];
    if (!message || message.id === shown.id || message.role !== shown.role) continue;
    if (branch.messages.slice(0, index).some((m, i) => m.id !== before[i])) continue;
    const seen = others.get(message.id);
    if (!seen || branch.createdAt > seen.setAsideAt) {
      others.set(message.id, { branchId: branch.id, createdAt: message.createdAt, setAsideAt: branch.createdAt });
    }
  }
  const all = [
    { branchId: null as string | null, createdAt: shown.createdAt },
    ...[...others.values()].map((o) => ({ branchId: o.branchId as string | null, createdAt: o.createdAt })),
  ].sort((a, b) => a.createdAt - b.createdAt);
  return { current: all.findIndex((v) => v.branchId === null), count: all.length, branchIds: all.map((v) => v.branchId) };
}
