/** Download progress in our own types: per file, keyed by path, plus the whole model. */

export type FileState = 'queued' | 'downloading' | 'verifying' | 'verified' | 'failed';

export interface FileProgress {
  path: string;
  state: FileState;
  bytesDone: number;
  bytesTotal: number;
}

export interface DownloadProgress {
  modelId: string;
  files: FileProgress[];
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second over the recent window. */
  rate: number;
  /** Seconds left at the current rate, or null while unknown. */
  etaSeconds: number | null;
}
