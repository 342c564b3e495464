/**
 * Writing a mirror: every file downloaded into `<repo>/resolve/<commit>/<path>`, hashed while it
 * streams to a `.partial` file and renamed into place only when its size and hash are what they
 * must be (a bad file is deleted, never written); a file already there with the right hash is
 * kept. Beside the files, the Hub API answers the app's hub client asks for, as static files
 * (see README, "A mirror for your organisation"), and `hearth-catalog.json`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { once } from 'node:events';
import type { CatalogEntry } from '../../workers/shared/catalog';
import { isWebPage, repoPath, resolveUrl, unreachable, answerError, type TreeEntry } from '../../workers/store/hubClient';
import { MirrorError, type MirrorFile, type MirrorItem } from './mirrorPlan';

/** What a file must be. */
interface Expected {
  size: number;
  sha256?: string;
  gitSha1?: string;
}

/** A path inside the mirror; anything that would leave it is refused. */
export function inside(out: string, path: string): string {
  const target = resolve(out, path);
  if (target !== resolve(out) && !target.startsWith(resolve(out) + sep)) throw new MirrorError(`Refusing to write outside the mirror: ${path}`);
  return target;
}

/** What a verified file turned out to be. */
export interface Verified {
  sha256: string;
  gitSha1: string;
  /** Already in the mirror with the right hash: not downloaded again. */
  kept: boolean;
}

/** SHA-256 and git blob id of a file already on disk, streamed. */
export async function fileHashes(path: string): Promise<{ sha256: string; gitSha1: string }> {
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1').update(`blob ${(await stat(path)).size}\0`);
  for await (const chunk of createReadStream(path)) {
    sha256.update(chunk as Buffer);
    sha1.update(chunk as Buffer);
  }
  return { sha256: sha256.digest('hex'), gitSha1: sha1.digest('hex') };
}

const matches = (e: Expected, h: { sha256: string; gitSha1: string }): boolean => (e.sha256 ? h.sha256 === e.sha256 : e.gitSha1 ? h.gitSha1 === e.gitSha1 : false);

/** Downloads `url` to `dest`, verified (see the module comment); a transient failure is tried again twice. */
export async function downloadVerified(url: string, dest: string, expected: Expected, label: string, fetchImpl: typeof fetch = fetch): Promise<Verified> {
  if (existsSync(dest) && (await stat(dest)).size === expected.size) {
    const hashes = await fileHashes(dest);
    if (matches(expected, hashes)) return { ...hashes, kept: true };
  }
  await mkdir(dirname(dest), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      return { ...(await downloadOnce(url, dest, expected, label, fetchImpl)), kept: false };
    } catch (error) {
      await rm(`${dest}.partial`, { force: true });
      if (error instanceof MirrorError || attempt >= 3) throw error instanceof MirrorError ? error : new MirrorError(error instanceof Error ? error.message : String(error));
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

async function downloadOnce(url: string, dest: string, expected: Expected, label: string, fetchImpl: typeof fetch): Promise<{ sha256: string; gitSha1: string }> {
  const asked = { modelId: label, url, path: label, repo: label };
  let response: Response;
  try {
    response = await fetchImpl(url, { redirect: 'follow' });
  } catch (error) {
    throw unreachable(asked, error);
  }
  if (!response.ok) {
    const typed = await answerError(asked, response);
    // Only a server error or a rate limit is worth another try.
    if (response.status < 500 && response.status !== 429) throw new MirrorError(typed.message);
    throw typed;
  }
  if (isWebPage(response) && !/\.html?$/i.test(label)) throw new MirrorError(`${label}: the host sent a web page instead of the file (a proxy or a captive portal?). Nothing was written.`);
  const partial = `${dest}.partial`;
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1').update(`blob ${expected.size}\0`);
  const sink = createWriteStream(partial);
  let bytes = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      if (bytes > expected.size) throw new MirrorError(`${label}: the host sent more than the ${expected.size} bytes the file has. Nothing was written.`);
      sha256.update(chunk);
      sha1.update(chunk);
      if (!sink.write(chunk)) await once(sink, 'drain');
    }
  } finally {
    sink.end();
    await once(sink, 'close');
  }
  if (bytes !== expected.size) throw new Error(`${label}: the download ended after ${bytes} of ${expected.size} bytes`);
  const hashes = { sha256: sha256.digest('hex'), gitSha1: sha1.digest('hex') };
  if (!matches(expected, hashes)) {
    const what = expected.sha256 ? `SHA-256 ${hashes.sha256}, but ${expected.sha256} was expected` : `git blob id ${hashes.gitSha1}, but the tree lists ${expected.gitSha1}`;
    throw new MirrorError(`${label}: the bytes the host sent have ${what}. The file was not written.`);
  }
  await rename(partial, dest);
  return hashes;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, JSON.stringify(value, null, 2));
  await rename(`${path}.tmp`, path);
}

