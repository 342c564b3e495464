import { TypedError } from '../shared/errors';
import { droppedError, isRetryableStatus, openBody, type BodyRequest, type OpenBody } from './fetchBody';
import { maxRetryAfterMs, sleep } from './hubClient';

/** How hard a file download tries. */
export interface RetryPolicy {
  retries: number;
  retryDelayMs: number;
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof DOMException && error.name === 'AbortError');
}

/**
 * Streams a file from `position()` on until `size` bytes are in (or the body ends, when the size
 * is unknown), retrying what a retry can fix: a dropped connection, a body that ended early, a
 * 5xx, a 429 (after its `Retry-After`). Each retry goes back to the file's own URL (a CDN's
 * signed URL expires) with `Range` from where the bytes stopped, and never asks past the end:
 * a file whose bytes are all in is not requested again. `consume` reads each open body; what it
 * throws that is not a network error (a storage failure, an integrity error) ends the download.
 */
export async function streamWithRetries(
  file: BodyRequest,
  size: number,
  signal: AbortSignal,
  policy: RetryPolicy,
  position: () => number,
  consume: (body: OpenBody) => Promise<void>,
): Promise<void> {
  let failures = 0;
  for (;;) {
    const before = position();
    if (size >= 0 && before >= size) return;
    try {
      const body = await openBody(file, before, signal);
      if (body.reader) await consume(body);
      if (size < 0 || position() >= size) return;
      throw droppedError(file, 'The body ended early');
    } catch (error) {
      if (isAbort(error, signal)) throw error;
      const detail = error instanceof TypedError ? error.detail : undefined;
      if (detail?.name !== 'NetworkError' || !isRetryableStatus(detail.status)) throw error;
      // Progress resets the budget: a long download may survive many separate drops.
      failures = position() > before ? 1 : failures + 1;
      if (failures > policy.retries) throw error;
      const wait = detail.retryAfterMs ?? policy.retryDelayMs * 2 ** (failures - 1);
      if (wait > maxRetryAfterMs) throw error;
      await sleep(wait, signal);
    }
  }
}
