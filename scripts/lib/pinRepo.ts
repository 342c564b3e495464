/**
 * Pins the catalog entries of one repository to a commit: resolves the revision, lists the files
 * with their sizes and SHA-256 (from the Hub's LFS data, or by downloading and hashing small
 * files), and writes revision + files into every entry whose `source.repo` is that repository.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { CatalogEntry, CatalogFile, FileRole } from '../../workers/shared/catalog';
import { isCommitHash } from '../../workers/shared/catalog';
import { readCatalog, writeCatalog } from './catalogFile';
import { downloadSmallFile, listFiles, revisionInfo, type HubContext, type TreeEntry } from '../../workers/store/hubClient';
import { pinModelLib } from './pinLibrary';

/** Default model host; `--host` or `HEARTH_MODEL_HOST` override it. */
export const defaultHost = 'https://huggingface.co';

type TreeFile = TreeEntry;

/** What to pin, where from and into which catalog file. */
export interface PinOptions {
  /** `owner/name` on the model host. */
  repo: string;
  /** Branch, tag or commit; the catalog always receives the commit. */
  revision: string;
  /** Hugging Face–compatible host; defaults to huggingface.co. */
  host?: string;
  catalogPath: string | URL;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** What was pinned, for the summary. */
export interface PinResult {
  repo: string;
  revision: string;
  commit: string;
  host: string;
  entries: { id: string; files: CatalogFile[]; totalBytes: number; modelLib?: CatalogEntry['modelLib'] }[];
}

/** A failure the user can act on; the CLI prints its message without a stack. */
export class PinError extends Error {
  override name = 'PinError';
}

const shardPattern = /^params_shard_(\d+)\.bin$/;
const licencePattern = /^licen[cs]e(\.(md|txt))?$/i;

/** The role a file plays, judged by its name; null for files no engine or screen needs. */
export function roleForPath(path: string): FileRole | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === 'mlc-chat-config.json') return 'chat-config';
  if (name === 'tokenizer.json' || name === 'tokenizer.model') return 'tokenizer';
  if (name === 'tensor-cache.json') return 'tensor-cache';
  if (shardPattern.test(name) || /\.gguf$/i.test(name)) return 'weights';
  if (/^readme\.md$/i.test(name)) return 'model-card';
  if (licencePattern.test(name)) return 'licence';
  if (/^use_policy\.md$/i.test(name)) return 'use-policy';
  return null;
}

interface Selected {
  file: TreeFile;
  role: FileRole;
}

/** Model card, licence and use policy at the top of the repository, when present. */
function documents(rootFiles: TreeFile[]): Selected[] {
  const order: FileRole[] = ['model-card', 'licence', 'use-policy'];
  return rootFiles
    .map((file) => ({ file, role: roleForPath(file.path) }))
    .filter((s): s is Selected => s.role !== null && order.includes(s.role))
    .sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role) || a.file.path.localeCompare(b.file.path));
}

function shardIndex(path: string): number {
  return Number(shardPattern.exec(path)?.[1] ?? NaN);
}

/**
 * The files an entry needs from a repository tree, in download order. Throws a PinError naming
 * what is missing; README, LICENSE* and USE_POLICY.md are taken when present.
 */
