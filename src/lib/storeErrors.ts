import type { StoreError } from '../../workers/shared/errors';
import { formatBytes } from './format';

/** A store error in plain words for the user, with what to do next. */
export function explainStoreError(error: StoreError): { title: string; detail: string } {
  switch (error.name) {
    case 'IntegrityError':
      return {
        title: `${error.path} failed verification`,
        detail: `It was rejected and not stored. Expected SHA-256 ${error.expectedSha256 || '(none)'} and ${formatBytes(error.expectedSize)}; received ${error.actualSha256 || '(not hashed)'} and ${formatBytes(error.actualSize)}. Retry to fetch this file again; the other files are kept.`,
      };
    case 'NetworkError':
      return {
        title: error.status === 0 ? `Network failure on ${error.path}` : `The model host answered ${error.status} for ${error.path}`,
        detail: `${error.message} Retry to continue; verified files are kept and partial files resume.`,
      };
    case 'QuotaError':
      if (error.neededBytes === 0) {
        return {
          title: 'Storage is full',
          detail: `${error.message} Verified files are kept; free space (delete a model) and resume.`,
        };
      }
      if (error.probeBytes !== undefined) {
        return {
          title: 'Not enough storage for this model',
          detail: `It needs ${formatBytes(error.neededBytes)} more, but the browser refused to store even ${formatBytes(error.probeBytes)} (quota reported: ${formatBytes(error.quotaBytes)}). Free space by deleting a model, or choose a smaller one. Nothing was downloaded.`,
        };
      }
      return {
        title: 'Not enough storage for this model',
        detail: `It needs ${formatBytes(error.neededBytes)} more, but the browser allows only ${formatBytes(error.availableBytes)} more (quota ${formatBytes(error.quotaBytes)}). Free space by deleting a model, or choose a smaller one. Nothing was downloaded.`,
      };
    case 'AbortedError':
      return { title: 'Download cancelled', detail: 'Verified files are kept; resume at any time.' };
    case 'ManifestError':
      return { title: 'The model host does not have this model', detail: error.message };
    case 'StorageError':
      // Whatever the browser threw stays in the console; the user gets what to do.
      return error.message === 'This model is already downloading.'
        ? { title: 'Already downloading', detail: 'This model is being downloaded in another tab or view; its progress shows there.' }
        : { title: 'The browser could not store the model', detail: 'Verified files are kept. Try again; if it keeps failing, free some space or restart the browser.' };
  }
}
