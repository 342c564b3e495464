/**
 * `npm run bench`: one Chromium run against the built app and a local model host holding a
 * Llama-3.2-1B-sized MLC set (~770 MB: one ~131 MB shard, then 32 MB shards). Writes
 * bench-results/bench.json and prints a table. Aims are reported, never asserted: machines vary.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { preview } from 'vite';
import { defaultTestRepos, startModelHost } from '../tests/fixtures/modelHost';
import { instrumentation, launchBenchBrowser } from './bench/browser';
import { baselineWorkerSource, type RawFile } from './bench/rawBaselines';
import { benchChat } from './bench/chatBench';

const appPort = 4273;
const benchModel = 'Llama-1B-Sized-MLC';

interface Row {
  name: string;
  ms: number;
  mbPerS: number;
}

const mb = (bytes: number): number => bytes / 1e6;

async function main(): Promise<void> {
  console.log('Generating the 1B-sized test set (cached in .cache/ after the first run)…');
  const host = await startModelHost({ port: 0, repos: defaultTestRepos({ scale: '1b' }) });
  const server = await preview({ preview: { port: appPort, strictPort: true, host: '127.0.0.1' }, logLevel: 'warn' });
  const browser = await launchBenchBrowser();
  try {
    const catalog = await host.catalog();
    const entry = catalog.find((e) => e.id === benchModel);
    if (!entry?.modelLib) throw new Error(`${benchModel} missing from the test host`);
    const base = `${host.url}/${entry.source.repo}/resolve/${entry.source.revision}/`;
    const files: RawFile[] = [
      ...entry.files.map((f) => ({ url: base + f.path, size: f.size ?? 0 })),
      { url: new URL(entry.modelLib.url, host.url).href, size: entry.modelLib.size ?? 0 },
    ];
    const totalBytes = files.reduce((s, f) => s + f.size, 0);
    const largest = Math.max(...files.map((f) => f.size));
    const page = await browser.context.newPage();
    await page.addInitScript(instrumentation);
    await page.goto(`http://127.0.0.1:${appPort}/?bench&modelHost=${encodeURIComponent(host.url)}`);
    await page.locator('main[data-ready="true"]').waitFor();

    const runBaseline = (name: string): Promise<number> =>
      page.evaluate(
        async ({ source, name, files }) => {
          const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
          const result = await new Promise<{ ms?: number; error?: string }>((resolve) => {
            worker.onmessage = (e) => resolve(e.data);
            worker.postMessage({ name, files });
          });
          worker.terminate();
          if (result.error) throw new Error(result.error);
          return result.ms as number;
        },
        { source: baselineWorkerSource, name, files },
      );
    const row = (name: string, ms: number): Row => ({ name, ms: Math.round(ms), mbPerS: Math.round((mb(totalBytes) / ms) * 1000) });

    console.log(`Set: ${files.length} files, ${mb(totalBytes).toFixed(0)} MB, largest ${mb(largest).toFixed(0)} MB`);
    // Warm the host's file cache so the first measurement is not penalised.
    await runBaseline('fetch');
    const rawFetch = row('(a) raw fetch, 4 parallel, nothing stored', await runBaseline('fetch'));
    const rawWrite = row('(b) raw IndexedDB write, no fetch/hash', await runBaseline('idbWrite'));
    const rawRead = row('(d) raw IndexedDB read', await runBaseline('idbRead'));
    const rawPipeline = row('(e) raw fetch + IndexedDB write together, no hash', await runBaseline('fetchAndWrite'));
    await runBaseline('cleanup');
    const cacheAdd = row('(c) web-llm default: Cache API add x4, unverified', await runBaseline('cacheAdd'));
    await runBaseline('cleanup');

    // Ours, through the UI: click Download, wait until every file is verified and stored.
    await page.evaluate((sampleMemory) => {
      const w = window as unknown as { __longTasks: unknown[]; __sampleMemory: () => Promise<void> };
      w.__longTasks = [];
      if (sampleMemory) void w.__sampleMemory();
    }, !process.env.NO_MEM);
    const row1 = page.locator(`[data-model="${benchModel}"]`);
    // The licence dialog comes first; the clock starts when Accept starts the download.
    await row1.getByRole('button', { name: /^Download/ }).click();
    const dialog = page.getByTestId('licence-dialog');
    await dialog.getByRole('checkbox').check();
    const started = Date.now();
    await dialog.getByRole('button', { name: 'Accept and download' }).click();
    await row1.and(page.locator('[data-status="cached"]')).waitFor({ timeout: 600_000 });
    const ours = row('Hearth: download + SHA-256 + store', Date.now() - started);
    const during = await page.evaluate(() => {
      const w = window as unknown as { __longTasks: { duration: number }[]; __memory: { peak: number; samples: number; running: boolean } };
      w.__memory.running = false;
      return { longTasks: w.__longTasks.map((t) => Math.round(t.duration)), peak: w.__memory.peak, samples: w.__memory.samples };
    });

    const warm = await page.evaluate(async (id) => {
      const store = (globalThis as unknown as { hearthStore: { check(id: string, depth: string): Promise<{ ok: boolean; ms: number; bytesChecked: number }> } }).hearthStore;
      // What the engine load checks (no bytes read; the engine reads them next), a read-back of
      // every byte (the warm load compared with a raw read), and the full re-hash of "Verify".
      const presence = await store.check(id, 'presence');
      const sizeCheck = await store.check(id, 'size');
      const rehash = await store.check(id, 'hash');
      return { presence, sizeCheck, rehash };
    }, benchModel);
    if (!warm.presence.ok || !warm.sizeCheck.ok || !warm.rehash.ok) throw new Error('warm load check failed');
    const presenceCheck = row('Hearth load-time check (presence, no bytes read)', warm.presence.ms);
    const warmLoad = row('Hearth warm load: check + read back', warm.sizeCheck.ms);
    const warmRehash = row('Hearth warm load with full re-hash', warm.rehash.ms);

    const limit = Math.min(rawFetch.mbPerS, rawWrite.mbPerS);
    const results = {
      when: new Date().toISOString(),
      set: { files: files.length, bytes: totalBytes, largestFile: largest },
      rows: [rawFetch, rawWrite, rawPipeline, cacheAdd, ours, rawRead, presenceCheck, warmLoad, warmRehash],
      ratios: {
        oursVsSlowerOfFetchAndWrite: +(ours.mbPerS / limit).toFixed(3),
        oursVsRawFetchAndWriteTogether: +(ours.mbPerS / rawPipeline.mbPerS).toFixed(3),
        oursTimeVsWebllmDefault: +(ours.ms / cacheAdd.ms).toFixed(3),
        warmLoadTimeVsRawRead: +(warmLoad.ms / rawRead.ms).toFixed(3),
        rehashTimeVsRawRead: +(warmRehash.ms / rawRead.ms).toFixed(3),
      },
      memory: {
        peakBytes: during.peak,
        samples: during.samples,
        peakVsLargestFile: +(during.peak / largest).toFixed(3),
      },
      mainThreadLongTasksDuringDownload: during.longTasks,
      aims: {
        oursAtLeast090OfLimit: ours.mbPerS >= 0.9 * limit,
        oursNoSlowerThan110OfWebllmDefault: ours.ms <= 1.1 * cacheAdd.ms,
        warmLoadWithin120OfRawRead: warmLoad.ms <= 1.2 * rawRead.ms,
        peakHeapUnderTwiceLargestFile: during.samples > 0 && during.peak < 2 * largest,
        zeroLongTasks: during.longTasks.length === 0,
      },
    };
    console.log('\nPart 2: a 500-token reply on the CPU engine, through the app and with wllama directly; threads 1 against 2; an 8-turn conversation…');
    const gguf = catalog.find((e) => e.id === 'Bench-Llama-GGUF');
    const ggufFile = gguf?.files.find((f) => f.path.endsWith('.gguf'));
    if (!gguf || !ggufFile) throw new Error('Bench-Llama-GGUF missing from the test host');
    const chat = await benchChat(browser.context, page, host.url, `${host.url}/${gguf.source.repo}/resolve/${gguf.source.revision}/${ggufFile.path}`);
    Object.assign(results, { chat });
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/bench.json', JSON.stringify(results, null, 2));
    console.log('\n| measurement | ms | MB/s |\n|---|---:|---:|');
    for (const r of results.rows) console.log(`| ${r.name} | ${r.ms} | ${r.mbPerS} |`);
    console.log('\n| ratio | value |\n|---|---:|');
    for (const [k, v] of Object.entries(results.ratios)) console.log(`| ${k} | ${v} |`);
    console.log(`\nPeak memory (page + workers): ${mb(during.peak).toFixed(0)} MB over ${during.samples} samples = ${results.memory.peakVsLargestFile}x the largest file`);
    console.log(`Main-thread long tasks during the download: ${during.longTasks.length} ${JSON.stringify(during.longTasks)}`);
    console.log('\nAims:', results.aims);
    console.log('\n| CPU engine, 500-token reply | through Hearth | wllama directly |\n|---|---:|---:|');
    console.log(`| decode tok/s (engine timings) | ${chat.app.decodePerS} | ${chat.direct.decodePerS} |`);
    console.log(`| streamed tok/s (first to last token) | ${chat.app.streamTokensPerS} | ${chat.direct.streamTokensPerS} |`);
    console.log(`| Send to first token, ms | ${chat.app.sendToFirstTokenMs} | ${chat.direct.firstTokenMs} (call to first token) |`);
    console.log(`| completion tokens | ${chat.app.completionTokens} | ${chat.direct.completionTokens} |`);
    console.log(`Ratios app/direct: decode ${chat.ratios.decodeAppVsDirect}, streamed ${chat.ratios.streamAppVsDirect}; main-thread long tasks during the reply: ${chat.app.longTasks.length} ${JSON.stringify(chat.app.longTasks)}`);
    console.log(`Main thread busy during the reply: ${Math.round(chat.app.mainThreadBusy * 100)}% of a core; app/direct decode with one thread: ${chat.ratios.decodeAppVsDirectOneThread}`);
    console.log('\n| threads | decode tok/s, app | streamed tok/s, app | decode tok/s, direct |\n|---:|---:|---:|---:|');
    for (const t of chat.threads) console.log(`| ${t.threads} | ${t.decodePerS} | ${t.streamTokensPerS} | ${t.directDecodePerS} |`);
    console.log(`\n| turn | prompt tokens | from cache | engine first token, ms | send to first token, ms |\n|---:|---:|---:|---:|---:|`);
    for (const t of chat.conversation.turns) console.log(`| ${t.turn} | ${t.promptTokens} | ${t.cachedTokens} | ${t.engineFirstTokenMs} | ${t.sendToFirstTokenMs} |`);
    const noReuse = chat.conversation.withoutReuse;
    console.log(`Turn 8 / turn 1 first token: ${chat.conversation.turn8VsTurn1}x with the cache (aim <= 1.5); without it (wllama direct, cache_prompt off): ${noReuse.turn1Ms} -> ${noReuse.turn8Ms} ms = ${noReuse.turn8VsTurn1}x`);
    console.log('Chat aims:', chat.aims);
    console.log('\nWritten to bench-results/bench.json');
  } finally {
    await browser.close();
    await server.close();
    await host.close();
  }
}

await main();
