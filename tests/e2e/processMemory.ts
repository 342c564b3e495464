/**
 * Resident memory of the Chromium this Playwright worker launched (every process of its tree),
 * read from /proc, so a test can see whether something held a whole large file in memory.
 * Linux only; elsewhere `available` is false and callers skip the measurement.
 */
import { readdirSync, readFileSync } from 'node:fs';

export const available = process.platform === 'linux';

function children(): Map<number, number[]> {
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent (after the parenthesised command, which may hold spaces).
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      byParent.set(parent, [...(byParent.get(parent) ?? []), Number(name)]);
    } catch {
      // The process ended while we looked.
    }
  }
  return byParent;
}

/** Total resident bytes of every process below this one (the browser, its renderers and workers). */
export function browserTreeRss(): number {
  const byParent = children();
  let total = 0;
  const stack = [...(byParent.get(process.pid) ?? [])];
  while (stack.length) {
    const pid = stack.pop() as number;
    stack.push(...(byParent.get(pid) ?? []));
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += rss ? Number(rss[1]) * 1024 : 0;
    } catch {
      // Gone.
    }
  }
  return total;
}

/** Samples `browserTreeRss` every `ms` until stopped; returns the peak seen. */
export function sampleRss(ms = 200): { stop(): number } {
  let peak = browserTreeRss();
  const timer = setInterval(() => (peak = Math.max(peak, browserTreeRss())), ms);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, browserTreeRss());
    },
  };
}
