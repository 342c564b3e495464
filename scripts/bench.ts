/**
 * `npm run bench`: one Chromium run against the built app and a local model host holding a
 * Llama-3.2-1B-sized MLC set (~770 MB: one ~131 MB shard, then 32 MB shards). Writes
 * bench-results/bench.json and prints a table. Aims are reported, never asserted: machines vary.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { preview } from 'vite';
import { defaultTestRepos, startModelHost } from '../tests/fixtures/modelHost';
import { instrumentation, launchBenchBrowser } from './bench/browser';
import type { RawFile } from './bench/rawBaselines';
import { benchStore, runs } from './bench/storeBench';
import { benchChat } from './bench/chatBench';
import { benchOpenToReady, firstLoadJavaScript } from './bench/openToReady';

const appPort = 4273;
const benchModel = 'Llama-1B-Sized-MLC';

const mb = (bytes: number): number => bytes / 1e6;

async function main(): Promise<void> {
  console.log('Generating the 1B-sized test set (cached in .cache/ after the first run)…');
  const host = await startModelHost({ port: 0, repos: defaultTestRepos({ scale: '1b' }), huggingFace: { cdn: true } });
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
    await page.goto(`http://127.0.0.1:${appPort}/?modelHost=${encodeURIComponent(host.url)}#/models`);
    await page.locator('main[data-ready="true"]').waitFor();

    console.log(`Set: ${files.length} files, ${mb(totalBytes).toFixed(0)} MB, largest ${mb(largest).toFixed(0)} MB; LFS files 302 to the CDN origin`);
    console.log(`Part 1: the store, ${runs} runs of each measurement (medians)…`);
    const store = await benchStore(page, host, benchModel, files, (line) => console.log(line));
    const results = { when: new Date().toISOString(), set: { files: files.length, bytes: totalBytes, largestFile: largest }, ...store };
    console.log('\nPart 2: a 500-token reply on the CPU engine, through the app and with wllama directly; threads 1 against 2; an 8-turn conversation…');
    const gguf = catalog.find((e) => e.id === 'Bench-Llama-GGUF');
    const ggufFile = gguf?.files.find((f) => f.path.endsWith('.gguf'));
    if (!gguf || !ggufFile) throw new Error('Bench-Llama-GGUF missing from the test host');
    const ggufUrl = `${host.url}/${gguf.source.repo}/resolve/${gguf.source.revision}/${ggufFile.path}`;
    const chat = await benchChat(browser.context, page, host.url, ggufUrl);
    console.log('\nPart 3: open to ready (navigation to the composer accepting a message, the model loaded) against its raw parts…');
    const openToReady = await benchOpenToReady(browser.context, `http://127.0.0.1:${appPort}/`, { modelId: gguf.id, ggufUrl, threads: chat.model.threads, nCtx: chat.model.contextWindow });
    const javascript = await firstLoadJavaScript(`http://127.0.0.1:${appPort}/?modelHost=${encodeURIComponent(host.url)}`);
    Object.assign(results, { chat, openToReady, javascript });
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/bench.json', JSON.stringify(results, null, 2));
    console.log(`\n| measurement (median of ${runs}) | ms | MB/s | runs, ms |\n|---|---:|---:|---|`);
    for (const r of [...results.rows, ...results.throttled]) console.log(`| ${r.name} | ${r.ms} | ${r.mbPerS} | ${r.runsMs.join(', ')} |`);
    console.log('\n| ratio | value |\n|---|---:|');
    for (const [k, v] of Object.entries(results.ratios)) console.log(`| ${k} | ${v} |`);
    console.log(`\nPeak memory (page + workers): ${mb(results.memory.peakBytes).toFixed(0)} MB over ${results.memory.samples} samples = ${results.memory.peakVsLargestFile}x the largest file`);
    console.log(`Main-thread long tasks during the ${runs} downloads: ${results.mainThreadLongTasksDuringDownload.length} ${JSON.stringify(results.mainThreadLongTasksDuringDownload)}`);
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
    console.log('\n| open to ready (median of 3) | ms |\n|---|---:|');
    console.log(`| navigation to ready (composer accepts a message, model loaded) | ${openToReady.openToReadyMs} |`);
    console.log(`| (1) the page's own load (navigation to load event) | ${openToReady.parts.pageLoadMs} |`);
    console.log(`| (2) raw IndexedDB read of the model's bytes | ${openToReady.parts.idbReadMs} |`);
    console.log(`| (3) the engine's load alone (wllama, model in memory) | ${openToReady.parts.engineLoadMs} |`);
    console.log(`| sum of the parts | ${openToReady.sumMs} |`);
    console.log(`Ratio open-to-ready / sum: ${openToReady.ratio} (aim ≤ 1.15); runs: ${JSON.stringify(openToReady.runs)}`);
    console.log(`\nFirst-load JavaScript (gzip): page ${javascript.pageKb} KB (${javascript.pageFiles.join(', ')}); store worker ${javascript.storeWorkerKb} KB; on demand: ${javascript.onDemand.map((f) => `${f.file} ${f.kb} KB`).join(', ')}. Aim: page under 120 KB.`);
    console.log('\nWritten to bench-results/bench.json');
  } finally {
    await browser.close();
    await server.close();
    await host.close();
  }
}

await main();
