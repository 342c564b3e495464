/** A run of items under one date heading ("Today", "Previous 7 days", "March 2026"). */
export interface DateGroup<T> {
  label: string;
  items: T[];
}

const day = 24 * 60 * 60 * 1000;

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The heading an item updated at `ms` goes under, seen at `now` (local time). */
export function dateLabel(ms: number, now: number): string {
  const today = startOfDay(now);
  if (ms >= today) return 'Today';
  if (ms >= today - day) return 'Yesterday';
  if (ms >= today - 7 * day) return 'Previous 7 days';
  if (ms >= today - 30 * day) return 'Previous 30 days';
  const d = new Date(ms);
  return d.toLocaleDateString(undefined, { month: 'long', year: 'numeric' });
}

/** Groups items (newest first) under date headings, keeping their order. */
export function groupByDate<T>(items: readonly T[], updatedAt: (item: T) => number, now: number = Date.now()): DateGroup<T>[] {
  const groups: DateGroup<T>[] = [];
  for (const item of items) {
    const label = dateLabel(updatedAt(item), now);
    const last = groups.at(-1);
    if (last?.label === label) last.items.push(item);
    else groups.push({ label, items: [item] });
  }
  return groups;
}
