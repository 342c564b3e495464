import type { CatalogEntry } from '../../workers/shared/catalog';
import type { DeviceReport } from '../../workers/shared/device';
import type { BuildSuggestion, EngineError } from '../../workers/shared/engineErrors';

/**
 * A build that fits when `failed` could not run here, as data the UI can offer: which entry,
 * on which device, why, and whether it is downloaded. The CPU has no GPU buffer limits, so a
 * GGUF build on the CPU always fits a buffer or GPU-memory failure; a missing `shader-f16`
 * wants the 32-bit build of the same model; running out of memory wants a smaller model.
 * Same-size models come first, downloaded ones before the rest.
 */
export function suggestBuild(error: EngineError, failed: CatalogEntry, catalog: CatalogEntry[], device: DeviceReport, downloaded: ReadonlySet<string>): BuildSuggestion | null {
  const others = catalog.filter((e) => e.id !== failed.id && !!e.test === !!failed.test);
  const rank = (list: CatalogEntry[]): CatalogEntry[] =>
    [...list].sort((a, b) => Math.abs(a.parameters - failed.parameters) - Math.abs(b.parameters - failed.parameters) || Number(downloaded.has(b.id)) - Number(downloaded.has(a.id)) || a.parameters - b.parameters);
  const offer = (entry: CatalogEntry | undefined, reason: string, ggufDevice?: 'webgpu' | 'cpu'): BuildSuggestion | null =>
    entry ? { entryId: entry.id, entryName: entry.displayName, ...(ggufDevice ? { ggufDevice } : {}), reason, downloaded: downloaded.has(entry.id) } : null;
  const cpuBuilds = catalog.filter((e) => e.engine === 'wllama' && !!e.test === !!failed.test);
  switch (error.name) {
    case 'ShaderF16MissingError': {
      const f32 = rank(others.filter((e) => e.engine === 'webllm' && !e.requiredFeatures.includes('shader-f16')));
      return offer(f32[0], 'The 32-bit build runs without 16-bit shaders.') ?? offer(rank(cpuBuilds)[0], 'The GGUF build runs on the CPU, which needs no GPU features.', 'cpu');
    }
    case 'TooLargeForDeviceError':
    case 'DeviceLostError':
    case 'WebGPUUnavailableError':
    case 'ModelLibraryError': {
      // Same entry on the CPU when it is a GGUF build; otherwise the GGUF build of the same size.
      const cpu = failed.engine === 'wllama' ? failed : rank(cpuBuilds)[0];
      return offer(cpu, `llama.cpp on the CPU has no GPU buffer limits${device.crossOriginIsolated ? '' : ' (one thread here)'}.`, 'cpu');
    }
    case 'OutOfMemoryError': {
      const smaller = rank(others.filter((e) => e.parameters < failed.parameters && e.engine === failed.engine))[0];
      if (smaller) return offer(smaller, 'A smaller model needs less memory.', smaller.engine === 'wllama' ? 'cpu' : undefined);
      if (failed.engine === 'webllm') return offer(rank(cpuBuilds)[0], 'The GGUF build on the CPU uses system memory instead of GPU memory.', 'cpu');
      return null;
    }
    default:
      return null;
  }
}

/** The error with a build that fits added, when this device is known and one exists. */
export function withSuggestion(error: EngineError, failed: CatalogEntry, catalog: CatalogEntry[], device: DeviceReport | null, isDownloaded: (id: string) => boolean): EngineError {
  if (!device) return error;
  const downloaded = new Set(catalog.filter((e) => isDownloaded(e.id)).map((e) => e.id));
  const suggestion = suggestBuild(error, failed, catalog, device, downloaded);
  return suggestion ? { ...error, suggestion } : error;
}
