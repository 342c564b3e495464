import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { appDb, readSetting, writeSetting } from '../../src/lib/appDb';
import { appendUser, newConversation, type Conversation } from '../../src/lib/conversation';
import {
  deleteAllConversations,
  deleteConversation,
  getConversation,
  listConversations,
  saveConversation,
  coalescedSaver,
} from '../../src/lib/conversationDb';

const settings = { systemPrompt: '', temperature: 0.6, topP: 0.9, maxTokens: 128 };

function conversation(text: string, updatedAt: number, isPrivate = false): Conversation {
  const c = appendUser(newConversation(settings, null, { private: isPrivate }), text);
  return { ...c, updatedAt };
}

describe('conversationDb', () => {
  it('upgrades a v1 database, keeping its settings (and adds the benchmark runs)', async () => {
    const v1 = await openDB('hearth-app', 1, { upgrade: (db) => void db.createObjectStore('settings') });
    await v1.put('settings', 'https://mirror.example', 'modelHost');
    v1.close();
    expect(await readSetting('modelHost', '')).toBe('https://mirror.example');
    const db = await appDb();
    expect(db.version).toBe(3);
    expect([...db.objectStoreNames].sort()).toEqual(['benchmarks', 'conversations', 'settings']);
    expect([...db.transaction('conversations').store.indexNames]).toEqual(['byUpdated']);
  });

  it('saves, lists newest first, reads and deletes', async () => {
    await deleteAllConversations();
    const older = conversation('older', 1000);
    const newer = conversation('newer', 2000);
    await saveConversation(older);
    await saveConversation(newer);
    expect((await listConversations()).map((s) => s.title)).toEqual(['newer', 'older']);
    expect(await getConversation(older.id)).toEqual(older);
    await saveConversation({ ...older, updatedAt: 3000, title: 'touched' });
    expect((await listConversations()).map((s) => s.title)).toEqual(['touched', 'newer']);
    await deleteConversation(newer.id);
    expect(await getConversation(newer.id)).toBeUndefined();
    expect(await listConversations()).toHaveLength(1);
  });

  it('never writes a private conversation', async () => {
    await deleteAllConversations();
    const secret = conversation('secret', 5000, true);
    await saveConversation(secret);
    expect(await getConversation(secret.id)).toBeUndefined();
    expect(await listConversations()).toEqual([]);
  });

  it('deletes all conversations but keeps settings', async () => {
    await writeSetting('keep', 1);
    await saveConversation(conversation('a', 1));
    await deleteAllConversations();
    expect(await listConversations()).toEqual([]);
    expect(await readSetting('keep', 0)).toBe(1);
  });
});

describe('coalescedSaver', () => {
  function deferred(): { promise: Promise<void>; resolve: () => void } {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  }

  it('keeps one write in flight and then writes only the newest version', async () => {
    const writes: string[] = [];
    const gates: Array<() => void> = [];
    const saver = coalescedSaver(async (c) => {
      writes.push(c.title);
      const gate = deferred();
      gates.push(gate.resolve);
      await gate.promise;
    });
    const c = conversation('v', 1);
    saver.schedule({ ...c, title: 'v1' });
    saver.schedule({ ...c, title: 'v2' });
    saver.schedule({ ...c, title: 'v3' });
    expect(writes).toEqual(['v1']);
    const flushed = saver.flush();
    gates[0]();
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(writes).toEqual(['v1', 'v3']);
    gates[1]();
    await flushed;
    expect(writes).toEqual(['v1', 'v3']);
  });

  it('keeps the last state of every conversation scheduled', async () => {
    const saved = new Map<string, string>();
    const saver = coalescedSaver(async (c) => {
      await new Promise((r) => setTimeout(r, 1));
      saved.set(c.id, c.title);
    });
    const a = conversation('a', 1);
    const b = conversation('b', 1);
    saver.schedule(a);
    saver.schedule({ ...a, title: 'a2' });
    saver.schedule(b);
    saver.schedule({ ...a, title: 'a3' });
    await saver.flush();
    expect(saved.get(a.id)).toBe('a3');
    expect(saved.get(b.id)).toBe('b');
  });

  it('reports failures and goes on', async () => {
    const errors: unknown[] = [];
    const saved: string[] = [];
    const saver = coalescedSaver(
      async (c) => {
        if (c.title === 'bad') throw new DOMException('full', 'QuotaExceededError');
        saved.push(c.title);
      },
      (e) => errors.push(e),
    );
    saver.schedule(conversation('bad', 1));
    saver.schedule(conversation('good', 1));
    await saver.flush();
    expect(saved).toEqual(['good']);
    expect((errors[0] as DOMException).name).toBe('QuotaExceededError');
  });

  it('skips private conversations and flushes immediately when idle', async () => {
    const saved: string[] = [];
    const saver = coalescedSaver(async (c) => void saved.push(c.title));
    await saver.flush();
    saver.schedule(conversation('secret', 1, true));
    await saver.flush();
    expect(saved).toEqual([]);
  });

  it('writes through to IndexedDB by default', async () => {
    await deleteAllConversations();
    const saver = coalescedSaver();
    const c = conversation('stored', 1);
    for (let i = 0; i < 50; i++)
      saver.schedule({ ...c, messages: [{ ...c.messages[0], content: `token ${i}` }] });
    await saver.flush();
    expect((await getConversation(c.id))?.messages[0].content).toBe('token 49');
  });
});
