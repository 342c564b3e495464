/**
 * `npm run bench`: one Chromium run against the built app and a local model host holding a
 * Llama-3.2-1B-sized MLC set (~770 MB: one ~131 MB shard, then 32 MB shards). Writes
 * bench-results/bench.json and prints a table. Aims are reported, never asserted: machines vary.
 *
 * While iterating on the store (the machine's browser lock is shared): `npm run bench -- --part=1`
 * runs part 1 only (written to bench-part1.json), `--part=2` part 2 only (bench-part2.json); `--runs=N` instead of three runs;
 * `--only=ours,throttled` picks part 1's measurements (`measurements` in storeBench.ts);
 * `--profile` adds one traced download of ours at each rate, with per-file timelines.
 * NO_PAGE_MEMORY=1 samples process memory only (the page's own measure costs the page a little).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { preview } from 'vite';
import { defaultTestRepos, startModelHost } from '../tests/fixtures/modelHost';
import { instrumentation, launchBenchBrowser } from './bench/browser';
import type { RawFile } from './bench/rawBaselines';
import { benchStore, measurements, type Measurement, type StoreBenchResult } from './bench/storeBench';
import { benchChat, type ChatBenchResult } from './bench/chatBench';
import { benchOpenToReady, firstLoadJavaScript } from './bench/openToReady';

const appPort = 4273;
const benchModel = 'Llama-1B-Sized-MLC';

const mb = (bytes: number): number => bytes / 1e6;

const { values: flags } = parseArgs({ options: { part: { type: 'string' }, runs: { type: 'string' }, only: { type: 'string' }, profile: { type: 'boolean' } } });
const partOneOnly = flags.part === '1';
const runs = Number(flags.runs ?? 3);
const only = new Set((flags.only?.split(',') ?? measurements) as Measurement[]);
for (const m of only) if (!measurements.includes(m)) throw new Error(`--only: no measurement "${m}" (${measurements.join(', ')})`);

/** Part 1's tables: rows, ratios, memory, CPU, long tasks, aims. */
function printStore(store: StoreBenchResult, largest: number): void {
  console.log(`\n| measurement (median of ${runs}) | ms | MB/s | runs, ms |\n|---|---:|---:|---|`);
  for (const r of [...store.rows, ...store.throttled]) console.log(`| ${r.name} | ${r.ms} | ${r.mbPerS} | ${r.runsMs.join(', ')} |`);
  console.log('\n| ratio | value |\n|---|---:|');
  for (const [k, v] of Object.entries(store.ratios)) console.log(`| ${k} | ${v ?? 'not measured'} |`);
  const m = store.memory;
  console.log(`\nPeak memory of the page + its workers (measureUserAgentSpecificMemory): ${mb(m.pagePeakBytes).toFixed(0)} MB over ${m.pageSamples} samples = ${m.pagePeakVsLargestFile}x the largest file (${mb(largest).toFixed(0)} MB)`);
  for (const r of m.runs) console.log(`  run: ${mb(r.pagePeakBytes).toFixed(0)} MB (${Object.entries(r.pagePeakByRealm).map(([k, v]) => `${k} ${mb(v).toFixed(0)}`).join(', ')}); slowest sample ${r.pageSlowestSampleMs} ms, ${r.pageTimeouts} unanswered`);
  console.log(`  anonymous resident memory, peak: renderers ${mb(m.rendererPeakBytes).toFixed(0)} MB, whole browser ${mb(m.browserPeakBytes).toFixed(0)} MB (at each run's start: ${m.runs.map((r) => `${mb(r.rendererStartBytes).toFixed(0)}/${mb(r.browserStartBytes).toFixed(0)}`).join(', ')} MB)`);
  console.log(`CPU seconds by process, ours: ${JSON.stringify(store.cpu.ours)}\n  raw (e): ${JSON.stringify(store.cpu.fetchAndWrite)}\n  ours at 40 MB/s: ${JSON.stringify(store.cpu.oursThrottled)}`);
  console.log(`Main-thread long tasks during the downloads: ${store.mainThreadLongTasksDuringDownload.length} ${JSON.stringify(store.mainThreadLongTasksDuringDownload)}`);
  console.log('\nAims:', store.aims);
}