export function selectFiles(entry: CatalogEntry, tree: TreeFile[]): Selected[] {
  const root = tree.filter((f) => !f.path.includes('/'));
  const byPath = new Map(tree.map((f) => [f.path, f]));
  const need = (path: string, role: FileRole): Selected => {
    const file = byPath.get(path);
    if (!file) throw new PinError(`${entry.source.repo} has no ${path}, which ${entry.id} needs`);
    return { file, role };
  };

  if (entry.engine === 'wllama') {
    const ggufs = entry.files.filter((f) => f.role === 'weights');
    if (ggufs.length === 0) throw new PinError(`${entry.id} names no .gguf file to pin`);
    return [...ggufs.map((f) => need(f.path, 'weights')), ...documents(root)];
  }

  // web-llm fetches tokenizer.json when present, tokenizer.model otherwise.
  const tokenizer = byPath.has('tokenizer.json') ? 'tokenizer.json' : 'tokenizer.model';
  if (!byPath.has(tokenizer)) {
    throw new PinError(`${entry.source.repo} has neither tokenizer.json nor tokenizer.model`);
  }
  const shards = root
    .filter((f) => shardPattern.test(f.path))
    .sort((a, b) => shardIndex(a.path) - shardIndex(b.path))
    .map((file): Selected => ({ file, role: 'weights' }));
  if (shards.length === 0) throw new PinError(`${entry.source.repo} has no params_shard_*.bin files`);
  return [
    need('mlc-chat-config.json', 'chat-config'),
    need(tokenizer, 'tokenizer'),
    need('tensor-cache.json', 'tensor-cache'),
    ...shards,
    ...documents(root),
  ];
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Git's blob id of some bytes, to check a download against the tree's `oid`. */
export function gitBlobSha1(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

/** Checks the shards on the host against the ones tensor-cache.json says web-llm will fetch. */
function checkShardsAgainstTensorCache(
  entry: CatalogEntry,
  selected: Selected[],
  tensorCache: Uint8Array,
): void {
  let dataPaths: string[];
  try {
    const parsed = JSON.parse(new TextDecoder().decode(tensorCache)) as {
      records?: { dataPath?: unknown }[];
    };
    dataPaths = (parsed.records ?? []).map((r) => String(r.dataPath));
  } catch {
    throw new PinError(`${entry.source.repo}: tensor-cache.json is not valid JSON`);
  }
  const shards = new Set(selected.filter((s) => s.role === 'weights').map((s) => s.file.path));
  const missing = dataPaths.filter((p) => !shards.has(p));
  if (missing.length > 0) {
    throw new PinError(
      `${entry.source.repo}: tensor-cache.json names shards the repository lacks: ${missing.join(', ')}`,
    );
  }
  const unused = [...shards].filter((p) => !dataPaths.includes(p));
  if (unused.length > 0) {
    throw new PinError(`${entry.source.repo}: shards not named by tensor-cache.json: ${unused.join(', ')}`);
  }
}

/** Pins every catalog entry of `options.repo`, writes the catalog and says what it did. */
export async function pinRepo(options: PinOptions): Promise<PinResult> {
  const host = options.host ?? defaultHost;
  const fetchImpl = options.fetch ?? fetch;
  const { repo, revision } = options;

  if (!existsSync(options.catalogPath)) {
    throw new PinError(`No catalog at ${String(options.catalogPath)}; run npx tsx scripts/catalog.ts first`);
  }
  const catalog = await readCatalog(options.catalogPath);
  const targets = catalog.filter((e) => e.source.repo === repo);
  if (targets.length === 0) {
    const repos = [...new Set(catalog.map((e) => e.source.repo))].join('\n  ');
    throw new PinError(`No catalog entry has source.repo ${repo}. Known repositories:\n  ${repos}`);
  }

  const hub: HubContext = { hostUrl: host, modelId: repo, fetch: fetchImpl };
  const commit = (await revisionInfo(hub, repo, revision)).sha;
  if (!isCommitHash(commit)) {
    throw new PinError(
      `Revision ${revision} of ${repo} resolved to ${JSON.stringify(commit)}, not a 40-hex commit`,
    );
  }
  const tree = await listFiles(hub, repo, commit);

  // Small files are downloaded once even when several entries share the repository.
  const downloads = new Map<string, Promise<Uint8Array>>();
  const download = (file: TreeFile): Promise<Uint8Array> => {
    let pending = downloads.get(file.path);
    if (!pending) {
      pending = downloadSmallFile(hub, repo, commit, file.path).then((bytes) => {
        const expectedSize = file.lfs?.size ?? file.size;
        if (bytes.byteLength !== expectedSize) {
          throw new PinError(
            `${file.path}: host served ${bytes.byteLength} bytes, the file list says ${expectedSize}`,
          );
        }
        const ok = file.lfs
          ? sha256Hex(bytes) === file.lfs.oid
          : !/^[0-9a-f]{40}$/.test(file.oid) || gitBlobSha1(bytes) === file.oid;
        if (!ok) throw new PinError(`${file.path}: the bytes served do not match the file list's hash`);
        return bytes;
      });
      downloads.set(file.path, pending);
    }
    return pending;
  };
  const describe = async ({ file, role }: Selected): Promise<CatalogFile> => {
    if (file.lfs) {
      if (!/^[0-9a-f]{64}$/.test(file.lfs.oid))
        throw new PinError(`${file.path}: LFS oid ${file.lfs.oid} is not a SHA-256`);
      return { path: file.path, role, size: file.lfs.size, sha256: file.lfs.oid };
    }
    const bytes = await download(file);
    return { path: file.path, role, size: bytes.byteLength, sha256: sha256Hex(bytes) };
  };

  const pinned = new Map<string, CatalogEntry>();
  const result: PinResult = { repo, revision, commit, host, entries: [] };
  for (const entry of targets) {
    const selected = selectFiles(entry, tree);
    if (entry.engine === 'webllm') {
      const tensorCache = selected.find((s) => s.role === 'tensor-cache');
      if (tensorCache) checkShardsAgainstTensorCache(entry, selected, await download(tensorCache.file));
    }
    const files = await Promise.all(selected.map(describe));
    const modelLib = entry.modelLib ? await pinModelLib(entry.modelLib, { ...hub, modelId: entry.id }) : undefined;
    pinned.set(entry.id, { ...entry, source: { repo, revision: commit }, files, ...(modelLib ? { modelLib } : {}) });
    result.entries.push({
      id: entry.id,
      files,
      modelLib,
      totalBytes: files.reduce((sum, f) => sum + (f.size ?? 0), 0),
    });
  }

  await writeCatalog(
    options.catalogPath,
    catalog.map((e) => pinned.get(e.id) ?? e),
  );
  return result;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** A readable summary of a pin: commit, then per entry its files, sizes and hashes. */
export function formatPinSummary(result: PinResult, catalogPath: string): string {
  const lines = [
    `Pinned ${result.repo} @ ${result.revision} -> commit ${result.commit}`,
    `  host: ${result.host}`,
  ];
  for (const entry of result.entries) {
    lines.push(
      '',
      `${entry.id}: ${entry.files.length} files, ${formatBytes(entry.totalBytes)} (${entry.totalBytes} bytes)`,
    );
    const width = Math.max(...entry.files.map((f) => f.path.length));
    for (const f of entry.files) {
      lines.push(
        `  ${f.path.padEnd(width)}  ${f.role.padEnd(12)} ${formatBytes(f.size ?? 0).padStart(10)}  sha256 ${f.sha256}`,
      );
    }
    if (entry.modelLib) lines.push(`  model library ${entry.modelLib.url} ${formatBytes(entry.modelLib.size ?? 0)} sha256 ${entry.modelLib.sha256}`);
  }
  lines.push('', `Wrote ${catalogPath}`);
  return lines.join('\n');
}
