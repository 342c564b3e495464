/**
 * Adding a model from a repository, first step: what it offers. The revision is resolved to a
 * commit, the tree read (every page), the model card and licence fetched, and each GGUF
 * quantization (or the MLC build) becomes a pinned entry at that commit, with the tree's
 * SHA-256s. Nothing is saved or downloaded here; bad input is an `InputError`, a gated or
 * missing repository a `GatedError` / `NotFoundError`.
 */
import type { CatalogEntry, CatalogFile, EntryOrigin, ModelLineage } from '../shared/catalog';
import { inputError, TypedError } from '../shared/errors';
import type { RepoChoice, RepoInspection } from '../shared/storeProtocol';
import { listFiles, revisionInfo, withSlash, type HubContext, type TreeEntry } from './hubClient';
import { architectureOf, libraryFacts, libraryFor, noLibraryMessage, shardsOf } from './mlcBuild';
import { governingLicence, lineageFromCard } from './modelCard';
import { documentRows, ggufGroups, pinTreeFile, type GgufGroup } from './repoFiles';
import { parseRepoInput } from './repoInput';

/** What every choice of one repository shares. */
interface RepoContext {
  ctx: HubContext;
  repo: string;
  commit: string;
  origin: EntryOrigin;
  lineage: ModelLineage;
  docs: CatalogFile[];
}

const decoder = new TextDecoder();
const pretty = (repo: string): string => (repo.split('/')[1] ?? repo).replace(/[-_.]?(GGUF|MLC)$/i, '').replace(/[-_]+/g, ' ').trim();

function baseEntry(rc: RepoContext, id: string, displayName: string): Omit<CatalogEntry, 'engine' | 'files' | 'quantization'> {
  return {
    id,
    displayName,
    // Parameters and context come from the GGUF's own header when the entry is saved.
    parameters: 0,
    source: { repo: rc.repo, revision: rc.commit },
    contextWindow: 4096,
    trainedContextWindow: 4096,
    requiredFeatures: [],
    licence: governingLicence(rc.lineage),
    modelCardUrl: new URL(rc.repo, withSlash(rc.ctx.hostUrl)).href,
    approxSizeBytes: 0,
    origin: rc.origin,
    lineage: rc.lineage,
  };
}

const bytesOf = (files: CatalogFile[]): number => files.reduce((s, f) => s + (f.size ?? 0), 0);

function ggufChoice(rc: RepoContext, group: GgufGroup): CatalogEntry {
  const weights: CatalogFile[] = group.parts.map((p) => ({ path: p.path, role: 'weights', size: p.lfs?.size ?? p.size, sha256: p.lfs?.oid }));
  const files = [...weights, ...rc.docs];
  return { ...baseEntry(rc, `${rc.repo}/${group.name}`, `${pretty(rc.repo)} (${group.quantization}, CPU)`), engine: 'wllama', quantization: group.quantization, files, approxSizeBytes: bytesOf(files) };
}

async function ggufChoices(rc: RepoContext, rows: TreeEntry[]): Promise<CatalogEntry[]> {
  const groups = ggufGroups(rows);
  if (groups.length === 0) {
    const host = new URL(rc.ctx.hostUrl).host;
    throw inputError('no-gguf', rc.repo, `${rc.repo} on ${host} has no GGUF file (and is no MLC build), so Hearth has nothing to run from it. Look for a repository whose name ends in -GGUF.`);
  }
  // A GGUF without an LFS SHA-256 (rare: only tiny files) is hashed like the small files.
  return Promise.all(
    groups.map(async (g) => {
      const parts = await Promise.all(g.parts.map(async (p) => (p.lfs ? p : { ...p, lfs: { oid: (await pinTreeFile(rc.ctx, rc.repo, rc.commit, p, 'weights')).file.sha256 as string, size: p.size } })));
      return ggufChoice(rc, { ...g, parts });
    }),
  );
}

