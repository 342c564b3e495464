/**
 * What the user typed to add a model: a repository id (`owner/name`) or a URL of a repository,
 * a branch or a file on the configured model host. Anything else is an `InputError` that says
 * what would work.
 */
import { inputError } from '../shared/errors';

/** A repository (and revision, and file when the URL named one) on the model host. */
export interface RepoRequest {
  repo: string;
  revision: string;
  /** A file the URL pointed at (`/blob/<rev>/<file>`), to preselect. */
  file?: string;
}

const part = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,95})$/;
const isPart = (s: string | undefined): s is string => s !== undefined && part.test(s) && !s.includes('..') && !s.endsWith('.git');

/** The hosts a URL may name for this model host (huggingface.co is also hf.co). */
function sameHost(url: URL, hostUrl: string): boolean {
  const host = new URL(hostUrl);
  const alias = (h: string): string => (h === 'hf.co' || h === 'www.huggingface.co' ? 'huggingface.co' : h);
  return alias(url.host) === alias(host.host);
}

/** The path below the host's own path prefix (a mirror may live under `/models/`). */
function pathBelowHost(url: URL, hostUrl: string): string[] {
  const prefix = new URL(hostUrl).pathname.replace(/\/$/, '');
  const path = prefix && url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : url.pathname;
  return path.split('/').filter(Boolean).map(decodeURIComponent);
}

/** Reads a repository id or URL; throws an `InputError` when it is neither. */
export function parseRepoInput(raw: string, hostUrl: string): RepoRequest {
  const input = raw.trim();
  const hostName = new URL(hostUrl).host;
  if (input === '') throw inputError('not-a-repo-id', raw, `Enter a repository as owner/name (for example bartowski/Llama-3.2-1B-Instruct-GGUF) or its address on ${hostName}.`);
  let segments: string[];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input) || /^(hf\.co|(www\.)?huggingface\.co)\//i.test(input)) {
    let url: URL;
    try {
      url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `https://${input}`);
    } catch {
      throw inputError('not-a-repo-id', raw, `“${input}” is not a web address Hearth can read.`);
    }
    if (!sameHost(url, hostUrl)) {
      throw inputError('other-host', raw, `“${input}” is on ${url.host}, but models come from ${hostName} (the model host setting). Enter a repository there, or change the model host in Settings.`);
    }
    segments = pathBelowHost(url, hostUrl);
  } else {
    segments = input.split('/');
  }
  if (segments[0] === 'datasets' || segments[0] === 'spaces') {
    throw inputError('not-a-repo-id', raw, `“${input}” is a ${segments[0] === 'datasets' ? 'dataset' : 'Space'}, not a model repository.`);
  }
  const [owner, name, kind, revision, ...rest] = segments;
  if (!isPart(owner) || !isPart(name) || (segments.length > 2 && !['tree', 'blob', 'resolve'].includes(kind ?? ''))) {
    throw inputError('not-a-repo-id', raw, `“${input}” is not a repository id. Enter it as owner/name (for example bartowski/Llama-3.2-1B-Instruct-GGUF) or paste its address on ${hostName}.`);
  }
  const request: RepoRequest = { repo: `${owner}/${name}`, revision: revision && revision !== '' ? revision : 'main' };
  if ((kind === 'blob' || kind === 'resolve') && rest.length > 0) request.file = rest.join('/');
  return request;
}
