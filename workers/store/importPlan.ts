/**
 * Importing from a disk, first step: what the picked files are. A GGUF (or a split GGUF's parts)
 * or an MLC folder, checked for completeness, read for its own metadata, hashed (or, beside an
 * export manifest, checked against it), and recognised (see `importIdentity.ts`). The result is
 * a plan: the entry, the manifest its files are stored under, and each file's SHA-256.
 */
import { parseGgufShardFilename } from '@huggingface/gguf';
import type { CatalogEntry, CatalogFile, FileRole, ModelLineage } from '../shared/catalog';
import { inputError } from '../shared/errors';
import type { ExportManifest, GgufFacts, ImportProgress, ImportSource, ManifestFile, ModelManifest } from '../shared/storeProtocol';
import { exportManifestName } from '../shared/storeProtocol';
import { parseExportManifest } from './exportManifest';
import { ggufFactsOf, kvCacheFieldsOf, looksLikeGguf } from './ggufFacts';
import { entryFromExport, matchKnown, type KnownModel } from './importIdentity';
import { hashFile, ImportMeter } from './importWrite';
import { architectureOf, libraryFacts, libraryFor, noLibraryMessage, shardsOf } from './mlcBuild';
import { governingLicence } from './modelCard';
import { modelLibFile } from './modelLibrary';
import { isFullyPinned, resolveManifest, targetFor } from './manifest';

/** Base of the addresses imported files that match no known model are stored under (never fetched). */
export const importBase = 'https://hearth-import.invalid/';

/** One picked file that is part of the model, under the path the model's manifest gives it. */
export interface PlannedFile {
  row: ManifestFile;
  source: File;
  sha256: string;
}

/** What an import will store. */
export interface ImportPlan {
  entry: CatalogEntry;
  manifest: ModelManifest;
  files: PlannedFile[];
  matched: 'known-hash' | 'export-manifest' | 'none';
  matchedList?: KnownModel['list'];
  ggufFacts?: GgufFacts;
}

export interface PlanContext {
  hostUrl: string;
  known: KnownModel[];
  onProgress(progress: ImportProgress): void;
  signal?: AbortSignal;
}

const baseName = (path: string): string => path.split('/').pop() ?? path;
const docRole = (name: string): FileRole | null =>
  /^readme\.md$/i.test(name) ? 'model-card' : /^licen[cs]e(\.(md|txt))?$/i.test(name) ? 'licence' : /^use_policy\.md$/i.test(name) ? 'use-policy' : null;
const mlcRole = (name: string): FileRole | null =>
  name === 'mlc-chat-config.json' ? 'chat-config' : name === 'tensor-cache.json' ? 'tensor-cache' : name === 'tokenizer.json' || name === 'tokenizer.model' ? 'tokenizer' : /\.wasm$/.test(name) ? 'model-lib' : /^params_shard_\d+\.bin$/.test(name) ? 'weights' : null;

/** A picked file with the role it plays and its name inside the model. */
interface Picked {
  path: string;
  role: FileRole;
  source: File;
}

async function readJson(source: File, name: string): Promise<unknown> {
  try {
    return JSON.parse(await source.text());
  } catch {
    throw inputError('mlc-missing-files', name, `${name} is not valid JSON, so this is no MLC build Hearth can read.`, [name]);
  }
}

