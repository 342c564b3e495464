import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { benchmarkFileSchema } from '../../src/lib/benchmark/benchmarkFile';
import type { BenchmarkFile } from '../../src/lib/benchmark/types';
import { seriousViolations } from './axe';
import { replies, sendMessage, waitForReply } from './chatHarness';
import { benchModels, downloadModels, engineWorkers, expect, metric, openBenchmark, resultRow, results, runStatus, test } from './benchmarkHarness';
import { engineStatus, expectModelReady, expectReady, gotoView, openApp } from './harness';

const prompts = ['short', 'summary', 'code'] as const;
const models = [benchModels.a, benchModels.b];

test('opening the benchmark view starts nothing: no engine load, no run', async ({ page, host }) => {
  await openApp(page, host);
  await downloadModels(page, models);
  await expectModelReady(page, benchModels.b);
  const workers = engineWorkers(page);
  await openBenchmark(page);
  await expect(page.getByText('None yet. Runs are kept on this device')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start benchmark (2 models)' })).toBeEnabled();
  // Give a wrongly eager view time to start something, then check nothing did.
  await page.waitForTimeout(1000);
  expect(engineWorkers(page)).toBe(workers);
  await expect(page.getByTestId('benchmark-progress')).toHaveCount(0);
  await expect(engineStatus(page)).toHaveAttribute('data-model-id', benchModels.b);
  await expect(engineStatus(page)).toHaveAttribute('data-state', 'ready');
});

test('a benchmark of two models: a row per model and prompt with real numbers, the device, a chart; kept through a reload; exported as JSON, SVG and PNG', async ({ page, host }) => {
  test.setTimeout(150_000);
  await openApp(page, host);
  await downloadModels(page, models);
  await expectModelReady(page, benchModels.b);
  await openBenchmark(page);
  await expect(page.getByTestId('chat-model-note')).toContainText('is unloaded while a run uses the engine');
  await page.getByRole('button', { name: 'Start benchmark (2 models)' }).click();
  await expect(page.getByTestId('benchmark-step')).toContainText(/Model [12] of 2/);
  await expect(runStatus(page)).toHaveAttribute('data-status', 'complete', { timeout: 90_000 });

  for (const model of models) {
    const load = page.locator(`tbody[data-model="${model}"]`).getByTestId('model-load');
    await expect(load).toContainText('llama.cpp on CPU');
    // The KV cache llama.cpp set up for the run, as it reported it.
    await expect(load).toContainText(/KV cache f32, [\d.]+ MiB, flash attention off/);
    expect(Number(await load.getAttribute('data-load-ms'))).toBeGreaterThan(0);
    for (const prompt of prompts) {
      const row = resultRow(page, model, prompt);
      await expect(row).toHaveAttribute('data-status', 'complete');
      for (const name of ['timeToFirstTokenS', 'prefillTokensPerS', 'decodeTokensPerS', 'completionTokens', 'totalS']) expect(await metric(row, name), `${model} ${prompt} ${name}`).toBeGreaterThan(0);
    }
  }
  const device = page.getByTestId('run-device');
  await expect(device).toContainText(/\d+ logical cores?/);
  await expect(device).toContainText(/Hearth \d+\.\d+\.\d+; @wllama\/wllama \d+\.\d+\.\d+/);
  const chart = page.getByTestId('benchmark-chart').getByRole('img');
  await expect(chart).toHaveAccessibleName(/Decode speed .*Long Llama A GGUF \(test\): Short question/);
  await expect(page.getByTestId('benchmark-chart').locator('rect:not(.track)')).toHaveCount(6);
  // The chat's model came back.
  await expectModelReady(page, benchModels.b);

  for (const scheme of ['light', 'dark'] as const) {
    for (const size of [{ width: 1366, height: 900 }, { width: 390, height: 844 }]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize(size);
      expect(await seriousViolations(page), `benchmark view, ${scheme}, ${size.width} px`).toEqual([]);
    }
  }
  await page.setViewportSize({ width: 1366, height: 900 });

  const shown = await resultRow(page, benchModels.a, 'summary').locator('[data-metric="prefillTokensPerS"]').textContent();
  await page.reload();
  await expectReady(page);
  await expect(results(page)).toBeVisible();
  await expect(resultRow(page, benchModels.a, 'summary').locator('[data-metric="prefillTokensPerS"]')).toHaveText(shown ?? '');
  await expect(page.getByTestId('past-runs').locator('li')).toHaveCount(1);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export JSON' }).click();
  const json = JSON.parse(await readFile(await (await download).path(), 'utf8')) as BenchmarkFile;
  const validate = addFormats.default(new Ajv2020({ allErrors: true, strict: true })).compile(benchmarkFileSchema);
  expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  expect(json.run.status).toBe('complete');
  expect(json.run.results).toHaveLength(6);
  for (const r of json.run.results) {
    const row = resultRow(page, r.modelId, r.promptId);
    for (const name of ['timeToFirstTokenS', 'prefillTokensPerS', 'decodeTokensPerS', 'completionTokens'] as const) expect(await metric(row, name)).toBe(r[name]);
  }
  expect(json.run.device.hardwareConcurrency).toBeGreaterThan(0);
  expect(json.run.models.map((m) => m.runsOn)).toEqual([expect.stringMatching(/^llama\.cpp on CPU, \d threads?$/), expect.stringMatching(/^llama\.cpp on CPU/)]);

  const image = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export image (SVG)' }).click();
  const svgFile = await image;
  expect(svgFile.suggestedFilename()).toMatch(/^hearth-benchmark-.*\.svg$/);
  const svg = await readFile(await svgFile.path(), 'utf8');
  expect(svg).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect((svg.match(/<rect /g) ?? []).length).toBeGreaterThan(6);
  expect(svg).toContain('Long Llama B GGUF (test)');

  // The same chart as a PNG, drawn by the browser at twice the SVG's size (no CSP violation: the fixture checks).
  const picture = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export image (PNG)' }).click();
  const pngFile = await picture;
  expect(pngFile.suggestedFilename()).toMatch(/^hearth-benchmark-.*\.png$/);
  const png = await readFile(await pngFile.path());
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const svgHeight = Number(/height="(\d+)"/.exec(svg)?.[1]);
  expect({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) }).toEqual({ width: 1440, height: svgHeight * 2 });
  // Not a blank canvas: a drawn chart compresses to more than a white rectangle would.
  expect(png.byteLength).toBeGreaterThan(10_000);

  await page.getByRole('button', { name: 'Delete this run' }).click();
  await expect(results(page)).toHaveCount(0);
  await expect(page.getByText('None yet. Runs are kept on this device')).toBeVisible();
});

