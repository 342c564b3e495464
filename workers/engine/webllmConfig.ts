import type { AppConfig, ModelRecord } from '@mlc-ai/web-llm';
import type { CatalogEntry } from '../shared/catalog';
import type { ModelManifest } from '../shared/storeProtocol';

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
  };
  return { model_list: [record], cacheBackend: 'indexeddb' };
}
