import type { CatalogEntry } from '../shared/catalog';
import type { HostProblem } from '../shared/hostStatus';
import { builtinCatalog } from '../catalog/catalog';
import { storeDb } from './schema';

/** What a host's list gave: its entries (kept ones when it could not be asked) and any problem. */
export interface HostCatalog {
  entries: CatalogEntry[];
  problem: HostProblem | null;
}

const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

function problem(kind: HostProblem['kind'], hostUrl: string, url: string, response: Response | null, description: string): HostProblem {
  return { kind, hostUrl, url, status: response?.status ?? 0, contentType: response?.headers.get('content-type') ?? '', description };
}

const isJson = (response: Response): boolean => /\bjson\b/i.test(response.headers.get('content-type') ?? '');

async function ask(url: string): Promise<Response | null> {
  try {
    return await fetch(url, { cache: 'no-store' });
  } catch {
    return null;
  }
}

/**
 * A host without a list of its own must still be a Hugging Face–style host: its model API
 * answers JSON (even a "not found" for a repository it does not mirror). A web page, a server
 * error or no answer means downloads from it cannot work, and the user should hear it now.
 */
async function checkHubApi(hostUrl: string): Promise<HostProblem | null> {
  const repo = builtinCatalog[0]?.source.repo ?? 'meta-llama/Llama-3.2-1B-Instruct';
  const url = new URL(`api/models/${repo}/revision/main`, withSlash(hostUrl)).href;
  const response = await ask(url);
  if (!response) return problem('unreachable', hostUrl, url, null, 'Nothing answered: the host is offline, the address is wrong, or it does not allow this site (CORS).');
  if (response.status >= 500) return problem('host-error', hostUrl, url, response, `The host answered with a server error (${response.status}).`);
  if (!isJson(response)) return problem('not-a-hub', hostUrl, url, response, 'The host answered with a web page instead of a Hugging Face–style model API.');
  return null;
}

/**
 * The catalog a model host publishes. It is fetched on the first visit to a host and when the
 * user asks (changing or refreshing the host); otherwise the copy kept from then is used, so
 * opening the app sends nothing to the model host: it hears from us only while downloading.
 * A host that does not answer as a model host is not remembered: it is asked again next time.
 */
export async function readHostCatalog(hostUrl: string, refresh: boolean): Promise<HostCatalog> {
  const db = await storeDb();
  const kept = await db.get('hostCatalogs', hostUrl);
  if (kept && !refresh) return { entries: kept.entries, problem: null };
  const keptEntries = kept?.entries ?? [];
  // Offline is not the host's fault: the page says it is offline; use what was kept.
  if (globalThis.navigator?.onLine === false) return { entries: keptEntries, problem: null };
  const url = new URL('hearth-catalog.json', withSlash(hostUrl)).href;
  const response = await ask(url);
  if (!response) {
    return { entries: keptEntries, problem: problem('unreachable', hostUrl, url, null, 'Nothing answered: the host is offline, the address is wrong, or it does not allow this site (CORS).') };
  }
  if (response.status >= 500) return { entries: keptEntries, problem: problem('host-error', hostUrl, url, response, `The host answered with a server error (${response.status}).`) };
  let entries: CatalogEntry[] = [];
  if (response.ok) {
    const body = isJson(response) ? await response.json().catch(() => undefined) : undefined;
    if (!Array.isArray(body)) {
      const what = isJson(response) ? 'something that is not a model list' : 'a web page';
      return { entries: keptEntries, problem: problem('not-a-hub', hostUrl, url, response, `The host answered ${what} where its model list should be.`) };
    }
    entries = body as CatalogEntry[];
  } else {
    // No list of its own (Hugging Face itself has none): it must still speak the Hub API.
    const hubProblem = await checkHubApi(hostUrl);
    if (hubProblem) return { entries: keptEntries, problem: hubProblem };
  }
  await db.put('hostCatalogs', { hostUrl, entries, fetchedAt: Date.now() });
  return { entries, problem: null };
}
