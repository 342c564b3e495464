import { describe, expect, it } from 'vitest';
import { Semaphore, downloadLimits } from '../../workers/store/semaphore';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Semaphore', () => {
  it('grants up to its capacity and queues the rest in arrival order', async () => {
    const s = new Semaphore(10);
    const order: string[] = [];
    const a = await s.acquire(6);
    const b = s.acquire(6).then((release) => (order.push('b'), release));
    const c = s.acquire(3).then((release) => (order.push('c'), release));
    await tick();
    // c would fit, but b came first: FIFO keeps largest-first download order.
    expect(order).toEqual([]);
    a();
    (await b)();
    (await c)();
    expect(order).toEqual(['b', 'c']);
  });

  it('lets a request larger than the capacity through alone', async () => {
    const s = new Semaphore(5);
    const release = await s.acquire(50);
    let second = false;
    void s.acquire(1).then(() => (second = true));
    await tick();
    expect(second).toBe(false);
    release();
    await tick();
    expect(second).toBe(true);
  });

  it('releases once even if called twice', async () => {
    const s = new Semaphore(1);
    const release = await s.acquire();
    release();
    release();
    const r1 = await s.acquire();
    let got = false;
    void s.acquire().then(() => (got = true));
    await tick();
    expect(got).toBe(false);
    r1();
  });

  it('budgets memory at 1.5x the largest file (it and two 32 MB shards), with a floor; two files in the writer', () => {
    const limits = downloadLimits(131_334_144);
    expect(limits.memory.capacity).toBe(Math.ceil(131_334_144 * 1.5));
    expect(limits.memory.capacity).toBeGreaterThanOrEqual(131_334_144 + 2 * 32_833_536);
    expect(limits.memory.capacity).toBeLessThan(2 * 131_334_144);
    expect(limits.writes.capacity).toBe(2);
    expect(downloadLimits(1000).memory.capacity).toBe(64 << 20);
    expect(downloadLimits(1, 3).fetches.capacity).toBe(3);
  });
});
