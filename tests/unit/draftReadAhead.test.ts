import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DraftReadAhead, readAheadEveryMs, type Draft } from '../../src/lib/draftReadAhead';

describe('DraftReadAhead', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** An engine whose reads end when told to. */
  function engine() {
    const reads: { draft: Draft; end: (read: boolean) => void }[] = [];
    const read = (draft: Draft): Promise<boolean> => new Promise((resolve) => reads.push({ draft, end: resolve }));
    const heard: (Draft | null)[] = [];
    return { reads, heard, readAhead: new DraftReadAhead(read, (d) => heard.push(d)) };
  }

  it('sends at most one draft a period, the newest, and one at a time', async () => {
    const { reads, heard, readAhead } = engine();
    for (const text of ['H', 'He', 'Hel']) readAhead.typed({ key: 'c1', text });
    expect(reads).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(readAheadEveryMs);
    expect(reads.map((r) => r.draft.text)).toEqual(['Hel']);
    // Typed while that one is read: waits for it, then only the newest goes.
    readAhead.typed({ key: 'c1', text: 'Hell' });
    readAhead.typed({ key: 'c1', text: 'Hello' });
    await vi.advanceTimersByTimeAsync(readAheadEveryMs * 4);
    expect(reads).toHaveLength(1);
    reads[0].end(true);
    await vi.advanceTimersByTimeAsync(readAheadEveryMs);
    expect(reads.map((r) => r.draft.text)).toEqual(['Hel', 'Hello']);
    reads[1].end(true);
    await vi.runAllTimersAsync();
    expect(heard).toEqual([{ key: 'c1', text: 'Hel' }, { key: 'c1', text: 'Hello' }]);
  });

  it('does not send a draft already read, nor an empty one; after forget, the same draft is read again', async () => {
    const { reads, heard, readAhead } = engine();
    readAhead.typed({ key: 'c1', text: 'Hello' });
    await vi.advanceTimersByTimeAsync(readAheadEveryMs);
    reads[0].end(true);
    await vi.runAllTimersAsync();
    readAhead.typed({ key: 'c1', text: 'Hello' });
    readAhead.typed({ key: 'c1', text: '   ' });
    await vi.runAllTimersAsync();
    expect(reads).toHaveLength(1);
    readAhead.forget();
    expect(heard.at(-1)).toBeNull();
    readAhead.typed({ key: 'c1', text: 'Hello' });
    await vi.runAllTimersAsync();
    expect(reads).toHaveLength(2);
  });

  it('a read that ends after forget (a reply began) is not taken as holding', async () => {
    const { reads, heard, readAhead } = engine();
    readAhead.typed({ key: 'c1', text: 'Hello' });
    await vi.advanceTimersByTimeAsync(readAheadEveryMs);
    readAhead.forget();
    reads[0].end(true);
    await vi.runAllTimersAsync();
    expect(heard).toEqual([null]);
  });

  it('the same text in another conversation is read again', async () => {
    const { reads, readAhead } = engine();
    readAhead.typed({ key: 'c1', text: 'Hello' });
    await vi.advanceTimersByTimeAsync(readAheadEveryMs);
    reads[0].end(true);
    await vi.runAllTimersAsync();
    readAhead.typed({ key: 'c2', text: 'Hello' });
    await vi.runAllTimersAsync();
    expect(reads.map((r) => r.draft.key)).toEqual(['c1', 'c2']);
  });
});
