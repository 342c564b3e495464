import { TypedError, type NetworkError } from '../shared/errors';

/** An open response body positioned at `start` (0 when the host ignored our Range). */
export interface OpenBody {
  reader: ReadableStreamDefaultReader<Uint8Array>;
  start: number;
}

/** Statuses worth retrying: the host is busy or failing, not refusing. */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

function networkError(
  modelId: string,
  path: string,
  url: string,
  status: number,
  message: string,
  bodySnippet?: string,
): TypedError<NetworkError> {
  return new TypedError({ name: 'NetworkError', message, modelId, path, url, status, bodySnippet });
}

/**
 * Requests a file from `offset` on. `cache: 'no-store'` keeps the browser's HTTP cache from
 * holding a second copy of every model byte.
 */
export async function openBody(
  modelId: string,
  path: string,
  url: string,
  offset: number,
  signal: AbortSignal,
): Promise<OpenBody> {
  let response: Response;
  try {
    response = await fetch(url, {
      signal,
      cache: 'no-store',
      headers: offset > 0 ? { Range: `bytes=${offset}-` } : undefined,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw networkError(modelId, path, url, 0, `The connection to the model host failed while fetching ${path}.`);
  }
  if (!response.ok) {
    const type = response.headers.get('content-type') ?? '';
    const snippet = (await response.text().catch(() => '')).slice(0, 200);
    const what = type.includes('html') ? ' (an HTML page instead of the file)' : '';
    throw networkError(
      modelId,
      path,
      url,
      response.status,
      `The model host answered ${response.status} ${response.statusText || ''}${what} for ${path}.`.replace(/\s+/g, ' '),
      snippet,
    );
  }
  if (!response.body) throw networkError(modelId, path, url, response.status, `Empty response for ${path}.`);
  let start = 0;
  if (response.status === 206) {
    const match = /bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
    start = match ? Number(match[1]) : 0;
    if (start !== offset) {
      await response.body.cancel();
      throw networkError(modelId, path, url, 206, `The host returned the wrong byte range for ${path}.`);
    }
  }
  return { reader: response.body.getReader(), start };
}

/** A network failure in the middle of a body, as our typed error. */
export function droppedError(modelId: string, path: string, url: string): TypedError<NetworkError> {
  return networkError(modelId, path, url, 0, `The connection dropped while fetching ${path}.`);
}

/** Waits `ms`, or rejects when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