/** Part 2's tables: the reply through the app against wllama directly, threads, the conversation. */
function printChat(chat: ChatBenchResult): void {
  console.log('\n| CPU engine, 500-token reply | through Hearth | wllama directly |\n|---|---:|---:|');
  console.log(`| decode tok/s (engine timings) | ${chat.app.decodePerS} | ${chat.direct.decodePerS} |`);
  console.log(`| streamed tok/s (first to last token) | ${chat.app.streamTokensPerS} | ${chat.direct.streamTokensPerS} |`);
  console.log(`| Send to first token, ms | ${chat.app.sendToFirstTokenMs} | ${chat.direct.firstTokenMs} (call to first token) |`);
  console.log(`| completion tokens | ${chat.app.completionTokens} | ${chat.direct.completionTokens} |`);
  console.log(`Ratios app/direct: decode ${chat.ratios.decodeAppVsDirect}, streamed ${chat.ratios.streamAppVsDirect}; main-thread long tasks during the reply: ${chat.app.longTasks.length} ${JSON.stringify(chat.app.longTasks)}`);
  for (const t of chat.app.longTasks.length ? chat.app.longTaskSources : []) console.log(`  long task of ${t.ms} ms, ${t.atMs} ms after Send: ${t.scripts.join('; ') || 'no script named (rendering, GC or the browser)'}`);
  console.log(`Main thread busy during the reply: ${Math.round(chat.app.mainThreadBusy * 100)}% of a core; app/direct decode with one thread: ${chat.ratios.decodeAppVsDirectOneThread}`);
  console.log('\n| threads | decode tok/s, app | streamed tok/s, app | decode tok/s, direct |\n|---:|---:|---:|---:|');
  for (const t of chat.threads) console.log(`| ${t.threads} | ${t.decodePerS} | ${t.streamTokensPerS} | ${t.directDecodePerS} |`);
  console.log(`\n| turn | prompt tokens | from cache | llama.cpp prompt, ms | engine first token, ms | send to first token, ms | decode tok/s |\n|---:|---:|---:|---:|---:|---:|---:|`);
  for (const t of chat.conversation.turns) console.log(`| ${t.turn} | ${t.promptTokens} | ${t.cachedTokens} | ${t.llamaPromptMs} | ${t.engineFirstTokenMs} | ${t.sendToFirstTokenMs} | ${t.decodePerS} |`);
  const noReuse = chat.conversation.withoutReuse;
  console.log(`Turn 8 / turn 1 first token: ${chat.conversation.turn8VsTurn1}x with the cache (aim <= 1.5), ${chat.conversation.backToBack.turn8VsTurn1}x with each message sent the moment the reply ends; without it (wllama direct, cache_prompt off): ${noReuse.turn1Ms} -> ${noReuse.turn8Ms} ms = ${noReuse.turn8VsTurn1}x`);
  const typed = chat.conversation.typed;
  console.log(`\nThe same conversations with each message typed key by key (${typed.msPerChar} ms a character) and sent at the last key; llama.cpp reads it while it is typed:\n| turn | prompt tokens | from cache | llama.cpp prompt, ms | engine first token, ms | send to first token, ms | decode tok/s |\n|---:|---:|---:|---:|---:|---:|---:|`);
  for (const t of typed.turns) console.log(`| ${t.turn} | ${t.promptTokens} | ${t.cachedTokens} | ${t.llamaPromptMs} | ${t.engineFirstTokenMs} | ${t.sendToFirstTokenMs} | ${t.decodePerS} |`);
  console.log(`Turn 8 / turn 1 first token, typed: ${typed.turn8VsTurn1}x (aim <= 1.5)`);
  const oneB = chat.conversation.on1BLayers;
  console.log(`\nThe same conversations on ${oneB.shape}:\n| turn | prompt tokens | from cache | llama.cpp prompt, ms | engine first token, ms | send to first token, ms | decode tok/s |\n|---:|---:|---:|---:|---:|---:|---:|`);
  for (const t of oneB.turns) console.log(`| ${t.turn} | ${t.promptTokens} | ${t.cachedTokens} | ${t.llamaPromptMs} | ${t.engineFirstTokenMs} | ${t.sendToFirstTokenMs} | ${t.decodePerS} |`);
  console.log(`Turn 8 / turn 1 first token on the 1B's layers: ${oneB.turn8VsTurn1}x (aim <= 1.5)\n`);
  const curve = chat.conversation.newTokensAtTurn8;
  console.log(`\n| new tokens after ${curve.cachedTokens} cached (llama.cpp alone) | prompt ms, as the app loads it (${chat.model.kvCache}) | prompt ms, llama.cpp's defaults (f16, flash attention auto) |\n|---:|---:|---:|`);
  for (const r of curve.rows) console.log(`| ${r.newTokens} | ${r.appMs} | ${r.defaultsMs} |`);
  const deep = chat.conversation.decodeAtTurn8;
  console.log(`Decode after the turn-8 prompt (llama.cpp alone): ${deep.appPerS} tok/s as the app loads it, ${deep.defaultsPerS} with llama.cpp's defaults`);
  const past = chat.pastF32Budget;
  console.log(`\nPast the f32 budget (llama.cpp alone, ${past.model.shape}, ${past.model.contextWindow}-token window, ${past.model.threads} threads, ${past.model.historyTokens}-token history):`);
  console.log(`| | as the app asks for the 3B (${past.asked.app}) | llama.cpp's defaults (${past.asked.defaults}) |\n|---|---:|---:|`);
  console.log(`| first prompt (the history), ms | ${past.firstPromptMs.app} | ${past.firstPromptMs.defaults} |`);
  for (const r of past.nextMessage) console.log(`| next message of ${r.newTokens} tokens, ms | ${r.appMs} | ${r.defaultsMs} |`);
  console.log(`| decode after the history, tok/s | ${past.decodeDeepPerS.app} | ${past.decodeDeepPerS.defaults} |`);
  console.log('Chat aims:', chat.aims);
}

