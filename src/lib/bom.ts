import type { CatalogEntry } from '../../workers/shared/catalog';
import type { DeviceReport } from '../../workers/shared/device';
import type { HashTrust } from '../../workers/shared/errors';

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
export function buildBom(input: BomInput): Json {
  const { entry, files, engine, app } = input;
  const modelRef = `model:${entry.id}@${input.revision}`;
  const engineRef = `engine:${engine.name}@${engine.version}`;
  const appRef = `app:${app.name}@${app.version}`;
  const repoUrl = new URL(`${entry.source.repo}/tree/${input.revision}`, `${input.hostUrl.replace(/\/$/, '')}/`).href;
  const license = { license: { name: `${entry.licence.name} (version ${entry.licence.version})`, url: entry.licence.url } };
  const prop = (name: string, value: string | number): Json => ({ name: `hearth:${name}`, value: String(value) });

  const fileComponents = files.map((f) => ({
    type: f.role === 'model-lib' ? 'library' : 'file',
    'bom-ref': `file:${entry.id}/${f.path}`,
    name: f.path,
    version: input.revision,
    hashes: [{ alg: 'SHA-256', content: f.sha256 }],
    externalReferences: [{ type: 'distribution', url: f.url }],
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
    purl: hfPurl(entry.source.repo, input.revision),
    licenses: [license],
    externalReferences: [
      { type: 'vcs', url: repoUrl, comment: `source repository ${entry.source.repo} at commit ${input.revision}` },
      { type: 'model-card', url: entry.modelCardUrl },
      { type: 'license', url: entry.licence.url },
      { type: 'documentation', url: entry.licence.usePolicyUrl, comment: 'acceptable-use policy' },
    ],
    modelCard: {
      modelParameters: {
        approach: { type: 'self-supervised' },
        task: 'text-generation',
        architectureFamily: 'llama',
        modelArchitecture: 'LlamaForCausalLM (Llama 3.2 Instruct)',
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
