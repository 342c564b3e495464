import { defineConfig } from '@playwright/test';

/** Browser tests drive the system Chromium (never a downloaded one): set CHROMIUM_PATH to use another. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep a headless Chromium quiet on a closed network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const port = Number(process.env.HEARTH_TEST_PORT ?? 4173);
// Another build directory lets two engineers run suites side by side.
const outDir = process.env.HEARTH_DIST ?? 'dist';

export default defineConfig({
  testDir: 'tests/e2e',
  // Per port, so suites run side by side do not delete each other's traces.
  outputDir: `test-results/${port}`,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `npx vite preview --port ${port} --strictPort --outDir ${outDir}`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
