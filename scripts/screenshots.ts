/**
 * `npx tsx scripts/screenshots.ts [outDir]`: screenshots of every view of the built app (run
 * `npm run build` first) at 1366×900 and 390×844, light and dark, against a local host of
 * generated test models. Not part of `npm test`: the pictures are for people to look at.
 * Run it under the shared browser lock: `flock /tmp/hearth-browser.lock npx tsx scripts/screenshots.ts`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { preview } from 'vite';
import { chromiumArgs, chromiumPath } from '../playwright.config';
import { defaultTestRepos, longContextTestRepo, startModelHost } from '../tests/fixtures/modelHost';
import { stateGpuLimits } from '../tests/e2e/gpuLimits';

const outDir = process.argv[2] ?? 'screenshots';
const port = Number(process.env.HEARTH_SHOTS_PORT ?? 4311);
const viewports = [
  { name: 'desktop', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

const sample = {
  format: 'hearth-conversation',
  version: 1,
  conversation: {
    id: 'sample',
    title: 'Reverse a string in Python',
    createdAt: Date.now() - 60_000,
    updatedAt: Date.now() - 60_000,
    model: null,
    settings: { systemPrompt: '', temperature: 0.6, topP: 0.9, maxTokens: 512 },
    messages: [
      { id: 'u1', role: 'user', content: 'How do I reverse a string in Python?', createdAt: Date.now() - 60_000, status: 'complete' },
      {
        id: 'a1',
        role: 'assistant',
        content:
          'Use a **slice with a step of -1**:\n\n```python\ndef reverse(text: str) -> str:\n    # Walk the string backwards, one character at a time.\n    return text[::-1]\n\nprint(reverse("hearth"))  # htraeh\n```\n\nFor a list, `reversed()` returns an iterator without copying:\n\n| Way | Copies | Works on |\n|---|---|---|\n| `s[::-1]` | yes | str, list, tuple |\n| `reversed(s)` | no | any sequence |',
        createdAt: Date.now() - 58_000,
        status: 'complete',
        stats: { promptTokens: 1510, cachedPromptTokens: 1420, device: 'CPU, 2 threads', completionTokens: 96, timeToFirstTokenS: 0.21, prefillTokensPerS: 410.5, decodeTokensPerS: 38.2, totalS: 2.7, finishReason: 'stop' },
      },
    ],
    branches: [],
  },
};

async function shoot(page: Page, name: string, viewport: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(outDir, `${name}-${viewport}-${scheme}.png`) });
  }
}

/**
 * Opens the models view against `hostUrl` and downloads each model in turn, accepting its
 * licence where one is asked for, until every row says it is cached.
 */
async function downloadModels(page: Page, hostUrl: string, ids: readonly string[]): Promise<void> {
  await page.goto(`http://127.0.0.1:${port}/?modelHost=${encodeURIComponent(hostUrl)}#/models`);
  await page.locator('main[data-ready="true"]').waitFor();
  for (const id of ids) {
    const row = page.locator(`li[data-model="${id}"]`);
    await row.getByRole('button', { name: /^Download/ }).click();
    const licence = page.getByTestId('licence-dialog').getByRole('checkbox');
    // A licence is asked once per version: a later model under the same one starts at once.
    if (await licence.isVisible().catch(() => false)) {
      await licence.check();
      await page.getByRole('button', { name: 'Accept and download' }).click();
    }
    await row.and(page.locator('[data-status="cached"]')).waitFor({ timeout: 60_000 });
  }
}

/**
 * The typed error of a build too large for this GPU, with the suggested CPU build as an action:
 * WebGPU (SwiftShader) with small stated buffer limits, as on a phone (see tests/e2e/gpuLimits.ts).
 */
