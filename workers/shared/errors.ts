/**
 * Errors that cross the worker boundary. Each is a plain object with a literal `name`, so the UI
 * can branch on it after structured clone (class identity does not survive postMessage).
 */

/**
 * Where an expected hash came from: the catalog, the host's listing, the first download, the
 * export manifest carried with imported files, or nowhere (`imported`: hashed on import, with
 * nothing to check it against).
 */
export type HashTrust = 'pinned' | 'host' | 'first-use' | 'export' | 'imported';

export interface IntegrityError {
  name: 'IntegrityError';
  message: string;
  modelId: string;
  path: string;
  expectedSha256: string;
  actualSha256: string;
  expectedSize: number;
  actualSize: number;
  /** Where the expected hash came from (`first-use`: recorded at the first download). */
  trust?: HashTrust;
}

export interface NetworkError {
  name: 'NetworkError';
  message: string;
  modelId: string;
  path: string;
  url: string;
  /** HTTP status, or 0 when the connection failed or dropped. */
  status: number;
  /** Start of the body when the host answered with text instead of the file. */
  bodySnippet?: string;
  /** How long the host asked us to wait (429 `Retry-After`), in ms. */
  retryAfterMs?: number;
}

/**
 * The host answered, but not as a Hugging Face–style host: a web page (a captive portal, a
 * login page) or JSON of the wrong shape where its API or a file should be.
 */
export interface HostError {
  name: 'HostError';
  message: string;
  modelId: string;
  /** The file or API path asked for. */
  path: string;
  url: string;
  /** The host (`huggingface.co`, `127.0.0.1:8790`). */
  host: string;
  status: number;
  contentType: string;
  /** The start of what came back. */
  bodySnippet: string;
}

/** The repository needs signing in (gated or private): Hearth downloads public models only. */
export interface GatedError {
  name: 'GatedError';
  message: string;
  modelId: string;
  repo: string;
  path: string;
  url: string;
  status: number;
  /** The host's own words (`X-Error-Message`). */
  hostMessage?: string;
}

/** The host has no such repository, revision or file. */
export interface NotFoundError {
  name: 'NotFoundError';
  message: string;
  modelId: string;
  repo: string;
  path: string;
  url: string;
  /** `X-Error-Code`: `RepoNotFound`, `RevisionNotFound`, `EntryNotFound`, or empty. */
  code: string;
}

export interface QuotaError {
  name: 'QuotaError';
  message: string;
  modelId: string;
  /** The file whose write the browser refused, when it happened mid-download. */
  path?: string;
  neededBytes: number;
  availableBytes: number;
  quotaBytes: number;
  /** Size of the test write the browser refused, when the estimate looked fine but was wrong. */
  probeBytes?: number;
}

export interface AbortedError {
  name: 'AbortedError';
  message: string;
  modelId: string;
}

export interface ManifestError {
  name: 'ManifestError';
  message: string;
  modelId: string;
}

/** Why an input cannot become a model (see `InputError`). */
export type InputProblem =
  /** Not `owner/name` or a repository URL. */
  | 'not-a-repo-id'
  /** A URL on another host than the configured model host. */
  | 'other-host'
  /** The repository has no GGUF file (and is no MLC build). */
  | 'no-gguf'
  /** An MLC build for an architecture no known model library was compiled for. */
  | 'mlc-needs-library'
  /** A file that does not start like a GGUF. */
  | 'not-gguf'
  /** A GGUF with no chat template: Hearth cannot form its prompts. */
  | 'no-chat-template'
  /** Parts of a split GGUF are missing, or files of different models were picked together. */
  | 'incomplete-split'
  /** An MLC folder without every file its `tensor-cache.json` and config need. */
  | 'mlc-missing-files'
  /** Files whose SHA-256 differ from the export manifest beside them. */
  | 'export-mismatch'
  /** An export manifest that is not one. */
  | 'bad-export-manifest'
  /** Nothing usable was picked. */
  | 'nothing-picked'
  /** The browser could not read a picked file. */
  | 'unreadable';

/**
 * What the user typed, picked or dropped cannot become a model: said in plain words, with the
 * files concerned. Nothing was stored or changed.
 */
export interface InputError {
  name: 'InputError';
  message: string;
  modelId: string;
  problem: InputProblem;
  /** What was typed, or the file or folder picked. */
  input: string;
  /** Files the problem is about (missing, mismatched, unreadable). */
  files?: string[];
}

export interface StorageError {
  name: 'StorageError';
  message: string;
  modelId?: string;
}

/** Every error the store reports. */
export type StoreError =
  | IntegrityError
  | NetworkError
  | HostError
  | GatedError
  | NotFoundError
  | QuotaError
  | AbortedError
  | ManifestError
  | InputError
  | StorageError;

/** Names of every typed error, for `isTypedError`. */
const storeErrorNames = new Set<string>([
  'IntegrityError',
  'NetworkError',
  'HostError',
  'GatedError',
  'NotFoundError',
  'QuotaError',
  'AbortedError',
  'ManifestError',
  'InputError',
  'StorageError',
]);

/** Thrown inside the workers so the typed payload survives Comlink's error serialisation. */
export class TypedError<E extends { name: string; message: string }> extends Error {
  readonly detail: E;
  constructor(detail: E) {
    super(detail.message);
    this.name = detail.name;
    this.detail = detail;
  }
}

/** Whether a value is one of our typed store errors (after crossing a boundary). */
export function isStoreError(value: unknown): value is StoreError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'name' in value &&
    typeof value.name === 'string' &&
    storeErrorNames.has(value.name)
  );
}

/** Whether the browser refused a write for lack of space. */
export function isQuotaExceeded(error: unknown): boolean {
  return typeof DOMException !== 'undefined' && error instanceof DOMException && error.name === 'QuotaExceededError';
}

/** Throws an `InputError` (nothing was stored). */
export function inputError(problem: InputProblem, input: string, message: string, files?: string[]): TypedError<InputError> {
  return new TypedError({ name: 'InputError', message, modelId: '', problem, input, ...(files ? { files } : {}) });
}

/** Turns anything thrown into a typed store error, keeping typed ones as they are. */
export function toStoreError(error: unknown, modelId?: string): StoreError {
  if (error instanceof TypedError && isStoreError(error.detail)) return error.detail;
  if (isStoreError(error)) return error;
  if (isQuotaExceeded(error)) {
    return {
      name: 'QuotaError',
      message: 'The browser refused to store more data while writing the model: storage is full.',
      modelId: modelId ?? '',
      neededBytes: 0,
      availableBytes: 0,
      quotaBytes: 0,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { name: 'StorageError', message: `Storing the model failed: ${message}`, modelId };
}
