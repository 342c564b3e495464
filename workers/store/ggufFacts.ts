/**
 * A GGUF's own header (architecture, size, quantization, context, chat template, licence, base
 * model), read with `@huggingface/gguf` through Range reads: of a file on disk (a Blob, sliced,
 * never read whole) or of a file on the model host (2 MB ranges, the only header sent being
 * `Range`). Only the header is read, a few MB at most.
 */
import { GGMLFileQuantizationType, gguf, parseGGUFQuantLabel } from '@huggingface/gguf';
import type { CatalogEntry, KvHeadSizes } from '../shared/catalog';
import type { GgufFacts } from '../shared/storeProtocol';

type Metadata = Record<string, unknown>;

/** A `fetch` that answers the reader's Range requests from a Blob (no network, no blob: URL). */
export function blobRangeFetch(blob: Blob): typeof fetch {
  return (async (_url: RequestInfo | URL, init?: RequestInit) => {
    const range = /bytes=(\d+)-(\d*)/.exec(new Headers(init?.headers).get('range') ?? '');
    const start = range ? Math.min(Number(range[1]), blob.size) : 0;
    const end = range && range[2] !== '' ? Math.min(Number(range[2]) + 1, blob.size) : blob.size;
    const body = blob.slice(start, end);
    return new Response(body, { status: 206, headers: { 'Content-Range': `bytes ${start}-${Math.max(start, end - 1)}/${blob.size}`, 'Content-Length': String(body.size) } });
  }) as typeof fetch;
}

/** Whether a Blob starts with the GGUF magic bytes. */
export async function looksLikeGguf(blob: Blob): Promise<boolean> {
  const head = new Uint8Array(await blob.slice(0, 4).arrayBuffer());
  return head.length === 4 && head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);
const count = (value: unknown): number | null => (typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : null);

