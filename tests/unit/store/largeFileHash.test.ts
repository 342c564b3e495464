/**
 * Files over 2 GB: the import hashes a picked file in fixed slices, never reading it whole. A
 * 2.25 GiB File assembled from one repeated 16 MiB block (no disk, no extra memory) goes through
 * the import's own `hashFile`; every read it makes is recorded, and the SHA-256 is checked against
 * Node's own hasher streaming the same bytes; ArrayBuffer memory is sampled as it goes. (The browser suite's importLarge.spec.ts drives the
 * whole import of such a file in Chromium, storing included.)
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashFile, ImportMeter } from '../../../workers/store/importWrite';

const MiB = 1 << 20;

describe('hashing a file over 2 GB', () => {
  it('reads it in slices of at most 16 MiB, in order, covering every byte once, and gets the right SHA-256', async () => {
    const block = new Uint8Array(16 * MiB);
    for (let i = 0; i < block.length; i += 4096) block[i] = (i / 4096) & 0xff;
    const head = new TextEncoder().encode('GGUF and then some');
    const blocks = 144; // 2.25 GiB
    const one = new Blob([block]);
    const file = new File([head, ...Array.from({ length: blocks }, () => one)], 'large.gguf');
    expect(file.size).toBeGreaterThan(2 ** 31);

    const reads: [number, number][] = [];
    const slice = file.slice.bind(file);
    file.slice = (start?: number, end?: number) => {
      reads.push([start ?? 0, end ?? file.size]);
      return slice(start, end);
    };
    const progress: number[] = [];
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    const sha = await hashFile(
      file,
      'large.gguf',
      new ImportMeter('hashing', file.size, (p) => {
        progress.push(p.bytesDone);
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      }),
    );

    const expected = createHash('sha256').update(head);
    for (let i = 0; i < blocks; i++) expected.update(block);
    expect(sha).toBe(expected.digest('hex'));
    expect(Math.max(...reads.map(([s, e]) => e - s))).toBeLessThanOrEqual(16 * MiB);
    expect(reads[0][0]).toBe(0);
    for (let i = 1; i < reads.length; i++) expect(reads[i][0]).toBe(reads[i - 1][1]);
    expect(reads.at(-1)![1]).toBe(file.size);
    expect(progress.at(-1)).toBe(file.size);
    // ArrayBuffer memory while hashing stays a few slices above where it started, not the file's size.
    expect(peak - baseline).toBeLessThan(256 * MiB);
  }, 120_000);
});
