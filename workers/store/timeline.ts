/**
 * Phases of a file's download on the worker's performance timeline (User Timing), named
 * `hearth:<phase> <path>`, so that a browser trace shows where a download's time goes
 * (`npm run bench -- --part=1 --profile` reads them). Each entry is cleared as soon as it is
 * made: the trace has it, and nothing accumulates in a long-lived worker.
 */
export type Phase = 'wait-memory' | 'wait-fetch' | 'fetch' | 'hash' | 'wait-write' | 'write' | 'record' | 'chunk';

const prefix = 'hearth:';

/** Records that `phase` of `path` ran from `start` (a `performance.now()` value) until now. */
export function markPhase(phase: Phase, path: string, start: number): void {
  const name = `${prefix}${phase} ${path}`;
  try {
    performance.measure(name, { start, end: performance.now() });
    performance.clearMeasures(name);
  } catch {
    // A timeline that refuses an entry costs the download nothing.
  }
}

/** Runs `work` as `phase` of `path`, marked whether it succeeds or not. */
export async function timed<T>(phase: Phase, path: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    markPhase(phase, path, start);
  }
}
