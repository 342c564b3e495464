/**
 * `npm run soak`: the full fault soak (scripts/soak/soakRun.ts) against the built app and the
 * local Hugging Face–like test host, loopback only, bounded: 220 downloads by default
 * (`--downloads N`, `--seed S`). Prints the count per fault and exits non-zero on any violation.
 */
import { preview } from 'vite';
import { defaultTestRepos, startModelHost } from '../tests/fixtures/modelHost';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../playwright.config';
import { faultKinds, runSoak } from './soak/soakRun';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const downloads = Number(arg('downloads') ?? 220);
const seed = Number(arg('seed') ?? Date.now() % 1_000_000);
const appPort = 4274;
const quotaBytes = 64 << 20;

const host = await startModelHost({ port: 0, repos: defaultTestRepos(), huggingFace: true });
const server = await preview({ preview: { port: appPort, strictPort: true, host: '127.0.0.1' }, logLevel: 'warn' });
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
let failed: boolean;
try {
  const origin = `http://127.0.0.1:${appPort}`;
  const context = await browser.newContext();
  console.log(`Soak: ${downloads} downloads, seed ${seed}, faults: ${faultKinds.join(', ')}`);
  const result = await runSoak({
    context,
    newContext: () => browser.newContext(),
    appUrl: `${origin}/?modelHost=${encodeURIComponent(host.url)}`,
    host,
    downloads,
    seed,
    quotaBytes,
    log: (line) => console.log(line),
  });
  console.log('\n| fault | downloads |\n|---|---:|');
  for (const [kind, count] of Object.entries(result.counts)) console.log(`| ${kind} | ${count} |`);
  console.log(`\n${downloads} downloads in ${(result.ms / 1000).toFixed(0)} s; violations: ${result.violations.length}`);
  for (const v of result.violations) console.log(`  VIOLATION ${v}`);
  failed = result.violations.length > 0;
} finally {
  await browser.close();
  await server.close();
  await host.close();
}
process.exit(failed ? 1 : 0);