async function shootTooLarge(): Promise<void> {
  const host = await startModelHost({ port: 0, repos: defaultTestRepos() });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs, '--enable-unsafe-webgpu'] });
  try {
    for (const vp of viewports) {
      const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, serviceWorkers: 'block' });
      const page = await context.newPage();
      await stateGpuLimits(page, { maxBufferSize: 512 * 1024, maxStorageBufferBindingSize: 256 * 1024 });
      await downloadModels(page, host.url, ['Programmed-Llama-GGUF', 'Tiny-Llama-MLC']);
      const error = page.locator('[data-engine-error="TooLargeForDeviceError"]');
      await error.waitFor({ timeout: 60_000 });
      await error.scrollIntoViewIfNeeded();
      await shoot(page, '12-too-large-for-gpu', vp.name);
      await context.close();
    }
  } finally {
    await browser.close();
    await host.close();
  }
}

/** The benchmark view: set up, running, a finished run (table, chart) and a side-by-side comparison. */
async function shootBenchmark(): Promise<void> {
  const host = await startModelHost({ port: 0, repos: [longContextTestRepo('Long-Llama-A-GGUF', 11), longContextTestRepo('Long-Llama-B-GGUF', 12)] });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    for (const vp of viewports) {
      const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
      const page = await context.newPage();
      await downloadModels(page, host.url, ['Long-Llama-A-GGUF', 'Long-Llama-B-GGUF']);
      await page.locator('[data-testid="engine-status"][data-state="ready"]').waitFor({ timeout: 60_000 });
      await page.goto(`http://127.0.0.1:${port}/#/benchmark`);
      await page.locator('main[data-ready="true"]').waitFor();
      await shoot(page, '13-benchmark-setup', vp.name);
      await page.getByRole('button', { name: /^Start benchmark/ }).click();
      await page.getByTestId('benchmark-step').filter({ hasText: 'prompt 2 of 3' }).waitFor({ timeout: 60_000 });
      await shoot(page, '14-benchmark-running', vp.name);
      await page.locator('[data-testid="run-status"][data-status="complete"]').waitFor({ timeout: 90_000 });
      await page.getByTestId('benchmark-results').scrollIntoViewIfNeeded();
      await shoot(page, '15-benchmark-results', vp.name);
      await page.getByTestId('benchmark-chart').scrollIntoViewIfNeeded();
      await shoot(page, '15b-benchmark-chart', vp.name);
      await page.getByLabel('Prompt', { exact: true }).selectOption('code');
      await page.getByRole('button', { name: 'Compare side by side' }).click();
      await page.locator('[data-testid="side-by-side"] [data-testid="run-status"][data-status="complete"]').waitFor({ timeout: 60_000 });
      await page.getByTestId('side-by-side').locator('.columns').scrollIntoViewIfNeeded();
      await shoot(page, '16-side-by-side', vp.name);
      await context.close();
    }
  } finally {
    await browser.close();
    await host.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const host = await startModelHost({ port: 0, repos: defaultTestRepos() });
  const server = await preview({ preview: { port, strictPort: true, host: '127.0.0.1' }, logLevel: 'warn' });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    // HEARTH_SHOTS_ONLY=benchmark takes the benchmark view's pictures alone.
    if (process.env.HEARTH_SHOTS_ONLY === 'benchmark') {
      await shootBenchmark();
      return;
    }
    for (const vp of viewports) {
      const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
      const page = await context.newPage();
      const narrow = vp.width < 700;
      await page.goto(`http://127.0.0.1:${port}/?modelHost=${encodeURIComponent(host.url)}`);
      await page.locator('main[data-ready="true"]').waitFor();
      await page.getByTestId('start').waitFor();
      await shoot(page, '01-first-run', vp.name);

      await page.getByTestId('start').click();
      await page.getByTestId('licence-dialog').getByRole('checkbox').check();
      await shoot(page, '02-licence-dialog', vp.name);
      await page.getByRole('button', { name: 'Accept and download' }).click();
      await page.locator('[data-testid="engine-status"][data-state="ready"]').waitFor({ timeout: 60_000 });

      // A conversation with a code block (the test models cannot write one), then a real reply.
      if (narrow) await page.getByRole('button', { name: 'Conversations' }).click();
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: /Import a conversation/ }).click();
      await (await chooser).setFiles({ name: 'sample.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(sample)) });
      await page.locator('.hljs').first().waitFor();
      await shoot(page, '03-chat-code', vp.name);

      await page.getByRole('button', { name: 'Chat settings' }).click();
      await shoot(page, '04-chat-settings-dialog', vp.name);
      await page.getByRole('button', { name: 'Done' }).click();

      const toggle = page.getByRole('button', { name: 'Model details', exact: true });
      if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
      await page.getByTestId('model-card').waitFor();
      await shoot(page, '05-panel', vp.name);
      // The artifact: files, hashes, device and the KV cache llama.cpp set up.
      const artifact = page.getByTestId('model-panel').locator('summary', { hasText: 'Artifact' });
      await artifact.click();
      await page.getByTestId('artifact-kv-cache').scrollIntoViewIfNeeded({ timeout: 15_000 });
      await shoot(page, '05b-panel-artifact', vp.name);
      await artifact.click();
      if (narrow) await page.getByRole('button', { name: 'Close model details' }).click();

      if (narrow) {
        await page.getByRole('button', { name: 'Conversations' }).click();
        await shoot(page, '06-sidebar-drawer', vp.name);
        await page.keyboard.press('Escape');
      }

      // A conversation longer than the test model's window: the meter's note says what was left out.
      await page.keyboard.press('Control+Shift+O');
      for (let i = 1; i <= 4; i++) {
        await page.getByLabel('Message', { exact: true }).fill(`Message number ${i}: tell me about the weather today`);
        await page.getByRole('button', { name: 'Send', exact: true }).click();
        await page.locator('[data-role="assistant"]').nth(i - 1).and(page.locator('[data-status="complete"]')).waitFor({ timeout: 60_000 });
      }
      await page.getByTestId('context-meter').getByRole('button', { name: /left out/ }).click();
      await shoot(page, '06b-context-note', vp.name);
      await page.getByTestId('context-meter').getByRole('button', { name: /left out/ }).click();

      // The raw prompt of the last reply, as the model read it (laid out only while it is open).
      if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
      const rawPrompt = page.getByTestId('raw-prompt-view');
      await rawPrompt.locator('summary').click();
      await page.getByTestId('raw-prompt').scrollIntoViewIfNeeded({ timeout: 15_000 });
      await shoot(page, '06c-raw-prompt', vp.name);
      await rawPrompt.locator('summary').click();
      if (narrow) await page.getByRole('button', { name: 'Close model details' }).click();

      await page.keyboard.press('Shift+?');
      await shoot(page, '07-shortcuts-help', vp.name);
      await page.keyboard.press('Escape');

      await page.goto(`http://127.0.0.1:${port}/#/models`);
      await page.locator('main[data-ready="true"]').waitFor();
      await shoot(page, '08-models', vp.name);
      await page.getByText('All ways to run a model here, best first').click();
      await shoot(page, '08b-models-ranking', vp.name);
      await page.locator('[data-status="cached"]').first().getByRole('button', { name: /^Delete/ }).click();
      await shoot(page, '09-delete-model-dialog', vp.name);
      await page.getByRole('button', { name: 'Keep it' }).click();

      await page.goto(`http://127.0.0.1:${port}/#/settings`);
      await page.locator('main[data-ready="true"]').waitFor();
      await shoot(page, '10-settings', vp.name);
      await page.getByLabel('CPU threads for llama.cpp', { exact: true }).selectOption('1');
      await page.getByTestId('engine-settings').scrollIntoViewIfNeeded();
      await shoot(page, '10b-settings-engine', vp.name);
      await page.getByRole('button', { name: "Back to Hearth's choices" }).click();
      await context.close();
    }
    await shootTooLarge();
    await shootBenchmark();
    console.log(`Screenshots written to ${outDir}/`);
  } finally {
    await browser.close();
    await server.close();
    await host.close();
  }
}

await main();
