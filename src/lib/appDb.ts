import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { BenchmarkRun } from './benchmark/types';
import type { Conversation } from './conversation';

/** The app's own data: settings, conversations and benchmark runs. */
export interface AppSchema extends DBSchema {
  settings: { key: string; value: unknown };
  conversations: { key: string; value: Conversation; indexes: { byUpdated: number } };
  benchmarks: { key: string; value: BenchmarkRun; indexes: { byStarted: string } };
}

let connection: Promise<IDBPDatabase<AppSchema>> | undefined;

/** Opens (once) the app database. */
export function appDb(): Promise<IDBPDatabase<AppSchema>> {
  connection ??= openDB<AppSchema>('hearth-app', 3, {
    upgrade(db, oldVersion) {
      // Each step runs once, in order, so a v1 database keeps its settings.
      if (oldVersion < 1) db.createObjectStore('settings');
      if (oldVersion < 2) {
        const conversations = db.createObjectStore('conversations', { keyPath: 'id' });
        conversations.createIndex('byUpdated', 'updatedAt');
      }
      if (oldVersion < 3) db.createObjectStore('benchmarks', { keyPath: 'id' }).createIndex('byStarted', 'startedAt');
    },
    blocking() {
      void connection?.then((db) => db.close());
      connection = undefined;
    },
  });
  return connection;
}

/** Reads a setting, or `fallback` when unset. */
export async function readSetting<T>(key: string, fallback: T): Promise<T> {
  const value = await (await appDb()).get('settings', key);
  return value === undefined ? fallback : (value as T);
}

/** Writes a setting. */
export async function writeSetting(key: string, value: unknown): Promise<void> {
  await (await appDb()).put('settings', value, key);
}

/** Deletes every setting, conversation and benchmark run: the database is left empty. */
export async function clearAppData(): Promise<void> {
  const tx = (await appDb()).transaction(['settings', 'conversations', 'benchmarks'], 'readwrite');
  await Promise.all([tx.objectStore('settings').clear(), tx.objectStore('conversations').clear(), tx.objectStore('benchmarks').clear(), tx.done]);
}
