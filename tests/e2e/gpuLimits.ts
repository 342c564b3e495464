import type { Page } from '@playwright/test';

/**
 * States the GPU's buffer limits as a small device would report them (phones: 128–256 MB): the
 * engine worker is served with a preamble that makes `GPUAdapter.limits` answer these two
 * values, so the engine's device probe and fit check read them as the adapter's own. (Only the
 * engine worker: a store worker served through a route loses its network access.) The service
 * worker must be blocked for the route to see the worker's script.
 */
export async function stateGpuLimits(page: Page, limits: { maxBufferSize: number; maxStorageBufferBindingSize: number }): Promise<void> {
  const preamble = `(() => {
    const stated = ${JSON.stringify(limits)};
    const real = self.GPUAdapter && Object.getOwnPropertyDescriptor(GPUAdapter.prototype, 'limits');
    if (!real) return;
    Object.defineProperty(GPUAdapter.prototype, 'limits', {
      get() {
        const limits = real.get.call(this);
        return new Proxy(limits, { get: (target, key) => (key in stated ? stated[key] : target[key]) });
      },
    });
  })();\n`;
  await page.route(/\/assets\/engine\.worker-[^/]+\.js$/, async (route) => {
    try {
      const response = await route.fetch();
      await route.fulfill({ response, body: preamble + (await response.text()) });
    } catch (error) {
      // A worker started as the test ends (the page is closing) needs no limits.
      if (!/Test ended|closed|disposed/i.test(String(error))) throw error;
    }
  });
}
