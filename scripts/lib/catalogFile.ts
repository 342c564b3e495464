/** Reading and writing a catalog JSON file (`CatalogEntry[]`) for the command-line tools. */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { CatalogEntry } from '../../workers/shared/catalog';
import { checkCatalog } from '../../workers/catalog/checkCatalog';

/** Where `scripts/catalog.ts` and `npm run pin` write by default. */
export const defaultCatalogPath = new URL('../../workers/catalog/catalog.json', import.meta.url);

/** The entries of a catalog file, or `[]` when the file does not exist yet. */
export async function readCatalog(path: string | URL): Promise<CatalogEntry[]> {
  if (!existsSync(path)) return [];
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${String(path)} is not a JSON array of catalog entries`);
  return parsed as CatalogEntry[];
}

/**
 * Writes a catalog after checking it, through a temporary file so an interrupted run never
 * leaves half a catalog behind.
 */
export async function writeCatalog(path: string | URL, entries: CatalogEntry[]): Promise<void> {
  const problems = checkCatalog(entries);
  if (problems.length > 0) {
    throw new Error(`Refusing to write an invalid catalog:\n  ${problems.join('\n  ')}`);
  }
  const target = typeof path === 'string' ? path : fileURLToPath(path);
  const temporary = `${target}.${process.pid}.tmp`;
  // Formatted as `npm run format` would, so regenerating and formatting never fight.
  const options = (await resolveConfig(target)) ?? {};
  await writeFile(temporary, await format(JSON.stringify(entries), { ...options, filepath: target }));
  await rename(temporary, target);
}
