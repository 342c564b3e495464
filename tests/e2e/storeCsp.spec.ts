/**
 * The Content-Security-Policy as a deployment sends it (here `vite preview`, with the headers
 * the build also writes to `_headers`): it reaches the store worker, which cannot connect to an
 * origin the policy does not list.
 */
import { readFileSync } from 'node:fs';
import { startModelHost, defaultTestRepos } from '../fixtures/modelHost';
import { expect, openApp, test, withWebGpu } from './storeHarness';

test.use(withWebGpu);

test('the store worker cannot connect to an origin the policy does not list; it can reach the model host', async ({ page, host, cspViolations }) => {
  // 127.0.0.2 is this machine too, but the built policy lists only 127.0.0.1 (and localhost).
  const unlisted = await startModelHost({ hostname: '127.0.0.2', repos: defaultTestRepos().slice(0, 1) });
  try {
    const headers = (await page.request.get('/')).headers();
    const policy = headers['content-security-policy'];
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toContain('127.0.0.2');
    // The build's _headers file carries the very policy the server sends.
    const built = readFileSync(`${process.env.HEARTH_DIST ?? 'dist'}/_headers`, 'utf8');
    expect(built).toContain(`Content-Security-Policy: ${policy}`);

    await openApp(page, host);
    const storeWorker = page.workers().find((w) => w.url().includes('store'));
    expect(storeWorker, 'the store worker runs').toBeDefined();
    const tryFetch = (url: string) => storeWorker!.evaluate((u) => fetch(u).then((r) => `answered ${r.status}`, (e: unknown) => `refused: ${String(e)}`), url);
    expect(await tryFetch(`${host.url}/hearth-catalog.json`)).toBe('answered 200');
    unlisted.clearRequests();
    expect(await tryFetch(`${unlisted.url}/hearth-catalog.json`)).toMatch(/^refused/);
    expect(unlisted.requests).toEqual([]);
    await expect.poll(() => cspViolations.some((v) => v.includes('connect-src') && v.includes('127.0.0.2'))).toBe(true);
    cspViolations.length = 0;
  } finally {
    await unlisted.close();
  }
});