/** The GGUF file(s) of one model among the picked ones, in order, with their metadata. */
async function pickGguf(sources: ImportSource[]): Promise<{ parts: Picked[]; facts: GgufFacts }> {
  const ggufs = sources.filter((s) => /\.gguf$/i.test(baseName(s.path)));
  for (const s of ggufs) {
    if (!(await looksLikeGguf(s.file))) throw inputError('not-gguf', s.path, `${baseName(s.path)} is not a GGUF file (it does not start with the GGUF signature), so it was not imported.`, [s.path]);
  }
  const shards = ggufs.map((s) => ({ s, shard: parseGgufShardFilename(baseName(s.path)) }));
  const models = new Set(shards.map(({ s, shard }) => (shard ? `${shard.prefix}/${shard.total}` : s.path)));
  if (models.size > 1) throw inputError('incomplete-split', ggufs.map((s) => s.path).join(', '), 'These files are more than one model. Import one GGUF (or the parts of one split GGUF) at a time.', ggufs.map((s) => s.path));
  const first = shards[0]?.shard;
  if (first) {
    const total = Number(first.total);
    const have = new Set(shards.map(({ shard }) => Number(shard?.shard)));
    const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !have.has(i)).map((i) => `${first.prefix}-${String(i).padStart(5, '0')}-of-${first.total}.gguf`);
    if (missing.length) throw inputError('incomplete-split', first.prefix, `This GGUF is split into ${total} parts and ${missing.length === 1 ? 'one is' : `${missing.length} are`} missing: ${missing.join(', ')}. Pick every part together.`, missing);
  }
  const parts = shards.sort((a, b) => a.s.path.localeCompare(b.s.path)).map(({ s }): Picked => ({ path: baseName(s.path), role: 'weights', source: s.file }));
  let facts: GgufFacts;
  try {
    facts = await ggufFactsOf(parts.map((p) => ({ name: p.path, blob: p.source })));
  } catch (error) {
    throw inputError('not-gguf', parts[0].path, `${parts[0].path} starts like a GGUF but its header could not be read (${error instanceof Error ? error.message : String(error)}). The file may be damaged or truncated.`, [parts[0].path]);
  }
  if (!facts.chatTemplate) throw inputError('no-chat-template', parts[0].path, `${parts[0].path} has no chat template, so Hearth cannot form the prompts it was trained on. Import an Instruct or chat build.`, [parts[0].path]);
  return { parts, facts };
}

/** The files of an MLC folder; every one its config and tensor cache need must be there. */
async function pickMlc(sources: ImportSource[]): Promise<{ files: Picked[]; config: unknown; paramSize: number }> {
  const byName = new Map<string, ImportSource>();
  for (const s of [...sources].sort((a, b) => a.path.split('/').length - b.path.split('/').length)) if (!byName.has(baseName(s.path))) byName.set(baseName(s.path), s);
  const config = byName.get('mlc-chat-config.json');
  const cache = byName.get('tensor-cache.json');
  const tensorCache = cache ? await readJson(cache.file, 'tensor-cache.json') : null;
  const shards = shardsOf(tensorCache) ?? [];
  const tokenizer = byName.has('tokenizer.json') ? 'tokenizer.json' : byName.has('tokenizer.model') ? 'tokenizer.model' : null;
  const needed = ['mlc-chat-config.json', 'tensor-cache.json', ...shards];
  const missing = [...needed.filter((n) => !byName.has(n)), ...(tokenizer ? [] : ['tokenizer.json'])];
  if (missing.length) throw inputError('mlc-missing-files', 'folder', `This MLC folder lacks ${missing.length === 1 ? 'a file' : `${missing.length} files`} the model needs: ${missing.join(', ')}. Nothing was imported.`, missing);
  const files: Picked[] = [...needed, tokenizer as string].map((name) => ({ path: name, role: mlcRole(name) as FileRole, source: (byName.get(name) as ImportSource).file }));
  const lib = [...byName.values()].find((s) => /\.wasm$/.test(baseName(s.path)));
  if (lib) files.push({ path: baseName(lib.path), role: 'model-lib', source: lib.file });
  const paramSize = (tensorCache as { metadata?: { ParamSize?: number } }).metadata?.ParamSize ?? 0;
  return { files, config: await readJson((config as ImportSource).file, 'mlc-chat-config.json'), paramSize };
}

function picksOf(sources: ImportSource[]): Picked[] {
  return sources.filter((s) => docRole(baseName(s.path))).map((s) => ({ path: baseName(s.path), role: docRole(baseName(s.path)) as FileRole, source: s.file }));
}

const row = (p: Picked, engine: CatalogEntry['engine'], url: string, sha256: string, trust: ManifestFile['trust']): ManifestFile => ({
  path: p.path,
  role: p.role,
  url,
  size: p.source.size,
  expected: { kind: 'sha256', sha256 },
  trust,
  target: targetFor(p.role, engine, url),
});

