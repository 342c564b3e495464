/**
 * Where a download's time goes (`npm run bench -- --part=1 --profile`): a Chromium trace of one
 * download read back into per-file timelines (the store worker marks each phase of each file,
 * workers/store/timeline.ts), the link's and the writer's busy and idle time, and how busy each
 * thread of the browser was. Tracing costs a little speed: profiled runs are never the
 * measured ones.
 */
import type { CDPSession, Page } from '@playwright/test';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  id?: string;
  id2?: { local?: string; global?: string };
  args?: { name?: string };
}

/** Starts a trace of the browser; `stop()` returns its events. */
export async function startTrace(page: Page): Promise<{ stop(): Promise<TraceEvent[]> }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', {
    // What a DevTools performance recording holds (tasks, GC, JS samples), plus IndexedDB.
    traceConfig: {
      includedCategories: ['blink.user_timing', 'toplevel', 'IndexedDB', '__metadata', 'devtools.timeline', 'v8', 'v8.execute', 'disabled-by-default-v8.cpu_profiler', 'disabled-by-default-devtools.timeline'],
    },
    transferMode: 'ReportEvents',
  });
  return {
    async stop() {
      const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      await complete;
      await cdp.detach();
      return events;
    },
  };
}

type Span = [number, number];

/** Length of the union of spans, ms. */
function unionMs(spans: Span[]): number {
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/** Gaps longer than `minMs` inside [from, to] that no span covers. */
function gaps(spans: Span[], from: number, to: number, minMs: number): Span[] {
  const out: Span[] = [];
  let at = from;
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    if (a - at > minMs) out.push([at, a]);
    at = Math.max(at, b);
  }
  if (to - at > minMs) out.push([at, to]);
  return out;
}

export interface FileTimeline {
  path: string;
  bytes: number;
  /** ms from the download's first mark: [start, end] of each phase (summed for repeated ones). */
  phases: Record<string, { start: number; end: number; ms: number; count: number }>;
}

export interface DownloadProfile {
  wallMs: number;
  files: FileTimeline[];
  /** Time at least one file was fetching, and the gaps when none was. */
  linkBusyMs: number;
  linkIdle: Span[];
  /** Time the store was writing (web-llm records, chunks, verified records), and its idle gaps. */
  writerBusyMs: number;
  writerIdle: Span[];
  hashMs: number;
  /** Busy ms per thread over the download, busiest first (`process/thread`). */
  threads: { thread: string; busyMs: number }[];
}

/** `sizes`: bytes of each file by its name (the last segment of its path). */
export function analyse(events: TraceEvent[], sizes: Map<string, number>): DownloadProfile {
  const begins = new Map<string, TraceEvent>();
  const spans: { phase: string; path: string; span: Span }[] = [];
  for (const e of events) {
    if (e.cat !== 'blink.user_timing' || !e.name.startsWith('hearth:')) continue;
    const key = `${e.name}#${e.id2?.local ?? e.id}`;
    if (e.ph === 'b') begins.set(key, e);
    else if (e.ph === 'e' && begins.has(key)) {
      const [phase, ...rest] = e.name.slice(7).split(' ');
      spans.push({ phase, path: rest.join(' '), span: [(begins.get(key) as TraceEvent).ts / 1000, e.ts / 1000] });
    }
  }
  if (spans.length === 0) throw new Error('The trace holds no download phases: is the store worker built with its timeline marks?');
  const t0 = Math.min(...spans.map((s) => s.span[0]));
  const t1 = Math.max(...spans.map((s) => s.span[1]));
  const rel = ([a, b]: Span): Span => [a - t0, b - t0];
  const files = new Map<string, FileTimeline>();
  for (const { phase, path, span } of spans) {
    const file = files.get(path) ?? { path, bytes: sizes.get(path.split('/').pop() ?? path) ?? 0, phases: {} };
    files.set(path, file);
    const [a, b] = rel(span);
    const p = file.phases[phase] ?? { start: a, end: b, ms: 0, count: 0 };
    p.start = Math.min(p.start, a);
    p.end = Math.max(p.end, b);
    p.ms += b - a;
    p.count += 1;
    file.phases[phase] = p;
  }
  const of = (...phases: string[]): Span[] => spans.filter((s) => phases.includes(s.phase)).map((s) => rel(s.span));
  const wallMs = t1 - t0;
  return {
    wallMs,
    files: [...files.values()].sort((a, b) => (a.phases.fetch?.start ?? 0) - (b.phases.fetch?.start ?? 0)),
    linkBusyMs: unionMs(of('fetch')),
    linkIdle: gaps(of('fetch'), 0, wallMs, 20),
    writerBusyMs: unionMs(of('write', 'record', 'chunk')),
    writerIdle: gaps(of('write', 'record', 'chunk'), 0, wallMs, 20),
    hashMs: of('hash').reduce((s, [a, b]) => s + b - a, 0),
    threads: threadBusy(events, t0, t1),
  };
}

