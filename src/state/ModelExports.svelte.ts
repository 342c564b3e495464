import type { CatalogEntry } from '../../workers/shared/catalog';
import { exportManifestName } from '../../workers/shared/storeProtocol';
import { exportTarget } from '../lib/exportWriter';
import type { StoreBridge } from '../lib/StoreBridge';

/** How an export of one model stands: under way (files and bytes written), done, or failed. */
export type ExportState =
  | { state: 'writing'; filesDone: number; filesTotal: number; bytesDone: number; bytesTotal: number }
  | { state: 'done'; where: string; files: number; bytes: number }
  | { state: 'failed'; message: string };

/**
 * Exports stored models to files: every file as verified on this device, and beside them
 * `hearth-export.json` with each SHA-256, which the import on another machine checks.
 */
export class ModelExports {
  readonly #store: StoreBridge;
  byModel = $state.raw<Record<string, ExportState>>({});

  constructor(store: StoreBridge) {
    this.#store = store;
  }

  #set(id: string, state: ExportState): void {
    this.byModel = { ...this.byModel, [id]: state };
  }

  /** Writes a stored model's files and its export manifest; the user picks where. */
  async export(entry: CatalogEntry): Promise<void> {
    const manifest = await this.#store.exportManifest(entry.id, `hearth ${__APP_VERSION__}`);
    if (!manifest) {
      this.#set(entry.id, { state: 'failed', message: 'Only a model whose every file is stored and verified can be exported. Resume or verify it first.' });
      return;
    }
    const folder = entry.id.replace(/[^A-Za-z0-9._-]+/g, '_');
    let target;
    try {
      target = await exportTarget(folder);
    } catch {
      this.#set(entry.id, { state: 'failed', message: 'The browser did not allow writing to that folder. Choose another one (not a system folder).' });
      return;
    }
    if (!target) return;
    const bytesTotal = manifest.files.reduce((s, f) => s + f.size, 0);
    let bytesDone = 0;
    try {
      for (const [i, f] of manifest.files.entries()) {
        this.#set(entry.id, { state: 'writing', filesDone: i, filesTotal: manifest.files.length, bytesDone, bytesTotal });
        const blob = await this.#store.fileBlob(entry.id, f.path);
        if (!blob || blob.size !== f.size) throw new Error(`${f.path} is not stored whole`);
        await target.write(f.path.split('/').pop() ?? f.path, blob);
        bytesDone += f.size;
      }
      // The manifest goes last: a folder with it is a complete export.
      await target.write(exportManifestName, new Blob([JSON.stringify(manifest, null, 2)], { type: 'application/json' }));
      this.#set(entry.id, { state: 'done', where: target.where, files: manifest.files.length + 1, bytes: bytesDone });
    } catch (error) {
      console.error(error);
      this.#set(entry.id, { state: 'failed', message: 'Writing the files failed part-way (the disk may be full, or the folder was removed). The model on this device is untouched; try again.' });
    }
  }
}
