/** A short run of the fault soak (`npm run soak` runs the full one): every fault kind once and a few more. */
import { faultKinds, runSoak } from '../../scripts/soak/soakRun';
import { expect, test, withWebGpu } from './storeHarness';

test.use(withWebGpu);

test('fault soak, short run: every model verified or resumable to verified, no bad bytes, no orphans', async ({ browser, context, host, baseURL }) => {
  test.setTimeout(240_000);
  const origin = new URL(baseURL as string).origin;
  const result = await runSoak({
    context,
    newContext: () => browser.newContext({ baseURL }),
    appUrl: `${origin}/?modelHost=${encodeURIComponent(host.url)}`,
    host,
    downloads: faultKinds.length + 4,
    seed: Date.now() % 100_000,
    quotaBytes: 64 << 20,
  });
  console.log('soak counts', JSON.stringify(result.counts), `${result.ms} ms`);
  expect(result.violations).toEqual([]);
  for (const kind of faultKinds) expect(result.counts[kind], kind).toBeGreaterThan(0);
});
