/**
 * Downloads, verifies and stores one file of a manifest, by where it goes: whole into
 * web-llm's cache (`wholeFile.ts`) or as chunks in our store (`chunkedFile.ts`).
 */
import type { FileState } from '../shared/progress';
import type { ManifestFile } from '../shared/storeProtocol';
import { downloadChunked } from './chunkedFile';
import type { BodyRequest } from './fetchBody';
import type { RetryPolicy } from './retryLoop';
import type { VerifiedFile } from './schema';
import { downloadLimits, type DownloadLimits } from './semaphore';
import { downloadWhole } from './wholeFile';

/** What one file download needs from, and reports to, its model's download. */
export interface FileDownloadContext {
  modelId: string;
  /** The repository, named in errors. */
  repo: string;
  file: ManifestFile;
  signal: AbortSignal;
  /** Bytes of this file received so far (verified or not). */
  onBytes(bytesDone: number): void;
  onState(state: FileState): void;
  /** Shared with the model's other files; a lone file gets its own. */
  limits?: DownloadLimits;
}

/** Tunables, overridable by tests and the benchmark. */
export interface DownloadTuning extends RetryPolicy {
  /** web-llm-bound files at least this large are checkpointed to survive a reload. */
  checkpointMinBytes: number;
  /**
   * A checkpoint needs this many new bytes and this much time since the last one: every
   * checkpointed byte is written twice, so a fast download (which a reload costs little)
   * writes none, and a slow one loses at most a few seconds of it.
   */
  checkpointEveryBytes: number;
  checkpointEveryMs: number;
  /** Largest chunk of a chunk-stored file; small files get smaller chunks. */
  maxChunkBytes: number;
}

export const defaultTuning: DownloadTuning = {
  checkpointMinBytes: 64 << 20,
  checkpointEveryBytes: 32 << 20,
  checkpointEveryMs: 2000,
  maxChunkBytes: 16 << 20,
  retries: 4,
  retryDelayMs: 400,
};

/** The request side of a file download. */
export function bodyRequest(ctx: FileDownloadContext): BodyRequest {
  return { modelId: ctx.modelId, path: ctx.file.path, url: ctx.file.url, repo: ctx.repo };
}

/** Downloads, verifies and stores one file; throws a TypedError on failure. */
export async function downloadFile(ctx: FileDownloadContext, tuning: DownloadTuning = defaultTuning): Promise<VerifiedFile> {
  const limits = ctx.limits ?? downloadLimits(Math.max(ctx.file.size, 0));
  const verified = ctx.file.target.kind === 'webllm' ? await downloadWhole(ctx, tuning, limits) : await downloadChunked(ctx, tuning, limits);
  ctx.onState('verified');
  return verified;
}
