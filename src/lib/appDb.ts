import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/** The app's own settings (conversations join this database later). */
interface AppSchema extends DBSchema {
  settings: { key: string; value: unknown };
}

let connection: Promise<IDBPDatabase<AppSchema>> | undefined;

/** Opens (once) the app database. */
export function appDb(): Promise<IDBPDatabase<AppSchema>> {
  connection ??= openDB<AppSchema>('hearth-app', 1, {
    upgrade(db) {
      db.createObjectStore('settings');
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