async function readJson<T>(path: string, fallback: T): Promise<T> {
  return existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as T) : fallback;
}

/**
 * The Hub API answers for one repository, as files: `api/models/<repo>/revision/<rev>` (for the
 * revision asked and the commit) and `api/models/<repo>/tree/<commit>`, the tree the client asks
 * for with `?recursive=true` (static servers answer the path and ignore the query). Files other
 * items of the same repository put there are kept.
 */
export async function writeApiFiles(out: string, item: MirrorItem, files: { file: MirrorFile; hashes: Verified }[]): Promise<void> {
  const api = join('api', 'models', ...repoPath(item.repo).split('/').map(decodeURIComponent));
  const treePath = inside(out, join(api, 'tree', item.commit));
  const tree = new Map((await readJson<TreeEntry[]>(treePath, [])).map((t) => [t.path, t]));
  for (const { file, hashes } of files) {
    const upstream = item.tree.find((t) => t.path === file.path);
    // Without an upstream row (a pinned source with no tree API) the SHA-256 is listed as LFS data.
    tree.set(file.path, upstream ?? { type: 'file', path: file.path, size: file.size, oid: hashes.gitSha1, lfs: { oid: hashes.sha256, size: file.size } });
  }
  const rows = [...tree.values()].sort((a, b) => a.path.localeCompare(b.path));
  await writeJson(treePath, rows);
  const revision = { id: item.repo, sha: item.commit, gated: false, private: false, siblings: rows.map((r) => ({ rfilename: r.path })) };
  for (const rev of new Set([item.commit, item.revision])) await writeJson(inside(out, join(api, 'revision', rev)), revision);
}

/** The entry the mirror lists: pinned at the commit, every hash, the library on the mirror, its origin. */
export function mirroredEntry(item: MirrorItem, files: { file: MirrorFile; hashes: Verified }[], upstream: string, mirroredAt: string): CatalogEntry {
  const entry: CatalogEntry = {
    ...item.entry,
    source: { repo: item.repo, revision: item.commit },
    files: files.map(({ file, hashes }) => ({ path: file.path, role: file.role, size: file.size, sha256: hashes.sha256 })),
    origin: { kind: 'mirror', upstream, mirroredAt, upstreamOrigin: item.upstreamOrigin },
  };
  // Relative to the mirror's address, so a mirror served under a path (`/models/`) works too.
  if (item.lib) entry.modelLib = { url: item.lib.path.split('/').map(encodeURIComponent).join('/'), size: item.lib.size, sha256: item.lib.sha256 };
  return entry;
}

/** Where one file of an item goes, and the URL it comes from. */
export function fileLocation(out: string, item: MirrorItem, hostUrl: string, path: string): { url: string; dest: string } {
  return { url: resolveUrl(hostUrl, item.repo, item.commit, path), dest: inside(out, join(item.repo, 'resolve', item.commit, path)) };
}