/** [start, end] (trace ms) of the User Timing measure named `name`. */
export function markedWindow(events: TraceEvent[], name: string): [number, number] {
  const begin = events.find((e) => e.name === name && e.ph === 'b');
  const end = events.find((e) => e.name === name && e.ph === 'e');
  if (!begin || !end) throw new Error(`No measure ${name} in the trace`);
  return [begin.ts / 1000, end.ts / 1000];
}

/** Busy ms of each thread between t0 and t1 (trace ms; the whole trace without them), busiest first. */
export function threadBusy(events: TraceEvent[], t0 = -Infinity, t1 = Infinity): { thread: string; busyMs: number }[] {
  const names = new Map<string, string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}/${e.tid}`, e.args?.name ?? '?');
    if (e.ph === 'M' && e.name === 'process_name') names.set(`${e.pid}`, e.args?.name ?? '?');
  }
  const busy = new Map<string, number>();
  for (const e of events) {
    // Top-level tasks only: nested events would count twice.
    if (e.cat !== 'toplevel' || e.ph !== 'X' || !e.dur || (e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'ThreadPool_RunTask')) continue;
    const a = Math.max(e.ts / 1000, t0);
    const b = Math.min((e.ts + e.dur) / 1000, t1);
    if (b <= a) continue;
    const thread = `${names.get(`${e.pid}`) ?? e.pid} ${e.pid}/${names.get(`${e.pid}/${e.tid}`) ?? e.tid}`;
    busy.set(thread, (busy.get(thread) ?? 0) + b - a);
  }
  return [...busy].map(([thread, ms]) => ({ thread, busyMs: Math.round(ms) })).sort((a, b) => b.busyMs - a.busyMs).slice(0, 10);
}

const r = (n: number): number => Math.round(n);

/** The profile as readable lines: per-file phases, then link, writer and threads. */
export function describeProfile(p: DownloadProfile): string[] {
  const lines = [`  profiled download: ${r(p.wallMs)} ms from the first file's first phase to the last file's record`];
  lines.push('  | file | MB | wait memory | fetch (start-end, MB/s) | hash | wait writer | write (MB/s) | record |', '  |---|---:|---:|---|---:|---:|---|---:|');
  for (const f of p.files) {
    const ph = f.phases;
    const ms = (name: string): string => (ph[name] ? String(r(ph[name].ms)) : '');
    const rate = (name: string): string => (ph[name] && ph[name].ms > 0 ? String(r(f.bytes / 1e3 / ph[name].ms)) : '');
    const fetch = ph.fetch ? `${r(ph.fetch.start)}-${r(ph.fetch.end)} (${rate('fetch')})` : '';
    const write = ph.write ? `${r(ph.write.start)}-${r(ph.write.end)} (${rate('write')})` : ph.chunk ? `${ph.chunk.count} chunks, ${r(ph.chunk.ms)} ms` : '';
    lines.push(`  | ${f.path} | ${(f.bytes / 1e6).toFixed(1)} | ${ms('wait-memory')} | ${fetch} | ${ms('hash')} | ${ms('wait-write')} | ${write} | ${ms('record')} |`);
  }
  const spans = (s: Span[]): string => s.map(([a, b]) => `${r(a)}-${r(b)}`).join(', ') || 'none';
  const idle = (s: Span[]): number => r(s.reduce((sum, [a, b]) => sum + b - a, 0));
  lines.push(`  link: busy ${r(p.linkBusyMs)} ms; idle ${idle(p.linkIdle)} ms (no file fetching): ${spans(p.linkIdle)}`);
  lines.push(`  writer: busy ${r(p.writerBusyMs)} ms; idle ${idle(p.writerIdle)} ms: ${spans(p.writerIdle)}`);
  lines.push(`  hashing: ${r(p.hashMs)} ms in all (WebCrypto, off the worker's JS thread)`);
  lines.push(`  busiest threads over the download: ${p.threads.map((t) => `${t.thread} ${t.busyMs} ms`).join('; ')}`);
  return lines;
}
