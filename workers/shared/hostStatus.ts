/**
 * What the store found when it asked a model host for its model list, as plain data the page
 * can explain. Deliberately small: a Hugging Face client with typed `HostError`s replaces the
 * fetch underneath later; this shape is what the page needs from it.
 */
import type { CatalogEntry } from './catalog';

/** Why a host could not serve as a model host. */
export type HostProblemKind =
  /** No answer at all: offline, wrong address, refused connection, or blocked by CORS. */
  | 'unreachable'
  /** It answered, but not like a Hugging Face–style host (a web page, not its API's JSON). */
  | 'not-a-hub'
  /** It answered with a server error (5xx). */
  | 'host-error';

/** A host that did not answer as a model host should, in facts the UI can show. */
export interface HostProblem {
  kind: HostProblemKind;
  hostUrl: string;
  /** The address that was asked. */
  url: string;
  /** HTTP status; 0 when nothing answered. */
  status: number;
  /** The answer's Content-Type, when there was an answer. */
  contentType: string;
  /** What happened, in a short plain sentence. */
  description: string;
}

/** The model list for a host, and how the host answered. */
export interface CatalogResult {
  /** Entries the host publishes itself (`/hearth-catalog.json`), offered first. */
  hosted: CatalogEntry[];
  /** Entries built into the app (not repeated from `hosted`). */
  builtin: CatalogEntry[];
  /**
   * Entries of models stored on this device that no list has (downloaded from another
   * host, or dropped from its list): they stay listed and usable.
   */
  stored: CatalogEntry[];
  /** Entries the user added from a repository (saved on this device), not repeated above. */
  added: CatalogEntry[];
  /** `null` when the host answered as a model host (or was not asked: the kept list was used). */
  problem: HostProblem | null;
}