/** `general.base_model.N.{repo_url,organization,name}` as repository ids where they can be told. */
function baseModelsOf(md: Metadata): string[] {
  const n = count(md['general.base_model.count']) ?? 0;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const url = text(md[`general.base_model.${i}.repo_url`]);
    const fromUrl = url ? /huggingface\.co\/([^/]+\/[^/?#]+)/.exec(url)?.[1] : undefined;
    const org = text(md[`general.base_model.${i}.organization`]);
    const name = text(md[`general.base_model.${i}.name`]);
    const id = fromUrl ?? (org && name ? `${org.toLowerCase().replace(/\s+/g, '-')}/${name.replace(/\s+/g, '-')}` : name);
    if (id) out.push(id);
  }
  return out;
}

/**
 * KV cache values per token: `<arch>.block_count` x `<arch>.attention.head_count_kv` (one number,
 * or one per layer) x (key + value head size: `attention.key_length`/`value_length`, or
 * `embedding_length / head_count`). Null when a part is missing.
 */
export function kvValuesPerTokenOf(md: Metadata, arch: string): number | null {
  const layers = count(md[`${arch}.block_count`]);
  const rawKvHeads = md[`${arch}.attention.head_count_kv`] ?? md[`${arch}.attention.head_count`];
  const perLayer = Array.isArray(rawKvHeads) ? rawKvHeads.map(count) : null;
  const heads = kvHeadSizesOf(md, arch);
  if (!layers || !heads) return null;
  const kvHeads = perLayer ? (perLayer.every((n) => n !== null) ? (perLayer as number[]).reduce((a, n) => a + n, 0) : null) : count(rawKvHeads);
  if (!kvHeads) return null;
  return (perLayer ? kvHeads : layers * kvHeads) * (heads.key + heads.value);
}

/**
 * One attention head's key and value sizes: `<arch>.attention.key_length`/`value_length`, or
 * `embedding_length / head_count` (as llama.cpp reads them). Null when a part is missing.
 */
export function kvHeadSizesOf(md: Metadata, arch: string): KvHeadSizes | null {
  const heads = count(md[`${arch}.attention.head_count`]);
  const embedding = count(md[`${arch}.embedding_length`]);
  const headSize = embedding && heads ? embedding / heads : null;
  const key = count(md[`${arch}.attention.key_length`]) ?? headSize;
  const value = count(md[`${arch}.attention.value_length`]) ?? headSize;
  return key && value && Number.isInteger(key) && Number.isInteger(value) ? { key, value } : null;
}

/** The catalog entry fields that size llama.cpp's KV cache, from a GGUF's facts (none it lacks). */
export function kvCacheFieldsOf(facts: Pick<GgufFacts, 'kvValuesPerToken' | 'kvHeadSizes'>): Pick<CatalogEntry, 'kvValuesPerToken' | 'kvHeadSizes'> {
  return { ...(facts.kvValuesPerToken ? { kvValuesPerToken: facts.kvValuesPerToken } : {}), ...(facts.kvHeadSizes ? { kvHeadSizes: facts.kvHeadSizes } : {}) };
}

/** What sizes a KV cache, from a GGUF's header (a split GGUF's first part); nulls when it cannot be read. */
export async function kvCacheFactsOfBlob(blob: Blob): Promise<{ kvValuesPerToken: number | null; kvHeadSizes: KvHeadSizes | null }> {
  try {
    const parsed = await gguf('https://file.invalid/model.gguf', { fetch: blobRangeFetch(blob) });
    const md = parsed.metadata as unknown as Metadata;
    const arch = text(md['general.architecture']) ?? 'llama';
    return { kvValuesPerToken: kvValuesPerTokenOf(md, arch), kvHeadSizes: kvHeadSizesOf(md, arch) };
  } catch {
    return { kvValuesPerToken: null, kvHeadSizes: null };
  }
}

/** The facts Hearth shows and uses (parameter count from the tensor shapes). */
function factsOf(md: Metadata, parameters: number, fileName: string): GgufFacts {
  const arch = text(md['general.architecture']) ?? 'unknown';
  const fileType = count(md['general.file_type']);
  const quantization = (fileType !== null ? GGMLFileQuantizationType[fileType] : undefined) ?? parseGGUFQuantLabel(fileName) ?? 'unknown';
  return {
    architecture: arch,
    name: text(md['general.name']),
    parameters,
    quantization,
    contextLength: count(md[`${arch}.context_length`]),
    chatTemplate: text(md['tokenizer.chat_template']),
    licence: text(md['general.license']),
    baseModels: baseModelsOf(md),
    splitCount: count(md['split.count']) ?? 1,
    kvValuesPerToken: kvValuesPerTokenOf(md, arch),
    kvHeadSizes: kvHeadSizesOf(md, arch),
  };
}

/**
 * The facts of a GGUF, from its parts (one Blob, or a split GGUF's parts in order): metadata
 * from the first part, parameters summed over every part. Throws when a part is not a GGUF.
 */
export async function ggufFactsOf(parts: { name: string; blob: Blob }[]): Promise<GgufFacts> {
  let first: GgufFacts | null = null;
  let parameters = 0;
  for (const part of parts) {
    // The reader wants an http(s) address in Node; the fetch below never goes to it.
    const parsed = await gguf(`https://file.invalid/${encodeURIComponent(part.name)}`, { fetch: blobRangeFetch(part.blob), computeParametersCount: true });
    parameters += parsed.parameterCount;
    first ??= factsOf(parsed.metadata as unknown as Metadata, 0, part.name);
  }
  if (!first) throw new Error('no GGUF part');
  return { ...first, parameters };
}

/** The facts of GGUF files on a model host, read by Range (redirects followed, no extra headers). */
export async function remoteGgufFacts(urls: string[], signal?: AbortSignal): Promise<GgufFacts> {
  const rangeOnly = ((url: RequestInfo | URL, init?: RequestInit) => fetch(url, { ...init, signal, cache: 'no-store' })) as typeof fetch;
  let first: GgufFacts | null = null;
  let parameters = 0;
  for (const url of urls) {
    const parsed = await gguf(url, { fetch: rangeOnly, computeParametersCount: true });
    parameters += parsed.parameterCount;
    first ??= factsOf(parsed.metadata as unknown as Metadata, 0, url.split('/').pop() ?? url);
  }
  if (!first) throw new Error('no GGUF part');
  return { ...first, parameters };
}
