import { TypedError, type NetworkError } from '../shared/errors';
import { answerError, hostError, isWebPage, unreachable } from './hubClient';

/** An open response body positioned at `start`; `reader` is null when nothing is left to read. */
export interface OpenBody {
  reader: ReadableStreamDefaultReader<Uint8Array> | null;
  /** Offset of the body's first byte (0 when the host ignored our Range). */
  start: number;
}

/** The file being fetched, for requests and the errors they raise. */
export interface BodyRequest {
  modelId: string;
  path: string;
  url: string;
  repo: string;
}

/** Statuses worth retrying: the host is busy or failing, not refusing. */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** A network failure in the middle of a body (or a body that ended early), as our typed error. */
export function droppedError(file: BodyRequest, how = 'The connection dropped'): TypedError<NetworkError> {
  return new TypedError({ name: 'NetworkError', message: `${how} while fetching ${file.path}.`, modelId: file.modelId, path: file.path, url: file.url, status: 0 });
}

/** Reads the next piece of a body; a failure of the connection is a dropped-connection error. */
export async function readOrDrop(reader: ReadableStreamDefaultReader<Uint8Array>, file: BodyRequest, signal: AbortSignal): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (error) {
    if (signal.aborted) throw error;
    throw droppedError(file);
  }
}

async function snippetOf(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const { value } = await reader.read().catch(() => ({ value: undefined }));
  await reader.cancel().catch(() => {});
  return value ? new TextDecoder().decode(value.subarray(0, 400)) : '';
}

/**
 * Requests a file from `offset` on. Only a `Range` header is sent (CORS-safelisted: no
 * preflight, which Hugging Face's Xet bridge has refused at times), and redirects are
 * followed, so the request reaches the CDN the host sends it to. `cache: 'no-store'` keeps the
 * HTTP cache from holding a second copy of every model byte.
 */
export async function openBody(file: BodyRequest, offset: number, signal: AbortSignal): Promise<OpenBody> {
  let response: Response;
  try {
    response = await fetch(file.url, { signal, cache: 'no-store', headers: offset > 0 ? { Range: `bytes=${offset}-` } : undefined });
  } catch (error) {
    if (signal.aborted) throw error;
    throw unreachable(file, error);
  }
  if (response.status === 416) {
    // Asked from the end of the file: every byte is already here.
    const total = /bytes \*\/(\d+)/.exec(response.headers.get('content-range') ?? '');
    await response.body?.cancel();
    if (total && Number(total[1]) === offset) return { reader: null, start: offset };
  }
  if (!response.ok) throw await answerError(file, response);
  // A captive portal or a login page: refused on its headers, before reading a byte of it as the file.
  if (isWebPage(response) && !/\.html?$/i.test(file.path)) throw hostError(file, response, await snippetOf(response), 'a web page');
  if (!response.body) throw droppedError(file, 'The host sent no body');
  let start = 0;
  if (response.status === 206) {
    const match = /bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
    start = match ? Number(match[1]) : 0;
    if (start !== offset) {
      await response.body.cancel();
      throw new TypedError({ name: 'NetworkError', message: `The host returned the wrong byte range for ${file.path}.`, modelId: file.modelId, path: file.path, url: file.url, status: 206 });
    }
  }
  return { reader: response.body.getReader(), start };
}
