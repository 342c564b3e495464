import type { ImportSource } from '../../workers/shared/storeProtocol';

/** Files from a file input: with their path inside the folder when a folder was picked. */
export function fromFileList(files: FileList | null): ImportSource[] {
  return [...(files ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** Every file under a dropped entry (a folder is read through, batch by batch). */
async function walk(entry: FileSystemEntry, prefix: string, out: ImportSource[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    out.push({ path, file: await fileOf(entry as FileSystemFileEntry) });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries hands out at most ~100 entries a call: read until it returns none.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const child of batch) await walk(child, path, out);
  }
}

/** Files and folders dropped on the page, folders read through. */
export async function fromDrop(data: DataTransfer | null): Promise<ImportSource[]> {
  if (!data) return [];
  // Entries must be taken while the drop event runs; reading them can wait.
  const entries = [...data.items].map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.every((e) => e === null)) return fromFileList(data.files);
  const out: ImportSource[] = [];
  for (const entry of entries) if (entry) await walk(entry, '', out);
  return out;
}

/** Whether a drag carries files (not text or a link). */
export function carriesFiles(event: DragEvent): boolean {
  return [...(event.dataTransfer?.types ?? [])].includes('Files');
}
