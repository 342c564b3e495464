/**
 * Regenerates workers/catalog/catalog.json from web-llm's prebuiltAppConfig plus our own facts
 * (licence, GGUF builds), keeping whatever `npm run pin` already pinned.
 *
 *   npx tsx scripts/catalog.ts [--catalog <path>]
 */
import { fileURLToPath } from 'node:url';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { buildBuiltinEntries, mergeWithExisting } from './lib/builtinEntries';
import { defaultCatalogPath, readCatalog, writeCatalog } from './lib/catalogFile';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--catalog');
  const path = at >= 0 && args[at + 1] ? args[at + 1] : defaultCatalogPath;

  const generated = buildBuiltinEntries(prebuiltAppConfig.model_list);
  const { entries, report } = mergeWithExisting(generated, await readCatalog(path));
  await writeCatalog(path, entries);

  const shown = typeof path === 'string' ? path : fileURLToPath(path);
  console.log(`Wrote ${entries.length} entries to ${shown}`);
  for (const e of entries) {
    const state = e.source.revision ? `pinned ${e.source.revision.slice(0, 12)}` : 'unpinned';
    console.log(`  ${e.id.padEnd(36)} ${e.engine.padEnd(7)} ${state}`);
  }
  if (report.keptPinned.length) console.log(`Kept pinned data of: ${report.keptPinned.join(', ')}`);
  if (report.keptExtra.length) {
    console.log(`Kept entries this script does not generate: ${report.keptExtra.join(', ')}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
