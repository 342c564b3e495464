import type { AppConfig, ModelRecord } from '@mlc-ai/web-llm';
import type { CatalogEntry } from '../shared/catalog';
import type { ManifestFile, ModelManifest } from '../shared/storeProtocol';

/** A SHA-256 in hex as a Subresource Integrity string (`sha256-<base64>`). */
export function sriOf(sha256Hex: string): string {
  const bytes = sha256Hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? [];
  return `sha256-${btoa(String.fromCharCode(...bytes))}`;
}

const sha256Of = (file: ManifestFile | undefined): string | undefined => (file?.expected.kind === 'sha256' ? file.expected.sha256 : undefined);

/** web-llm's own `integrity` for the files whose SHA-256 the manifest knows: it checks them again as it loads. */
function integrityOf(manifest: ModelManifest): ModelRecord['integrity'] {
  const byRole = (role: ManifestFile['role']) => manifest.files.find((f) => f.role === role);
  const lib = sha256Of(byRole('model-lib'));
  const config = sha256Of(byRole('chat-config'));
  const tokenizer = byRole('tokenizer');
  const integrity: NonNullable<ModelRecord['integrity']> = { onFailure: 'error' };
  if (lib) integrity.model_lib = sriOf(lib);
  if (config) integrity.config = sriOf(config);
  const tokenizerSha = sha256Of(tokenizer);
  if (tokenizer && tokenizerSha) integrity.tokenizer = { [tokenizer.path]: sriOf(tokenizerSha) };
  return lib || config || tokenizerSha ? integrity : undefined;
}

/**
 * The web-llm AppConfig for a model the store verified: the same absolute URLs the store used
 * as keys in web-llm's IndexedDB scopes, so `reload` finds every file and makes no request.
 * f16 builds declare `shader-f16` (web-llm's prebuilt records don't), so a GPU without it gets
 * web-llm's clean ShaderF16SupportError instead of a shader compile failure.
 */
export function webllmAppConfig(entry: CatalogEntry, manifest: ModelManifest): AppConfig {
  const record: ModelRecord = {
    model: manifest.baseUrl,
    model_id: entry.id,
    model_lib: manifest.modelLibUrl ?? '',
    overrides: { context_window_size: entry.contextWindow },
    vram_required_MB: entry.vramRequiredMB,
    low_resource_required: true,
    required_features: entry.requiredFeatures,
    integrity: integrityOf(manifest),
  };
  return { model_list: [record], cacheBackend: 'indexeddb' };
}
