import type { CatalogEntry } from '../../workers/shared/catalog';
import type { DeviceReport } from '../../workers/shared/device';
import type { HashTrust } from '../../workers/shared/errors';
import type { ModelManifest } from '../../workers/shared/storeProtocol';
import { bytesOrigin, entryOrigin } from './provenance';

/** A stored, verified file as the BOM lists it. */
export interface BomFile {
  path: string;
  role: string;
  size: number;
  sha256: string;
  url: string;
  verifiedAt: number;
  /** Where the hash it was checked against came from (`first-use`: recorded at its first download). */
  trust?: HashTrust;
}

/** Everything the bill of materials describes: the model, its bytes, the engine and the app. */
export interface BomInput {
  entry: CatalogEntry;
  hostUrl: string;
  revision: string;
  /** The manifest the model is stored under (how its bytes got here); optional for older callers. */
  manifest?: ModelManifest;
  /** The model host's own list has the entry. */
  hosted?: boolean;
  files: BomFile[];
  engine: { name: string; version: string; description: string };
  app: { name: string; version: string };
  device: DeviceReport | null;
  /** Licence acceptance on this device, if recorded. */
  licenceAcceptedAt?: number;
  serialNumber: string;
  timestamp: Date;
}

type Json = Record<string, unknown>;

function npmPurl(name: string, version: string): string {
  return `pkg:npm/${name.startsWith('@') ? `%40${name.slice(1)}` : name}@${version}`;
}

function hfPurl(repo: string, revision: string): string {
  const [namespace, name] = repo.split('/');
  return `pkg:huggingface/${namespace}/${name}@${revision}`;
}

/**
 * The running model's bill of materials as CycloneDX 1.6 JSON: the model as a
 * machine-learning-model component (with its model card data and licence), every file it was
 * built from with its SHA-256, the source repository and revision as external references, and
 * the engine and the app as components with versions.
 */
