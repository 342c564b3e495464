import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DraftReadAhead, readAheadEveryMs, type Draft } from '../../src/lib/draftReadAhead';
import type { DraftRead } from '../../workers/shared/engineProtocol';

describe('DraftReadAhead', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** An engine whose reads end when told to. */
  function engine() {
    const reads: { draft: Draft; end: (read: DraftRead) => void }[] = [];
    const read = (draft: Draft): Promise<DraftRead> => new Promise<DraftRead>((resolve) => reads.push({ draft, end: resolve }));
    const heard: (Draft | null)[] = [];
    return { reads, heard, readAhead: new DraftReadAhead(read, (d) => heard.push(d)) };
  }

  it('reads at once after a pause, then begins at most one read a period, one at a time, the newest draft', async () => {
    const { reads, heard, readAhead } = engine();
    for (const text of ['H', 'He', 'Hel']) readAhead.typed({ key: 'c1', text });
    await vi.advanceTimersByTimeAsync(0);
    expect(reads.map((r) => r.draft.text)).toEqual(['Hel']);
    // Typed while that one is read (for 100 ms): only the newest goes, a period after the last began.
    readAhead.typed({ key: 'c1', text: 'Hell' });
    readAhead.typed({ key: 'c1', text: 'Hello' });
    await vi.advanceTimersByTimeAsync(100);
    reads[0].end('whole');
    await vi.advanceTimersByTimeAsync(readAheadEveryMs - 100 - 1);
    expect(reads).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads.map((r) => r.draft.text)).toEqual(['Hel', 'Hello']);
    // A read slower than the period: the next begins as soon as it ends.
    readAhead.typed({ key: 'c1', text: 'Hello!' });
    await vi.advanceTimersByTimeAsync(3 * readAheadEveryMs);
    expect(reads).toHaveLength(2);
    reads[1].end('whole');
    await vi.advanceTimersByTimeAsync(0);
    expect(reads.map((r) => r.draft.text)).toEqual(['Hel', 'Hello', 'Hello!']);
    reads[2].end('whole');
    await vi.runAllTimersAsync();
    expect(heard.map((d) => d?.text)).toEqual(['Hel', 'Hello', 'Hello!']);
  });

  it('does not send a draft already read, nor an empty one; after forget, the same draft is read again', async () => {
    const { reads, heard, readAhead } = engine();
    readAhead.typed({ key: 'c1', text: 'Hello' });
    await vi.advanceTimersByTimeAsync(readAheadEveryMs);
    reads[0].end('whole');
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
    reads[0].end('whole');
    await vi.runAllTimersAsync();
    expect(heard).toEqual([null]);
  });

  it('the same text in another conversation is read again', async () => {
    const { reads, readAhead } = engine();
    readAhead.typed({ key: 'c1', text: 'Hello' });
    await vi.advanceTimersByTimeAsync(readAheadEveryMs);
    reads[0].end('whole');
    await vi.runAllTimersAsync();
    readAhead.typed({ key: 'c2', text: 'Hello' });
    await vi.runAllTimersAsync();
    expect(reads.map((r) => r.draft.key)).toEqual(['c1', 'c2']);
  });

  it('when the engine becomes free, reads what the user typed in this conversation, not a draft of another', async () => {
    const { reads, readAhead } = engine();
    readAhead.typed({ key: 'c1', text: 'Hello' });
    await vi.advanceTimersByTimeAsync(readAheadEveryMs);
    reads[0].end('none');
    await vi.runAllTimersAsync();
    readAhead.resume('c2');
    await vi.runAllTimersAsync();
    expect(reads).toHaveLength(1);
    readAhead.resume('c1');
    await vi.runAllTimersAsync();
    expect(reads.map((r) => r.draft.text)).toEqual(['Hello', 'Hello']);
  });

  it('reads a long message a slice at a time until the engine has read it whole', async () => {
    const { reads, heard, readAhead } = engine();
    readAhead.typed({ key: 'c1', text: 'a long paste' });
    await vi.advanceTimersByTimeAsync(readAheadEveryMs);
    reads[0].end('part');
    await vi.advanceTimersByTimeAsync(readAheadEveryMs);
    reads[1].end('part');
    await vi.advanceTimersByTimeAsync(readAheadEveryMs);
    reads[2].end('whole');
    await vi.runAllTimersAsync();
    expect(reads).toHaveLength(3);
    expect(heard).toEqual([{ key: 'c1', text: 'a long paste' }]);
  });

  it('after forget (a message sent), the engine becoming free reads nothing: the message sent is not read again', async () => {
    const { reads, readAhead } = engine();
    readAhead.typed({ key: 'c1', text: 'Hello' });
    readAhead.forget();
    await vi.runAllTimersAsync();
    readAhead.resume('c1');
    await vi.runAllTimersAsync();
    expect(reads).toHaveLength(0);
  });
});
