/**
 * The bench browser's processes as Linux sees them (/proc): which they are, how much CPU they
 * used and how much anonymous memory they hold. This counts what the page's own memory measure
 * cannot see: Blink's copies (WebCrypto's input, IndexedDB values being serialized), the
 * network service's buffers, the browser process writing IndexedDB blobs.
 */
import { readFileSync, readdirSync } from 'node:fs';

export interface BrowserProcess {
  pid: number;
  /** `browser`, `renderer`, `gpu-process`, `network`, `storage`, `utility`, `zygote`… */
  kind: string;
}

const ticksPerSecond = 100;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function kindOf(cmdline: string[]): string {
  const type = cmdline.find((a) => a.startsWith('--type='))?.slice(7);
  if (!type) return 'browser';
  if (type !== 'utility') return type;
  const sub = cmdline.find((a) => a.startsWith('--utility-sub-type='))?.slice(19) ?? '';
  if (sub.startsWith('network.')) return 'network';
  if (sub.startsWith('storage.')) return 'storage';
  return 'utility';
}

/** The browser started with `--user-data-dir=<profileDir>` and every process below it. */
export function browserProcesses(profileDir: string): BrowserProcess[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => {
      const stat = read(`/proc/${d}/stat`);
      // Chromium's children rewrite their title: one string of space-separated arguments.
      const raw = (read(`/proc/${d}/cmdline`) ?? '').replace(/\0+$/, '');
      const cmdline = raw.includes('\0') ? raw.split('\0') : raw.split(' ');
      // Field 4 (after the parenthesised name, which may hold spaces) is the parent's pid.
      const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : -1;
      return { pid: Number(d), ppid, cmdline };
    });
  const root = all.find((p) => p.cmdline.includes(`--user-data-dir=${profileDir}`) && !p.cmdline.some((a) => a.startsWith('--type=')));
  if (!root) return [];
  const inTree = new Set([root.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => inTree.has(p.pid)).map((p) => ({ pid: p.pid, kind: kindOf(p.cmdline) }));
}

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return 0;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Resident anonymous memory of a process (heap, ArrayBuffers, Blink's buffers), bytes. */
export function anonymousBytes(pid: number): number {
  const match = /RssAnon:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '');
  return match ? Number(match[1]) * 1024 : 0;
}

/** CPU seconds by process kind between `start()` and `stop()`, the bench's own process included. */
export function cpuMeter(profileDir: string): { stop(): Record<string, number> } {
  const before = new Map(browserProcesses(profileDir).map((p) => [p.pid, cpuSeconds(p.pid)]));
  const node = process.cpuUsage();
  return {
    stop() {
      const used: Record<string, number> = {};
      for (const p of browserProcesses(profileDir)) used[p.kind] = (used[p.kind] ?? 0) + cpuSeconds(p.pid) - (before.get(p.pid) ?? 0);
      const own = process.cpuUsage(node);
      // The bench's own process serves the model host and the app: the "network" at the far end.
      used['bench (host + app server)'] = (own.user + own.system) / 1e6;
      return Object.fromEntries(Object.entries(used).map(([k, v]) => [k, +v.toFixed(2)]));
    },
  };
}
