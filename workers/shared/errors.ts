/**
 * Errors that cross the worker boundary. Each is a plain object with a literal `name`, so the UI
 * can branch on it after structured clone (class identity does not survive postMessage).
 */

export interface IntegrityError {
  name: 'IntegrityError';
  message: string;
  modelId: string;
  path: string;
  expectedSha256: string;
  actualSha256: string;
  expectedSize: number;
  actualSize: number;
}

export interface NetworkError {
  name: 'NetworkError';
  message: string;
  modelId: string;
  path: string;
  url: string;
  /** HTTP status, or 0 when the connection failed or dropped. */
  status: number;
  /** Start of the body when the host answered with HTML or text instead of the file. */
  bodySnippet?: string;
}

export interface QuotaError {
  name: 'QuotaError';
  message: string;
  modelId: string;
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

export interface StorageError {
  name: 'StorageError';
  message: string;
  modelId?: string;
}

/** Every error the store reports. */
export type StoreError =
  | IntegrityError
  | NetworkError
  | QuotaError
  | AbortedError
  | ManifestError
  | StorageError;

/** Names of every typed error, for `isTypedError`. */
const storeErrorNames = new Set<string>([
  'IntegrityError',
  'NetworkError',
  'QuotaError',
  'AbortedError',
  'ManifestError',
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

/** Turns anything thrown into a typed store error, keeping typed ones as they are. */
export function toStoreError(error: unknown, modelId?: string): StoreError {
  if (error instanceof TypedError && isStoreError(error.detail)) return error.detail;
  if (isStoreError(error)) return error;
  if (error instanceof DOMException && error.name === 'QuotaExceededError') {
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
  return { name: 'StorageError', message, modelId };
}