/** Works out what the picked files are and under which model and addresses they will be stored. */
export async function planImport(sources: ImportSource[], ctx: PlanContext): Promise<ImportPlan> {
  if (sources.length === 0) throw inputError('nothing-picked', '', 'Nothing was picked: choose a GGUF file or an MLC folder.');
  const manifestSource = sources.find((s) => baseName(s.path) === exportManifestName);
  const exported: ExportManifest | null = manifestSource ? parseExportManifest(await manifestSource.file.text(), exportManifestName) : null;
  const rest = sources.filter((s) => s !== manifestSource);
  const isMlc = rest.some((s) => ['mlc-chat-config.json', 'tensor-cache.json'].includes(baseName(s.path)));
  const engine: CatalogEntry['engine'] = isMlc ? 'webllm' : 'wllama';
  if (!isMlc && !rest.some((s) => /\.gguf$/i.test(s.path))) {
    const names = rest.filter((s) => !docRole(baseName(s.path))).map((s) => baseName(s.path));
    if (names.length === 0) throw inputError('nothing-picked', '', 'Only a model card or licence was picked: choose the GGUF file (or MLC folder) too.');
    throw inputError('not-gguf', names.join(', '), `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} not a GGUF file or an MLC folder, so nothing was imported.`, names);
  }
  ctx.onProgress({ phase: 'checking', file: rest[0]?.path ?? '', bytesDone: 0, bytesTotal: 0 });
  const gguf = isMlc ? null : await pickGguf(rest);
  const mlc = isMlc ? await pickMlc(rest) : null;
  const model: Picked[] = gguf?.parts ?? mlc!.files;
  const picked = [...model, ...picksOf(rest)];

  // Beside an export manifest every file is checked against it as it is stored; else hashed first.
  const claimed = new Map(exported?.files.map((f) => [baseName(f.path), f]) ?? []);
  const toHash = picked.filter((p) => !claimed.has(p.path));
  for (const p of picked) {
    const c = claimed.get(p.path);
    if (c && c.size !== p.source.size) throw inputError('export-mismatch', p.path, `${p.path} has ${p.source.size} bytes but the export manifest says ${c.size}: it is not the exported file. Nothing was imported.`, [p.path]);
  }
  const meter = new ImportMeter('hashing', toHash.reduce((s, p) => s + p.source.size, 0), ctx.onProgress);
  const sha = new Map<string, string>();
  for (const p of picked) sha.set(p.path, claimed.get(p.path)?.sha256 ?? (await hashFile(p.source, p.path, meter, ctx.signal)));
  const hashes = picked.map((p) => ({ path: p.path, sha256: sha.get(p.path) as string }));
  const facts = gguf?.facts;

  // Beside an export manifest the files are the model it names: a known model of that id whose
  // hashes they equal, or else the manifest's own entry (never another model with equal files).
  const candidates = exported ? ctx.known.filter((k) => k.entry.id === exported.entry.id) : ctx.known;
  const match = matchKnown(candidates, engine, hashes);
  if (match) {
    const { entry } = match.model;
    const resolved = match.model.manifest ?? (isFullyPinned(entry) && (!entry.modelLib || entry.modelLib.sha256) ? await resolveManifest(entry, ctx.hostUrl, ctx.signal) : null);
    if (resolved) {
      const byPath = new Map(picked.map((p) => [p.path, p]));
      const files = [...match.pathOf].map(([path, from]) => ({ row: resolved.files.find((f) => f.path === path), source: byPath.get(from)?.source, sha256: sha.get(from) as string }));
      const planned = files.filter((f): f is PlannedFile => f.row !== undefined && f.source !== undefined);
      // A catalog entry's other files (its card, say) are not asked for: the model is what was
      // picked, plus the library an MLC build cannot run without. A stored model keeps its own.
      const keep = match.model.manifest ? resolved.files : resolved.files.filter((f) => match.pathOf.has(f.path) || f.role === 'model-lib');
      const acquired = match.model.manifest?.acquired ?? { kind: 'import' as const, fileNames: picked.map((p) => p.path), importedAt: Date.now(), matched: 'known-hash' as const };
      const manifest: ModelManifest = { ...resolved, files: keep, acquired, ...(facts ? { ggufFacts: facts } : {}) };
      return { entry, manifest, files: planned, matched: 'known-hash', matchedList: match.model.list, ggufFacts: facts };
    }
  }

  if (exported) {
    // An export from before entries carried the KV cache's sizes gets them from the GGUF just read.
    const entry = facts ? { ...kvCacheFieldsOf(facts), ...entryFromExport(exported, ctx.known) } : entryFromExport(exported, ctx.known);
    const src = exported.source;
    const byPath = new Map(exported.files.map((f) => [baseName(f.path), f]));
    const unlisted = model.filter((p) => !byPath.has(p.path)).map((p) => p.path);
    if (unlisted.length) throw inputError('export-mismatch', unlisted.join(', '), `${unlisted.join(', ')} ${unlisted.length === 1 ? 'is' : 'are'} not in the export manifest beside ${unlisted.length === 1 ? 'it' : 'them'}: these are not the exported model's files. Nothing was imported.`, unlisted);
    const planned = picked.filter((p) => byPath.has(p.path)).map((p): PlannedFile => ({ row: row(p, engine, byPath.get(p.path)!.url, byPath.get(p.path)!.sha256, 'export'), source: p.source, sha256: sha.get(p.path) as string }));
    const pickedNames = new Set(picked.map((p) => p.path));
    const absent = exported.files.filter((f) => !pickedNames.has(baseName(f.path)));
    const lacking = absent.filter((f) => ['weights', 'chat-config', 'tokenizer', 'tensor-cache'].includes(f.role)).map((f) => f.path);
    if (lacking.length) throw inputError(isMlc ? 'mlc-missing-files' : 'incomplete-split', lacking.join(', '), `The export manifest lists files that were not picked: ${lacking.join(', ')}. Pick the whole exported folder.`, lacking);
    // A library left behind is fetched from where the exporting device had it, when first needed.
    const libRows = absent.filter((f) => f.role === 'model-lib').map((f): ManifestFile => ({ path: f.path, role: f.role, url: f.url, size: f.size, expected: { kind: 'sha256', sha256: f.sha256 }, trust: 'export', target: targetFor(f.role, engine, f.url) }));
    const manifest: ModelManifest = {
      modelId: entry.id,
      engine,
      hostUrl: src.hostUrl,
      repo: src.repo,
      revision: src.revision,
      baseUrl: src.baseUrl,
      ...(src.modelLibUrl ? { modelLibUrl: src.modelLibUrl } : {}),
      files: [...planned.map((p) => p.row), ...libRows],
      hashesFrom: 'export',
      resolvedAt: Date.now(),
      acquired: { kind: 'import', fileNames: picked.map((p) => p.path), importedAt: Date.now(), matched: 'export-manifest', exportedFrom: { hostUrl: src.hostUrl, repo: src.repo, revision: src.revision, exportedAt: exported.exportedAt } },
      ...(facts ? { ggufFacts: facts } : {}),
    };
    return { entry, manifest, files: planned, matched: 'export-manifest', ggufFacts: facts };
  }

  return newModelPlan(picked, sha, ctx, facts, mlc);
}

