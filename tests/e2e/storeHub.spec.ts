/**
 * Downloads as they happen against huggingface.co: entries shaped like the built-in ones
 * (revision null, no sizes or hashes) resolved through the host's paginated API, bytes from the
 * CDN origin the host redirects to, resumed with Range after a drop or a reload.
 */
import { makeProgrammedLlamaGguf } from '../fixtures/gguf';
import { expect, expectCached, idbContents, modelRow, openApp, rowError, servedFor, startDownload, storedChunkedSha256, storeModels, test, waitForPartial, withWebGpu, backOnModels } from './storeHarness';

test.use(withWebGpu);

test('an unpinned MLC entry downloads through the API and the CDN redirect; a drop on the CDN resumes with Range', async ({ page, host }) => {
  const shard = 'params_shard_0.bin';
  host.setFault({ kind: 'drop-after', path: shard, bytes: 150_000, times: 1, hop: 'cdn' });
  await openApp(page, host);
  await startDownload(page, storeModels.mlcUnpinned);
  await expectCached(page, storeModels.mlcUnpinned);

  // The commit came from the API, the file list across every page of it.
  expect(host.requests.some((r) => r.path.includes('/revision/main'))).toBe(true);
  expect(host.requests.filter((r) => r.path.includes('/tree/') && r.path.includes('cursor=')).length).toBeGreaterThan(0);
  const served = servedFor(host, shard);
  expect(served).toHaveLength(2);
  expect(served[1].range).toMatch(/^bytes=[1-9]\d*-$/);
  // Every shard the pinned twin lists is stored, in web-llm's layout, keyed at the resolved commit.
  const pinned = (await host.catalog()).find((e) => e.id === storeModels.mlc)!;
  const stored = await idbContents(page);
  for (const f of pinned.files.filter((f) => f.role === 'weights')) {
    expect(stored.webllm['webllm/model'].some((u) => u.endsWith(`/resolve/${pinned.source.revision}/${f.path}`)), f.path).toBe(true);
  }
  expect(stored.partials).toEqual([]);
});

test('an unpinned GGUF entry resumes after a reload in the middle of its CDN download and verifies', async ({ page, host }) => {
  host.setFault({ kind: 'slow', path: '.gguf', bytesPerSecond: 300_000, hop: 'cdn' });
  await openApp(page, host);
  await startDownload(page, storeModels.ggufUnpinned);
  await waitForPartial(page, '.gguf');
  await page.reload();
  host.clearFaults();
  await backOnModels(page);
  await expect(modelRow(page, storeModels.ggufUnpinned)).toHaveAttribute('data-status', 'partial');
  host.clearRequests();
  await startDownload(page, storeModels.ggufUnpinned);
  await expectCached(page, storeModels.ggufUnpinned);

  const pinned = (await host.catalog()).find((e) => e.id === storeModels.gguf)!;
  const weights = pinned.files.find((f) => f.role === 'weights')!;
  const resumed = servedFor(host, weights.path);
  expect(resumed).toHaveLength(1);
  expect(resumed[0].range).toMatch(/^bytes=[1-9]\d*-$/);
  expect(await storedChunkedSha256(page, storeModels.ggufUnpinned, weights.path)).toBe(weights.sha256);
});

test('a captive portal page instead of a file says so, and a retry after signing in completes', async ({ page, host }) => {
  host.setFault({ kind: 'html-page', path: '.gguf', hop: 'cdn', times: 1 });
  await openApp(page, host);
  await startDownload(page, storeModels.ggufUnpinned);
  const alert = rowError(page, storeModels.ggufUnpinned, 'HostError');
  await expect(alert).toContainText('not answering like a model host');
  await expect(alert).toContainText('captive portal');
  await startDownload(page, storeModels.ggufUnpinned);
  await expectCached(page, storeModels.ggufUnpinned);
});

test.describe('a gated repository', () => {
  test.use({ extraRepos: [{ repo: 'hearth-test/Gated-Llama-GGUF', gated: true, files: new Map([['gated-llama-f32.gguf', () => makeProgrammedLlamaGguf()]]) }] });

  test('is refused with a GatedError that says why, before any byte', async ({ page, host }) => {
    await openApp(page, host);
    await startDownload(page, 'Gated-Llama-GGUF-unpinned');
    const alert = rowError(page, 'Gated-Llama-GGUF-unpinned', 'GatedError');
    await expect(alert).toContainText('needs signing in on Hugging Face');
    await expect(alert).toContainText('public models');
    expect(servedFor(host, 'gated-llama-f32.gguf')).toEqual([]);
  });
});
