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
import { defaultTestRepos, startModelHost } from '../tests/fixtures/modelHost';

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
        stats: { promptTokens: 31, completionTokens: 96, timeToFirstTokenS: 0.21, prefillTokensPerS: 410.5, decodeTokensPerS: 38.2, totalS: 2.7, finishReason: 'stop' },
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

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const host = await startModelHost({ port: 0, repos: defaultTestRepos() });
  const server = await preview({ preview: { port, strictPort: true, host: '127.0.0.1' }, logLevel: 'warn' });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
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
      if (narrow) await page.getByRole('button', { name: 'Close model details' }).click();

      if (narrow) {
        await page.getByRole('button', { name: 'Conversations' }).click();
        await shoot(page, '06-sidebar-drawer', vp.name);
        await page.keyboard.press('Escape');
      }

      await page.keyboard.press('Shift+?');
      await shoot(page, '07-shortcuts-help', vp.name);
      await page.keyboard.press('Escape');

      await page.goto(`http://127.0.0.1:${port}/#/models`);
      await page.locator('main[data-ready="true"]').waitFor();
      await shoot(page, '08-models', vp.name);
      await page.locator('[data-status="cached"]').first().getByRole('button', { name: /^Delete/ }).click();
      await shoot(page, '09-delete-model-dialog', vp.name);
      await page.getByRole('button', { name: 'Keep it' }).click();

      await page.goto(`http://127.0.0.1:${port}/#/settings`);
      await page.locator('main[data-ready="true"]').waitFor();
      await shoot(page, '10-settings', vp.name);
      await context.close();
    }
    console.log(`Screenshots written to ${outDir}/`);
  } finally {
    await browser.close();
    await server.close();
    await host.close();
  }
}

await main();
