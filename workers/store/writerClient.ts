/**
 * Where `commitWhole` runs: in the store's writer worker where the platform has workers (started
 * on first use, stopped when idle), in this thread otherwise (Node, so the unit tests run the
 * same code) or when that worker cannot start. The file's buffer is transferred, never copied.
 * Every commit is answered, so a download that stops has finished its writes: a delete never
 * races one.
 */
import { transfer, wrap, type Remote } from 'comlink';
import { commitWhole, type CommitResult, type WholeFileCommit, type WriterApi } from './wholeFileWriter';

/** A writer idle this long is stopped (it holds a heap and database connections). */
const idleStopMs = 20_000;

interface Running {
  worker: Worker;
  api: Remote<WriterApi>;
  /** Rejecters of the commits it has not answered, called if the worker fails. */
  waiting: Set<(error: Error) => void>;
}

let starting: Promise<Running | null> | undefined;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

function start(): Promise<Running | null> {
  if (typeof Worker === 'undefined') return Promise.resolve(null);
  let worker: Worker;
  try {
    worker = new Worker(new URL('./writer.worker.ts', import.meta.url), { type: 'module', name: 'hearth-writer' });
  } catch {
    return Promise.resolve(null);
  }
  const api = wrap<WriterApi>(worker);
  const running: Running = { worker, api, waiting: new Set() };
  return new Promise((resolve) => {
    const failedToStart = (): void => {
      worker.terminate();
      resolve(null);
    };
    worker.addEventListener('error', failedToStart, { once: true });
    api.ping().then(() => {
      worker.removeEventListener('error', failedToStart);
      worker.addEventListener('error', (event) => {
        for (const reject of running.waiting) reject(new Error(`The store's writer failed (${event.message}).`));
        running.waiting.clear();
        stop(running);
      });
      resolve(running);
    }, failedToStart);
  });
}

function stop(running: Running): void {
  running.worker.terminate();
  starting = undefined;
}

/** Hashes, checks and stores one web-llm-bound file (see `commitWhole`); `commit.buffer` is detached here. */
export async function commitInWriter(commit: WholeFileCommit): Promise<CommitResult> {
  clearTimeout(idleTimer);
  starting ??= start();
  const running = await starting;
  if (!running) return commitWhole(commit);
  try {
    return await new Promise<CommitResult>((resolve, reject) => {
      running.waiting.add(reject);
      running.api.commitWhole(transfer(commit, [commit.buffer])).then(resolve, reject).finally(() => running.waiting.delete(reject));
    });
  } finally {
    if (running.waiting.size === 0 && starting) {
      const current = starting;
      idleTimer = setTimeout(() => void current.then((r) => r && r.waiting.size === 0 && starting === current && stop(r)), idleStopMs);
    }
  }
}
