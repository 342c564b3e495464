/**
 * A repository's files as pinned catalog files: large (LFS) files by the SHA-256 the tree lists,
 * small ones downloaded, checked against their git blob id and hashed, as `npm run pin` does.
 * Also the GGUF files of a tree grouped into models (a split GGUF's parts are one model).
 */
import { parseGGUFQuantLabel, parseGgufShardFilename } from '@huggingface/gguf';
import type { CatalogFile, FileRole } from '../shared/catalog';
import { TypedError } from '../shared/errors';
import { gitBlobSha1Hex, sha256Hex } from './hashing';
import { downloadSmallFile, resolveUrl, type HubContext, type TreeEntry } from './hubClient';

/** Largest file downloaded to be hashed when the tree has no SHA-256 for it. */
const smallFileLimit = 64 << 20;

/** A pinned file and, for small files, the bytes that were downloaded to hash it. */
export interface PinnedFile {
  file: CatalogFile;
  bytes?: Uint8Array;
}

/** Pins one tree entry: the LFS SHA-256, or the SHA-256 of the downloaded bytes once their git blob id matched. */
export async function pinTreeFile(ctx: HubContext, repo: string, commit: string, row: TreeEntry, role: FileRole): Promise<PinnedFile> {
  if (row.lfs && /^[0-9a-f]{64}$/.test(row.lfs.oid)) return { file: { path: row.path, role, size: row.lfs.size, sha256: row.lfs.oid } };
  const url = resolveUrl(ctx.hostUrl, repo, commit, row.path);
  if (row.size > smallFileLimit) {
    throw new TypedError({ name: 'HostError', message: `${row.path} has no SHA-256 in the host's file list and is too large to hash first.`, modelId: ctx.modelId, path: row.path, url, host: new URL(url).host, status: 200, contentType: '', bodySnippet: '' });
  }
  const bytes = await downloadSmallFile(ctx, repo, commit, row.path);
  if (bytes.byteLength !== row.size || (await gitBlobSha1Hex(bytes)) !== row.oid) {
    const sha256 = await sha256Hex(bytes);
    throw new TypedError({
      name: 'IntegrityError',
      message: `${row.path} does not match the host's file list: it was not used.`,
      modelId: ctx.modelId,
      path: row.path,
      expectedSha256: `git-blob-sha1:${row.oid}`,
      actualSha256: sha256,
      expectedSize: row.size,
      actualSize: bytes.byteLength,
      trust: 'host',
    });
  }
  return { file: { path: row.path, role, size: bytes.byteLength, sha256: await sha256Hex(bytes) }, bytes };
}

/** A model's GGUF file(s) in a repository: one file, or a split GGUF's parts in order. */
export interface GgufGroup {
  /** The file name without `.gguf` (and without `-0000N-of-0000M` for a split). */
  name: string;
  quantization: string;
  parts: TreeEntry[];
}

const isGguf = (path: string): boolean => /\.gguf$/i.test(path) && !/mmproj/i.test(path.split('/').pop() ?? '');

/** The GGUF models of a tree, smallest first; a split GGUF missing a part is left out. */
export function ggufGroups(rows: TreeEntry[]): GgufGroup[] {
  const groups = new Map<string, { parts: TreeEntry[]; total: number; name: string }>();
  for (const row of rows.filter((r) => isGguf(r.path))) {
    const shard = parseGgufShardFilename(row.path);
    const key = shard ? `${shard.prefix}\u0000${shard.total}` : row.path;
    const name = (shard ? shard.prefix : row.path.replace(/\.gguf$/i, '')).split('/').pop() ?? row.path;
    const group = groups.get(key) ?? { parts: [], total: shard ? Number(shard.total) : 1, name };
    group.parts.push(row);
    groups.set(key, group);
  }
  const out: GgufGroup[] = [];
  for (const group of groups.values()) {
    if (group.parts.length !== group.total) continue;
    const parts = [...group.parts].sort((a, b) => a.path.localeCompare(b.path));
    out.push({ name: group.name, quantization: parseGGUFQuantLabel(parts[0].path.split('/').pop() ?? '') ?? 'GGUF', parts });
  }
  const size = (g: GgufGroup): number => g.parts.reduce((s, p) => s + (p.lfs?.size ?? p.size), 0);
  return out.sort((a, b) => size(a) - size(b));
}

/** Model card, licence and use policy at the top of a repository, in that order. */
export function documentRows(rows: TreeEntry[]): { row: TreeEntry; role: FileRole }[] {
  const roleOf = (name: string): FileRole | null =>
    /^readme\.md$/i.test(name) ? 'model-card' : /^licen[cs]e(\.(md|txt))?$/i.test(name) ? 'licence' : /^use_policy\.md$/i.test(name) ? 'use-policy' : null;
  const order: FileRole[] = ['model-card', 'licence', 'use-policy'];
  return rows
    .filter((r) => !r.path.includes('/'))
    .map((row) => ({ row, role: roleOf(row.path) }))
    .filter((d): d is { row: TreeEntry; role: FileRole } => d.role !== null)
    .sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role));
}
