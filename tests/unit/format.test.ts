import { describe, expect, it } from 'vitest';
import { formatBytes, formatEta, formatParameters, formatRate } from '../../src/lib/format';
import { RateWindow } from '../../workers/shared/rate';
import { downloadSize, isCommitHash, type CatalogEntry } from '../../workers/shared/catalog';

describe('formatting', () => {
  it('formats bytes in decimal units with sensible precision', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.50 KB');
    expect(formatBytes(807_694_464)).toBe('808 MB');
    expect(formatBytes(2_019_377_696)).toBe('2.02 GB');
    expect(formatBytes(-1)).toBe('—');
  });
  it('formats rates and ETAs', () => {
    expect(formatRate(12_400_000)).toBe('12.4 MB/s');
    expect(formatRate(0)).toBe('—');
    expect(formatEta(null)).toBe('—');
    expect(formatEta(12.4)).toBe('12 s');
    expect(formatEta(200)).toBe('3 min 20 s');
    expect(formatEta(3900)).toBe('1 h 05 min');
  });
  it('formats parameter counts', () => {
    expect(formatParameters(1.24e9)).toBe('1.24B');
    expect(formatParameters(58e6)).toBe('58M');
  });
});

describe('RateWindow', () => {
  it('measures bytes per second over its window and projects an ETA', () => {
    const w = new RateWindow(3000);
    expect(w.rate()).toBe(0);
    expect(w.eta(100)).toBeNull();
    w.add(0, 0);
    w.add(1000, 1_000_000);
    expect(w.rate()).toBe(1_000_000);
    expect(w.eta(5_000_000)).toBe(4);
  });
  it('forgets samples older than the window', () => {
    const w = new RateWindow(1000);
    w.add(0, 0);
    w.add(500, 10_000_000); // a burst
    for (let t = 1000; t <= 5000; t += 500) w.add(t, 10_000_000 + (t - 500) * 1000);
    expect(w.rate()).toBeCloseTo(1_000_000, -3);
  });
});

describe('catalog helpers', () => {
  const base = {
    id: 'x', displayName: 'x', parameters: 1, quantization: 'q', engine: 'wllama', source: { repo: 'a/b', revision: null },
    contextWindow: 1, trainedContextWindow: 1, requiredFeatures: [], modelCardUrl: '', approxSizeBytes: 123,
    licence: { name: '', version: '', url: '', usePolicyUrl: '' },
  } satisfies Omit<CatalogEntry, 'files'>;
  it('gives the exact size when every file is sized, else the approximate one', () => {
    expect(downloadSize({ ...base, files: [{ path: 'a', role: 'weights' }] })).toEqual({ bytes: 123, exact: false });
    expect(downloadSize({ ...base, files: [{ path: 'a', role: 'weights', size: 10 }, { path: 'b', role: 'model-card', size: 5 }] })).toEqual({ bytes: 15, exact: true });
  });
  it('accepts only full commit hashes as revisions', () => {
    expect(isCommitHash('main')).toBe(false);
    expect(isCommitHash(null)).toBe(false);
    expect(isCommitHash('0123456789abcdef0123456789abcdef01234567')).toBe(true);
  });
});
