/** A short run of the fault soak (`npm run soak` runs the full one): every fault kind once and a few more. */
import { faultKinds, limitQuota, runSoak } from '../../scripts/soak/soakRun';
import { expect, test } from './storeHarness';

test('fault soak, short run: every model verified or resumable to verified, no bad bytes, no orphans', async ({ context, page, host, baseURL }) => {
  test.setTimeout(240_000);
  const origin = new URL(baseURL as string).origin;
  const quotaBytes = 96 << 20;
  await limitQuota(await context.newCDPSession(page), origin, quotaBytes);
  await page.close();
  const result = await runSoak({ context, appUrl: `${origin}/?bench&modelHost=${encodeURIComponent(host.url)}`, host, downloads: faultKinds.length + 4, seed: Date.now() % 100_000, quotaBytes });
  console.log('soak counts', JSON.stringify(result.counts), `${result.ms} ms`);
  expect(result.violations).toEqual([]);
  for (const kind of faultKinds) expect(result.counts[kind], kind).toBeGreaterThan(0);
});
