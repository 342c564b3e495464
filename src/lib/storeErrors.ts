import type { InputError, StoreError } from '../../workers/shared/errors';
import { formatBytes } from './format';

const inputTitles: Record<InputError['problem'], string> = {
  'not-a-repo-id': 'That is not a repository id',
  'other-host': 'That repository is on another host',
  'no-gguf': 'No GGUF file in this repository',
  'mlc-needs-library': 'Hearth has no model library for this MLC build',
  'not-gguf': 'Not a GGUF file',
  'no-chat-template': 'This model has no chat template',
  'incomplete-split': 'Parts of the model are missing',
  'mlc-missing-files': 'Files of the MLC build are missing',
  'export-mismatch': 'The files do not match their export manifest',
  'bad-export-manifest': 'The export manifest cannot be read',
  'nothing-picked': 'Nothing to import',
  unreadable: 'A file could not be read',
};

/** A store error in plain words for the user, with what to do next. */
export function explainStoreError(error: StoreError): { title: string; detail: string } {
  switch (error.name) {
    case 'IntegrityError':
      if (error.trust === 'first-use' && error.expectedSha256) {
        return {
          title: `${error.path} changed since it was first trusted`,
          detail: `This model library is compiled code with no published hash, so Hearth trusted the copy first downloaded on this device (SHA-256 ${error.expectedSha256}). The host now serves different bytes (${error.actualSha256 || 'not hashed'}): they were refused and will not run.`,
        };
      }
      return {
        title: `${error.path} failed verification`,
        detail: `It was rejected and not stored. Expected SHA-256 ${error.expectedSha256 || '(none)'} and ${formatBytes(error.expectedSize)}; received ${error.actualSha256 || '(not hashed)'} and ${formatBytes(error.actualSize)}. Retry to fetch this file again; the other files are kept.`,
      };
    case 'NetworkError':
      return {
        title: error.status === 0 ? `Network failure on ${error.path}` : `The model host answered ${error.status} for ${error.path}`,
        detail: `${error.message} Retry to continue; verified files are kept and partial files resume.`,
      };
    case 'HostError':
      return { title: `${error.host} is not answering like a model host`, detail: `${error.message} Check the network (sign in to the Wi-Fi if it asks) or the model host setting, then retry; verified files are kept.` };
    case 'GatedError':
      return { title: `${error.repo} needs signing in`, detail: error.message };
    case 'NotFoundError':
      return { title: 'The model host does not have this file', detail: `${error.message} The model host setting may point at a mirror that lacks this model.` };
    case 'QuotaError':
      if (error.path) {
        return {
          title: 'Storage filled up during the download',
          detail: `The browser refused to store more of ${error.path} (${formatBytes(error.neededBytes)} of it still to go, ${formatBytes(error.availableBytes)} reported free of a ${formatBytes(error.quotaBytes)} quota). The download stopped; every verified file is kept. Free space (delete a model) and resume.`,
        };
      }
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
    case 'InputError':
      return { title: inputTitles[error.problem], detail: `${error.message}${error.problem === 'other-host' || error.problem === 'not-a-repo-id' ? '' : ' Nothing was changed.'}` };
    case 'StorageError':
      // Whatever the browser threw stays in the console; the user gets what to do.
      return error.message === 'This model is already downloading.'
        ? { title: 'Already downloading', detail: 'This model is being downloaded in another tab or view; its progress shows there.' }
        : { title: 'The browser could not store the model', detail: 'Verified files are kept. Try again; if it keeps failing, free some space or restart the browser.' };
  }
}