/** Files that match nothing known: a new model, "imported from a file", stored under import addresses. */
async function newModelPlan(picked: Picked[], sha: Map<string, string>, ctx: PlanContext, facts: GgufFacts | undefined, mlc: { config: unknown; paramSize: number } | null): Promise<ImportPlan> {
  const main = picked.find((p) => p.role === 'weights') as Picked;
  const tag = (sha.get(main.path) as string).slice(0, 16);
  const engine: CatalogEntry['engine'] = mlc ? 'webllm' : 'wllama';
  const fileNames = picked.map((p) => p.path);
  const lineage: ModelLineage | undefined = facts && (facts.baseModels.length || facts.licence) ? { baseModels: facts.baseModels, declaredLicence: facts.licence, tags: [], from: 'gguf-metadata' } : undefined;
  const common = {
    source: { repo: `imported/${tag}`, revision: null },
    requiredFeatures: [] as string[],
    licence: governingLicence(lineage ?? { baseModels: [], declaredLicence: null, tags: [], from: 'gguf-metadata' }),
    modelCardUrl: '',
    origin: { kind: 'file' as const, fileNames, importedAt: Date.now() },
    ...(lineage ? { lineage } : {}),
  };
  let entry: CatalogEntry;
  if (facts) {
    const trained = facts.contextLength ?? 4096;
    const name = facts.name ?? main.path.replace(/(-\d{5}-of-\d{5})?\.gguf$/i, '');
    entry = { ...common, id: `imported/${tag}`, displayName: `${name} (${facts.quantization}, CPU)`, parameters: facts.parameters, quantization: facts.quantization, engine, files: [], contextWindow: Math.min(trained, 4096), trainedContextWindow: trained, approxSizeBytes: 0, ...kvCacheFieldsOf(facts) };
  } else {
    const architecture = architectureOf(mlc!.config);
    const known = ctx.known.map((k) => k.entry);
    const library = architecture ? libraryFor(architecture, known) : undefined;
    if (!architecture || !library?.modelLib) throw inputError('mlc-needs-library', 'folder', noLibraryMessage('This folder', architecture, known));
    const context = (mlc!.config as { context_window_size?: number }).context_window_size ?? 4096;
    entry = {
      ...common,
      id: `imported/${tag}`,
      displayName: `Imported MLC model ${tag.slice(0, 8)} (${architecture.quantization}, WebGPU)`,
      parameters: mlc!.paramSize || library.parameters,
      quantization: architecture.quantization,
      engine,
      files: [],
      ...libraryFacts(library, library.modelLib, architecture, context),
      approxSizeBytes: 0,
    };
  }
  const baseUrl = new URL(`${encodeURIComponent(entry.id)}/resolve/${tag}/`, importBase).href;
  const lib = entry.modelLib ? await modelLibFile(entry, { hostUrl: ctx.hostUrl, modelId: entry.id, signal: ctx.signal }) : undefined;
  const pickedLib = picked.find((p) => p.role === 'model-lib');
  // A library from the folder is used only when it is the known library, byte for byte.
  const libMatches = lib && pickedLib && lib.expected.kind === 'sha256' && lib.expected.sha256 === sha.get(pickedLib.path);
  const planned = picked
    .filter((p) => p.role !== 'model-lib')
    .map((p): PlannedFile => ({ row: row(p, engine, new URL(encodeURIComponent(p.path), baseUrl).href, sha.get(p.path) as string, 'imported'), source: p.source, sha256: sha.get(p.path) as string }));
  if (lib && pickedLib && libMatches) planned.push({ row: lib, source: pickedLib.source, sha256: sha.get(pickedLib.path) as string });
  const files: CatalogFile[] = planned.map((p) => ({ path: p.row.path, role: p.row.role, size: p.row.size, sha256: p.sha256 }));
  entry = { ...entry, files, approxSizeBytes: files.reduce((s, f) => s + (f.size ?? 0), 0) };
  const manifest: ModelManifest = {
    modelId: entry.id,
    engine,
    hostUrl: importBase,
    repo: entry.source.repo,
    revision: sha.get(main.path) as string,
    baseUrl,
    ...(lib ? { modelLibUrl: lib.url } : {}),
    files: [...planned.map((p) => p.row), ...(lib && !libMatches ? [lib] : [])],
    hashesFrom: 'import',
    resolvedAt: Date.now(),
    acquired: { kind: 'import', fileNames, importedAt: Date.now(), matched: 'none' },
    ...(facts ? { ggufFacts: facts } : {}),
  };
  return { entry, manifest, files: planned, matched: 'none', ggufFacts: facts };
}
