/**
 * What a model card's YAML front matter says about a derivative (licence, base model, tags),
 * read with a real YAML parser: cards carry nested blocks (`model-index`, `widget`) and lists in
 * every style, and only the keys below are used. Also which Llama licence binds a model.
 */
import { parse } from 'yaml';
import type { LicenceInfo, ModelLineage } from '../shared/catalog';

const frontMatterPattern = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** The card's front matter as an object; empty when it has none or it does not parse. */
export function frontMatterOf(card: string): Record<string, unknown> {
  const match = frontMatterPattern.exec(card);
  if (!match) return {};
  try {
    const data: unknown = parse(match[1], { maxAliasCount: 50 });
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  } catch {
    // A card whose YAML is broken still shows as text; it just tells us nothing.
    return {};
  }
}

const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());

/** Licence, base model(s) and tags of a card (`license`, `license_name`, `license_link`, `base_model`, `tags`). */
export function lineageFromCard(card: string | null): ModelLineage {
  const fm = card ? frontMatterOf(card) : {};
  const licence = strings(fm.license)[0] ?? null;
  // `license: other` comes with the real name in `license_name`.
  const named = strings(fm.license_name)[0];
  const link = strings(fm.license_link)[0];
  return {
    baseModels: strings(fm.base_model),
    declaredLicence: licence === 'other' && named ? named : (licence ?? named ?? null),
    ...(link ? { licenceLink: link } : {}),
    tags: strings(fm.tags),
    from: 'model-card',
  };
}

/** Meta's licence pages, by the Hugging Face licence id. */
const llamaLicences: Record<string, { version: string; page: string }> = {
  llama2: { version: '2', page: 'llama2' },
  llama3: { version: '3', page: 'llama3' },
  'llama3.1': { version: '3.1', page: 'llama3_1' },
  'llama3.2': { version: '3.2', page: 'llama3_2' },
  'llama3.3': { version: '3.3', page: 'llama3_3' },
  llama4: { version: '4', page: 'llama4' },
};

function llamaLicence(id: string): LicenceInfo {
  const known = llamaLicences[id] ?? llamaLicences['llama3.2'];
  const version = known.version;
  return {
    name: `Llama ${version} Community License Agreement`,
    version,
    url: `https://www.llama.com/${known.page}/license/`,
    usePolicyUrl: `https://www.llama.com/${known.page}/use-policy/`,
  };
}

/** The Llama licence id a base model's name implies (`meta-llama/Llama-3.2-1B-Instruct` -> `llama3.2`). */
function licenceIdOfBase(base: string): string | null {
  if (!/^meta-llama\//i.test(base)) return null;
  const version = /llama-?(\d)(?:[.-](\d))?/i.exec(base.split('/')[1] ?? '');
  if (!version) return 'llama3.2';
  const id = version[2] && version[1] !== '2' ? `llama${version[1]}.${version[2]}` : `llama${version[1]}`;
  return llamaLicences[id] ? id : 'llama3.2';
}

/**
 * The licence that governs a model: a Llama licence when the model names one or its base model
 * is Meta's (a fine-tune stays bound by its base model's licence whatever its card says), else
 * what it declares.
 */
export function governingLicence(lineage: ModelLineage): LicenceInfo {
  const declared = lineage.declaredLicence?.toLowerCase().replace(/\s+/g, '') ?? '';
  if (/^llama\d/.test(declared)) return llamaLicence(declared.replace(/-community.*$/, ''));
  const fromBase = lineage.baseModels.map(licenceIdOfBase).find((id) => id !== null);
  if (fromBase) return llamaLicence(fromBase);
  return {
    name: lineage.declaredLicence ?? 'No licence named',
    version: '',
    url: lineage.licenceLink && /^https?:\/\//.test(lineage.licenceLink) ? lineage.licenceLink : '',
    usePolicyUrl: '',
  };
}
