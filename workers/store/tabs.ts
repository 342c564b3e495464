/**
 * Several tabs of one origin share one store. A model downloads under a Web Lock named after it
 * (`hearth-download:<id>`), so one tab at a time writes its chunks; the store workers of every
 * tab tell each other about progress, ends and changes over one BroadcastChannel, and a tab asks
 * the downloading one to stop with a `cancel` message. Where Web Locks do not exist (Node, in
 * unit tests) an in-process lock stands in.
 */
import type { StoreEvent } from '../shared/storeProtocol';

const channelName = 'hearth-store';
let channel: BroadcastChannel | undefined;
const listeners = new Set<(event: StoreEvent) => void>();

function open(): BroadcastChannel {
  if (!channel) {
    channel = new BroadcastChannel(channelName);
    channel.onmessage = (message: MessageEvent<StoreEvent>) => {
      for (const listener of listeners) listener(message.data);
    };
    // Node keeps a process alive while a channel is open; a worker does not care.
    (channel as { unref?: () => void }).unref?.();
  }
  return channel;
}

/** Tells the store workers of the other tabs. */
export function broadcast(event: StoreEvent): void {
  open().postMessage(event);
}

/** Listens to the other tabs; returns the function that stops listening. */
export function onTabEvent(listener: (event: StoreEvent) => void): () => void {
  open();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The lock a model's download, delete and repair hold. */
export const modelLockName = (modelId: string): string => `hearth-download:${modelId}`;

interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

const localQueues = new Map<string, Promise<unknown>>();

/** An in-process stand-in for `navigator.locks` (one tab). */
const localLocks: LockManagerLike = {
  request(name, options, callback) {
    const held = localQueues.get(name);
    if (options.ifAvailable && held) return callback(null);
    const run = (held ?? Promise.resolve()).catch(() => {}).then(() => {
      options.signal?.throwIfAborted();
      return callback({ name });
    });
    localQueues.set(name, run.catch(() => {}));
    return run;
  },
};

function locks(): LockManagerLike {
  return ((globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks) ?? localLocks;
}

/** Runs `task` holding the lock, waiting for it (until `signal` aborts). */
export function withLock<T>(name: string, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
  return locks().request(name, { signal }, () => task());
}

/** Runs `task` holding the lock if no one holds it; `null` without running it otherwise. */
export function withLockIfFree<T>(name: string, task: () => Promise<T>): Promise<T | null> {
  return locks().request(name, { ifAvailable: true }, (lock) => (lock ? task() : Promise.resolve(null)));
}