/**
 * `npm run bench -- --part=2` (or BENCH_PARTS=2) runs part 2 alone (the CPU engine and the conversation), written to
 * bench-results/bench-part2.json; by default all three parts run.
 */
async function partTwoOnly(): Promise<void> {
  const host = await startModelHost({ port: 0, repos: defaultTestRepos({ scale: '1b' }), huggingFace: { cdn: true } });
  const server = await preview({ preview: { port: appPort, strictPort: true, host: '127.0.0.1' }, logLevel: 'warn' });
  const browser = await launchBenchBrowser();
  try {
    const catalog = await host.catalog();
    const gguf = catalog.find((e) => e.id === 'Bench-Llama-GGUF');
    const ggufFile = gguf?.files.find((f) => f.path.endsWith('.gguf'));
    if (!gguf || !ggufFile) throw new Error('Bench-Llama-GGUF missing from the test host');
    const page = await browser.context.newPage();
    await page.addInitScript(instrumentation);
    await page.goto(`http://127.0.0.1:${appPort}/?modelHost=${encodeURIComponent(host.url)}#/models`);
    await page.locator('main[data-ready="true"]').waitFor();
    console.log('Part 2: a 500-token reply on the CPU engine, through the app and with wllama directly; threads 1 against 2; an 8-turn conversation…');
    const chat = await benchChat(browser.context, page, host.url, `${host.url}/${gguf.source.repo}/resolve/${gguf.source.revision}/${ggufFile.path}`, gguf);
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/bench-part2.json', JSON.stringify({ when: new Date().toISOString(), chat }, null, 2));
    printChat(chat);
    console.log('\nWritten to bench-results/bench-part2.json');
  } finally {
    await browser.close();
    await server.close();
    await host.close();
  }
}

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
    const store = await benchStore(page, host, benchModel, files, { runs, only, profile: flags.profile ?? false, profileDir: browser.profileDir }, (line) => console.log(line));
    const results = { when: new Date().toISOString(), set: { files: files.length, bytes: totalBytes, largestFile: largest }, ...store };
    printStore(store, largest);
    if (partOneOnly) {
      mkdirSync('bench-results', { recursive: true });
      writeFileSync('bench-results/bench-part1.json', JSON.stringify(results, null, 2));
      console.log('\nWritten to bench-results/bench-part1.json');
      return;
    }
    console.log('\nPart 2: a 500-token reply on the CPU engine, through the app and with wllama directly; threads 1 against 2; an 8-turn conversation…');
    const gguf = catalog.find((e) => e.id === 'Bench-Llama-GGUF');
    const ggufFile = gguf?.files.find((f) => f.path.endsWith('.gguf'));
    if (!gguf || !ggufFile) throw new Error('Bench-Llama-GGUF missing from the test host');
    const ggufUrl = `${host.url}/${gguf.source.repo}/resolve/${gguf.source.revision}/${ggufFile.path}`;
    const chat = await benchChat(browser.context, page, host.url, ggufUrl, gguf);
    console.log('\nPart 3: open to ready (navigation to the composer accepting a message, the model loaded) against its raw parts…');
    const openToReady = await benchOpenToReady(browser.context, `http://127.0.0.1:${appPort}/`, { modelId: gguf.id, ggufUrl, threads: chat.model.threads, nCtx: chat.model.contextWindow, kvValuesPerToken: gguf.kvValuesPerToken, kvHeadSizes: gguf.kvHeadSizes });
    const javascript = await firstLoadJavaScript(`http://127.0.0.1:${appPort}/?modelHost=${encodeURIComponent(host.url)}`);
    Object.assign(results, { chat, openToReady, javascript });
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/bench.json', JSON.stringify(results, null, 2));
    printChat(chat);
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

if (flags.part === '2' || process.env.BENCH_PARTS === '2') await partTwoOnly();
else await main();
