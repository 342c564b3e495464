import type { CatalogEntry } from '../shared/catalog';
import { storeDb } from './schema';

const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

/**
 * The catalog a model host publishes. It is fetched on the first visit to a host and when the
 * user asks (changing or refreshing the host); otherwise the copy kept from then is used, so
 * opening the app sends nothing to the model host: it hears from us only while downloading.
 * Only a definite answer is remembered (a list, or 404 "no list": Hugging Face itself has
 * none); a 5xx, a web page or no answer is not, and the host is asked again next time.
 */
export async function readHostCatalog(hostUrl: string, refresh: boolean): Promise<CatalogEntry[]> {
  const db = await storeDb();
  const kept = await db.get('hostCatalogs', hostUrl);
  if (kept && !refresh) return kept.entries;
  let response: Response;
  try {
    response = await fetch(new URL('hearth-catalog.json', withSlash(hostUrl)), { cache: 'no-store' });
  } catch {
    return kept?.entries ?? [];
  }
  let entries: CatalogEntry[];
  if (response.status === 404) entries = [];
  else {
    const body: unknown = response.ok ? await response.json().catch(() => undefined) : undefined;
    if (!Array.isArray(body)) return kept?.entries ?? [];
    entries = body as CatalogEntry[];
  }
  await db.put('hostCatalogs', { hostUrl, entries, fetchedAt: Date.now() });
  return entries;
}
