/**
 * Structural checks on a catalog, shared by the tools that write catalogs and the contract test.
 * A pinned entry must say exactly what to download and what its bytes hash to.
 */
import type { CatalogEntry } from '../shared/catalog';
import { isCommitHash } from '../shared/catalog';

const sha256Pattern = /^[0-9a-f]{64}$/;

/** Problems found in a catalog, one readable line each; empty when it is sound. */
export function checkCatalog(entries: CatalogEntry[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const at = `${entry.id}:`;
    if (seen.has(entry.id)) problems.push(`${at} duplicate id`);
    seen.add(entry.id);

    const revision = entry.source.revision;
    const pinned = revision !== null;
    if (pinned && !isCommitHash(revision)) {
      problems.push(`${at} revision ${JSON.stringify(revision)} is not a 40-hex commit`);
    }
    const paths = new Set<string>();
    for (const file of entry.files) {
      if (paths.has(file.path)) problems.push(`${at} file ${file.path} listed twice`);
      paths.add(file.path);
      if (pinned) {
        if (!Number.isSafeInteger(file.size) || (file.size ?? -1) < 0) {
          problems.push(`${at} pinned file ${file.path} has no valid size`);
        }
        if (!sha256Pattern.test(file.sha256 ?? '')) {
          problems.push(`${at} pinned file ${file.path} has no lower-case hex sha256`);
        }
      } else if (file.sha256 !== undefined) {
        // A hash without a revision could belong to any version of the file.
        problems.push(`${at} file ${file.path} has a sha256 but the entry is not pinned`);
      }
    }

    const roles = new Set(entry.files.map((f) => f.role));
    if (entry.engine === 'webllm') {
      if (!entry.modelLib) problems.push(`${at} web-llm entry without modelLib`);
      for (const role of ['chat-config', 'tokenizer', 'tensor-cache'] as const) {
        if (!roles.has(role)) problems.push(`${at} web-llm entry without a ${role} file`);
      }
      if (/f16/.test(entry.quantization) && !entry.requiredFeatures.includes('shader-f16')) {
        problems.push(`${at} f16 build does not require shader-f16`);
      }
    } else if (!entry.files.some((f) => f.role === 'weights' && f.path.endsWith('.gguf'))) {
      problems.push(`${at} wllama entry without a .gguf weights file`);
    }
    if (pinned && !roles.has('weights')) problems.push(`${at} pinned entry without weights`);
    // It sizes llama.cpp's KV cache: too small a number would give a large model an f32 cache.
    if (entry.kvValuesPerToken !== undefined && !positiveInteger(entry.kvValuesPerToken)) {
      problems.push(`${at} kvValuesPerToken is not a positive integer`);
    }
    // It decides whether an 8-bit cache can hold the model.
    if (entry.kvHeadSizes !== undefined && !(positiveInteger(entry.kvHeadSizes?.key) && positiveInteger(entry.kvHeadSizes?.value))) {
      problems.push(`${at} kvHeadSizes are not positive integers`);
    }
    if (entry.modelLib?.sha256 !== undefined && !sha256Pattern.test(entry.modelLib.sha256)) {
      problems.push(`${at} modelLib.sha256 is not lower-case hex`);
    }
    if (pinned && entry.modelLib) {
      // The library is compiled code: pinned like the weights, at a commit, never a branch.
      if (entry.modelLib.sha256 === undefined || entry.modelLib.size === undefined) problems.push(`${at} pinned entry's modelLib has no size and sha256`);
      const rev = /\/resolve\/([^/]+)\/|^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/([^/]+)\//.exec(entry.modelLib.url);
      if (rev && !isCommitHash(rev[1] ?? rev[2])) problems.push(`${at} modelLib url names the branch ${rev[1] ?? rev[2]}, not a commit`);
    }
    if (!(entry.approxSizeBytes > 0)) problems.push(`${at} approxSizeBytes must be positive`);
  }
  return problems;
}

function positiveInteger(n: unknown): boolean {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
}