/** The model's origin as BOM properties, and its base models as pedigree ancestors. */
function provenance(input: BomInput, prop: (name: string, value: string | number) => Json): { properties: Json[]; pedigree?: Json } {
  const { entry, manifest } = input;
  const o = entry.origin;
  const properties: Json[] = [prop('origin', o?.kind ?? (input.hosted ? 'host' : 'catalog')), prop('origin.description', entryOrigin(entry, input.hosted === true))];
  if (o?.kind === 'repository') properties.push(prop('origin.repository', o.repo), prop('origin.commit', o.commit), prop('origin.host', o.hostUrl), prop('origin.addedAt', new Date(o.addedAt).toISOString()));
  if (o?.kind === 'file') properties.push(prop('origin.files', o.fileNames.join(', ')), prop('origin.importedAt', new Date(o.importedAt).toISOString()));
  if (o?.kind === 'mirror') properties.push(prop('origin.upstream', o.upstream), prop('origin.mirroredAt', o.mirroredAt));
  if (manifest) {
    properties.push(prop('acquired', manifest.acquired?.kind ?? 'download'), prop('acquired.description', bytesOrigin(manifest)));
    if (manifest.acquired?.kind === 'import') properties.push(prop('acquired.matched', manifest.acquired.matched));
  }
  const lineage = entry.lineage;
  if (!lineage) return { properties };
  if (lineage.declaredLicence) properties.push(prop('declaredLicence', lineage.declaredLicence));
  for (const base of lineage.baseModels) properties.push(prop('baseModel', base));
  if (lineage.baseModels.length === 0) return { properties };
  // A derivative's base models are its ancestors; a Meta base model carries the Llama licence.
  const ancestors = lineage.baseModels.map((base) => {
    const repo = /^[^/\s]+\/[^/\s]+$/.test(base) ? base : null;
    return {
      type: 'machine-learning-model',
      name: base,
      ...(repo ? { purl: `pkg:huggingface/${repo}` } : {}),
      ...(/^meta-llama\//i.test(base) || /llama/i.test(entry.licence.name) ? { licenses: [{ license: { name: `${entry.licence.name}${entry.licence.version ? ` (version ${entry.licence.version})` : ''}`, ...(entry.licence.url ? { url: entry.licence.url } : {}) } }] } : {}),
    };
  });
  return { properties, pedigree: { ancestors, notes: `Derived from ${lineage.baseModels.join(', ')} (${lineage.from === 'gguf-metadata' ? "the GGUF's metadata" : 'its model card'}).` } };
}

export function buildBom(input: BomInput): Json {
  const { entry, files, engine, app } = input;
  const modelRef = `model:${entry.id}@${input.revision}`;
  const engineRef = `engine:${engine.name}@${engine.version}`;
  const appRef = `app:${app.name}@${app.version}`;
  const prop = (name: string, value: string | number): Json => ({ name: `hearth:${name}`, value: String(value) });
  // Imported files that matched no known model have no repository: their source is the file.
  const fromFile = entry.origin?.kind === 'file';
  const repoUrl = fromFile ? null : new URL(`${entry.source.repo}/tree/${input.revision}`, `${input.hostUrl.replace(/\/$/, '')}/`).href;
  const license = { license: { name: `${entry.licence.name}${entry.licence.version ? ` (version ${entry.licence.version})` : ''}`, ...(entry.licence.url ? { url: entry.licence.url } : {}) } };
  const origin = provenance(input, prop);

  const fileComponents = files.map((f) => ({
    type: f.role === 'model-lib' ? 'library' : 'file',
    'bom-ref': `file:${entry.id}/${f.path}`,
    name: f.path,
    version: input.revision,
    hashes: [{ alg: 'SHA-256', content: f.sha256 }],
    externalReferences: fromFile ? [] : [{ type: 'distribution', url: f.url }],
    properties: [
      prop('role', f.role),
      prop('size', f.size),
      prop('verifiedAt', new Date(f.verifiedAt).toISOString()),
      prop('hashTrust', f.trust === 'first-use' ? 'trusted on first use' : f.trust === 'host' ? "the host's listing" : 'pinned'),
    ],
  }));

  const model: Json = {
    type: 'machine-learning-model',
    'bom-ref': modelRef,
    name: entry.id,
    version: input.revision,
    description: `${entry.displayName}: ${entry.quantization} quantization for the ${entry.engine === 'webllm' ? 'WebGPU (web-llm)' : 'CPU (wllama)'} engine.`,
    purl: fromFile ? `pkg:generic/${encodeURIComponent(entry.id)}@${input.revision}` : hfPurl(entry.source.repo, input.revision),
    licenses: [license],
    externalReferences: [
      ...(repoUrl ? [{ type: 'vcs', url: repoUrl, comment: `source repository ${entry.source.repo} at commit ${input.revision}` }] : []),
      ...(entry.modelCardUrl ? [{ type: 'model-card', url: entry.modelCardUrl }] : []),
      ...(entry.licence.url ? [{ type: 'license', url: entry.licence.url }] : []),
      ...(entry.licence.usePolicyUrl ? [{ type: 'documentation', url: entry.licence.usePolicyUrl, comment: 'acceptable-use policy' }] : []),
    ],
    ...(origin.pedigree ? { pedigree: origin.pedigree } : {}),
    modelCard: {
      modelParameters: {
        approach: { type: 'self-supervised' },
        task: 'text-generation',
        architectureFamily: input.manifest?.ggufFacts?.architecture ?? 'llama',
        modelArchitecture: input.manifest?.ggufFacts ? `${input.manifest.ggufFacts.architecture} (GGUF, ${input.manifest.ggufFacts.quantization})` : entry.origin || entry.lineage ? `${entry.engine === 'webllm' ? 'MLC' : 'GGUF'} ${entry.quantization} build` : 'LlamaForCausalLM (Llama 3.2 Instruct)',
        inputs: [{ format: 'text' }],
        outputs: [{ format: 'text' }],
      },
      considerations: {
        useCases: ['Private, on-device chat and text generation in the browser.'],
        technicalLimitations: [
          `Context window in use: ${entry.contextWindow} tokens (trained for ${entry.trainedContextWindow}).`,
          `${entry.quantization} quantization trades some accuracy for size and speed.`,
        ],
      },
      properties: [prop('parameters', entry.parameters), prop('quantization', entry.quantization), prop('contextWindow', entry.contextWindow), prop('trainedContextWindow', entry.trainedContextWindow)],
    },
    properties: [
      prop('engine', entry.engine),
      ...(input.licenceAcceptedAt ? [prop('licenceAcceptedAt', new Date(input.licenceAcceptedAt).toISOString())] : []),
      ...(entry.test ? [prop('testModel', 'true')] : []),
      ...origin.properties,
    ],
    components: fileComponents,
  };

  const device = input.device;
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: input.serialNumber,
    version: 1,
    metadata: {
      timestamp: input.timestamp.toISOString(),
      tools: { components: [{ type: 'application', name: app.name, version: app.version }] },
      component: { type: 'application', 'bom-ref': appRef, name: app.name, version: app.version, description: 'Private Llama chat that runs entirely in the browser.' },
      properties: device
        ? [
            prop('device.webgpu', String(device.webgpu)),
            prop('device.adapter', device.adapter ? `${device.adapter.vendor} ${device.adapter.architecture} ${device.adapter.description}`.trim() : 'none'),
            prop('device.shaderF16', String(device.shaderF16)),
            prop('device.cores', device.cores),
          ]
        : [],
    },
    components: [
      model,
      { type: 'library', 'bom-ref': engineRef, name: engine.name, version: engine.version, description: engine.description, purl: npmPurl(engine.name, engine.version) },
    ],
    dependencies: [
      { ref: appRef, dependsOn: [engineRef, modelRef] },
      { ref: engineRef, dependsOn: [] },
      { ref: modelRef, dependsOn: [] },
    ],
  };
}