test('Esc stops a run at once: the results so far are kept and marked stopped, and the chat and its model are still there', async ({ page, host }) => {
  await openApp(page, host);
  await downloadModels(page, models);
  await gotoView(page, 'Chat');
  await expectModelReady(page, benchModels.b);
  await sendMessage(page, 'Before the benchmark');
  await waitForReply(page);

  await openBenchmark(page);
  await page.getByRole('button', { name: 'Start benchmark (2 models)' }).click();
  // Stop during the document's reply: the first model's second prompt.
  await expect(page.getByTestId('benchmark-step')).toContainText('Model 1 of 2: Long Llama A GGUF (test) — prompt 2 of 3', { timeout: 30_000 });
  await page.keyboard.press('Escape');
  await expect(runStatus(page)).toHaveAttribute('data-status', 'stopped', { timeout: 5_000 });
  await expect(page.getByTestId('benchmark-progress')).toHaveCount(0);
  await expect(resultRow(page, benchModels.a, 'short')).toHaveAttribute('data-status', 'complete');
  // The reply being generated when Esc came (normally the document's) is kept, marked stopped.
  const rows = page.locator('tbody tr[data-prompt]');
  const kept = await rows.count();
  expect(kept).toBeGreaterThanOrEqual(2);
  expect(kept).toBeLessThanOrEqual(3);
  await expect(rows.last()).toHaveAttribute('data-status', /stopped|complete/);
  if ((await rows.last().getAttribute('data-status')) === 'stopped') await expect(rows.last()).toContainText('stopped');
  await expect(page.locator(`tbody[data-model="${benchModels.b}"]`)).toHaveAttribute('data-model-status', 'skipped');
  await expect(runStatus(page)).toContainText(/Stopped after [12] of 6 replies/);
  // Nothing more is generated after the stop.
  await page.waitForTimeout(1000);
  await expect(rows).toHaveCount(kept);

  await expectModelReady(page, benchModels.b);
  await gotoView(page, 'Chat');
  await expect(page.locator('[data-role="user"]').first()).toContainText('Before the benchmark');
  await sendMessage(page, 'After the benchmark');
  await waitForReply(page);
  await expect(replies(page)).toHaveCount(2);
  await expect(replies(page).last()).toHaveAttribute('data-status', /complete|interrupted/);
});

test('side by side: the same prompt answered by two models, answers and numbers next to each other, stacked on a phone', async ({ page, host }) => {
  await openApp(page, host);
  await downloadModels(page, models);
  await openBenchmark(page);
  await page.getByLabel('First model').selectOption(benchModels.a);
  await page.getByLabel('Second model').selectOption(benchModels.b);
  await page.getByLabel('Prompt', { exact: true }).selectOption('code');
  await page.getByRole('button', { name: 'Compare side by side' }).click();
  const compare = page.getByTestId('side-by-side');
  await expect(compare.getByTestId('run-status')).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  const answers = compare.getByTestId('side-answer');
  await expect(answers).toHaveCount(2);
  await expect(answers.nth(0)).toHaveAttribute('data-model', benchModels.a);
  await expect(answers.nth(1)).toHaveAttribute('data-model', benchModels.b);
  for (const i of [0, 1]) {
    const side = answers.nth(i);
    await expect(side.getByTestId('side-reply')).not.toBeEmpty();
    await expect(side).toContainText('llama.cpp on CPU');
    for (const name of ['timeToFirstTokenS', 'prefillTokensPerS', 'completionTokens']) expect(Number(await side.locator(`[data-metric="${name}"]`).getAttribute('data-value'))).toBeGreaterThan(0);
  }
  const [left, right] = [await answers.nth(0).boundingBox(), await answers.nth(1).boundingBox()];
  expect(right!.x).toBeGreaterThan(left!.x + left!.width - 1);
  await page.setViewportSize({ width: 390, height: 844 });
  // Both boxes read in one frame, once the narrower layout has settled (the answers re-wrap).
  await expect
    .poll(() => answers.evaluateAll((sides) => sides[1].getBoundingClientRect().top - sides[0].getBoundingClientRect().bottom))
    .toBeGreaterThanOrEqual(-0.5);
});