async function mlcChoice(rc: RepoContext, rows: TreeEntry[], known: CatalogEntry[]): Promise<CatalogEntry> {
  const byPath = new Map(rows.map((r) => [r.path, r]));
  const json = async (path: string): Promise<{ value: unknown; file: CatalogFile } | null> => {
    const row = byPath.get(path);
    if (!row) return null;
    const pinned = await pinTreeFile(rc.ctx, rc.repo, rc.commit, row, path === 'mlc-chat-config.json' ? 'chat-config' : 'tensor-cache');
    try {
      return { value: JSON.parse(decoder.decode(pinned.bytes)), file: pinned.file };
    } catch {
      return { value: null, file: pinned.file };
    }
  };
  const config = await json('mlc-chat-config.json');
  const architecture = architectureOf(config?.value);
  const library = architecture ? libraryFor(architecture, known) : undefined;
  if (!architecture || !library?.modelLib) throw inputError('mlc-needs-library', rc.repo, noLibraryMessage(rc.repo, architecture, known));
  const tensorCache = await json('tensor-cache.json');
  const shards = shardsOf(tensorCache?.value);
  const tokenizer = byPath.get('tokenizer.json') ?? byPath.get('tokenizer.model');
  const missing = [...(shards ?? ['tensor-cache.json']).filter((s) => !byPath.has(s)), ...(tokenizer ? [] : ['tokenizer.json'])];
  if (!config || !tensorCache || !shards || !tokenizer || missing.length > 0) {
    throw inputError('mlc-missing-files', rc.repo, `${rc.repo} is an MLC build without every file it needs (${missing.join(', ')}).`, missing);
  }
  const files: CatalogFile[] = [
    config.file,
    (await pinTreeFile(rc.ctx, rc.repo, rc.commit, tokenizer, 'tokenizer')).file,
    tensorCache.file,
    ...shards.map((s): CatalogFile => {
      const row = byPath.get(s) as TreeEntry;
      return { path: s, role: 'weights', size: row.lfs?.size ?? row.size, sha256: row.lfs?.oid };
    }),
    ...rc.docs,
  ];
  const unhashed = files.filter((f) => !f.sha256);
  for (const f of unhashed) Object.assign(f, (await pinTreeFile(rc.ctx, rc.repo, rc.commit, byPath.get(f.path) as TreeEntry, f.role)).file);
  const context = (config.value as { context_window_size?: number }).context_window_size ?? 4096;
  return {
    ...baseEntry(rc, rc.repo, `${pretty(rc.repo)} (${architecture.quantization}, WebGPU)`),
    engine: 'webllm',
    quantization: architecture.quantization,
    files,
    ...libraryFacts(library, library.modelLib, architecture, context),
    parameters: library.parameters,
    approxSizeBytes: bytesOf(files) + (library.modelLib.size ?? 0),
  };
}

/** Bytes the browser says this site may still store (Infinity when it does not say). */
export async function availableStorage(): Promise<number> {
  const estimate = await globalThis.navigator?.storage?.estimate?.().catch(() => undefined);
  return estimate?.quota ? Math.max(0, estimate.quota - (estimate.usage ?? 0)) : Number.POSITIVE_INFINITY;
}

/**
 * What a repository offers. `known` are the entries whose model libraries Hearth has (an MLC
 * repository is accepted only for one of their architectures).
 */
export async function inspectRepo(input: string, hostUrl: string, known: CatalogEntry[], signal?: AbortSignal): Promise<RepoInspection> {
  const request = parseRepoInput(input, hostUrl);
  const ctx: HubContext = { hostUrl, modelId: request.repo, signal };
  const info = await revisionInfo(ctx, request.repo, request.revision);
  if (info.gated) {
    throw new TypedError({
      name: 'GatedError',
      message: `${request.repo} on ${new URL(hostUrl).host} needs signing in on Hugging Face (it is gated). Hearth downloads public models only, without an account: look for a public build of it (for example a GGUF repository).`,
      modelId: request.repo,
      repo: request.repo,
      path: `the revision ${request.revision}`,
      url: hostUrl,
      status: 401,
    });
  }
  const rows = await listFiles(ctx, request.repo, info.sha);
  const docs = await Promise.all(documentRows(rows).map((d) => pinTreeFile(ctx, request.repo, info.sha, d.row, d.role)));
  const textOf = (role: string): string | null => {
    const doc = docs.find((d) => d.file.role === role);
    return doc?.bytes ? decoder.decode(doc.bytes) : null;
  };
  const cardText = textOf('model-card');
  const lineage = lineageFromCard(cardText);
  const origin: EntryOrigin = { kind: 'repository', hostUrl, repo: request.repo, commit: info.sha, requestedRevision: request.revision, addedAt: Date.now() };
  const rc: RepoContext = { ctx, repo: request.repo, commit: info.sha, origin, lineage, docs: docs.map((d) => d.file) };
  const isMlc = rows.some((r) => r.path === 'mlc-chat-config.json');
  const entries = isMlc ? [await mlcChoice(rc, rows, known)] : await ggufChoices(rc, rows);
  const availableBytes = await availableStorage();
  const choices: RepoChoice[] = entries.map((entry) => ({
    entry,
    quantization: entry.quantization,
    bytes: entry.approxSizeBytes,
    weightFiles: entry.files.filter((f) => f.role === 'weights').map((f) => f.path),
    fitsStorage: entry.approxSizeBytes <= availableBytes,
  }));
  // A URL that pointed at one file puts that choice first.
  if (request.file) choices.sort((a, b) => Number(b.weightFiles.includes(request.file as string)) - Number(a.weightFiles.includes(request.file as string)));
  const licence = docs.find((d) => d.file.role === 'licence');
  return {
    hostUrl,
    repo: request.repo,
    requestedRevision: request.revision,
    commit: info.sha,
    kind: isMlc ? 'mlc' : 'gguf',
    cardText,
    licenceText: textOf('licence'),
    licenceFile: licence?.file.path ?? null,
    lineage,
    choices,
    availableBytes: Number.isFinite(availableBytes) ? availableBytes : -1,
  };
}
