/**
 * Where exported files go: into a folder the user picks (the File System Access API, streamed
 * from the store's Blobs, so a 2 GB GGUF never sits in memory), or, in browsers without it, as
 * downloads (one per file).
 */

/** The few parts of the File System Access API used here (not yet in TypeScript's DOM types). */
interface DirectoryHandle {
  getDirectoryHandle(name: string, options: { create: boolean }): Promise<DirectoryHandle>;
  getFileHandle(name: string, options: { create: boolean }): Promise<{ createWritable(): Promise<WritableStream<Uint8Array>> }>;
}
type DirectoryPicker = (options: { id?: string; mode: 'readwrite' }) => Promise<DirectoryHandle>;

/** Something exported files are written to, one at a time. */
export interface ExportTarget {
  /** Where the files went, in words. */
  readonly where: string;
  write(name: string, blob: Blob): Promise<void>;
}

/** A folder the user picks, with a sub-folder named after the model; null when they cancel. */
async function pickedFolder(folderName: string): Promise<ExportTarget | null> {
  const picker = (window as unknown as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker as DirectoryPicker;
  let root: DirectoryHandle;
  try {
    root = await picker({ id: 'hearth-export', mode: 'readwrite' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return null;
    throw error;
  }
  const folder = await root.getDirectoryHandle(folderName, { create: true });
  return {
    where: `the folder ${folderName} in the folder you chose`,
    async write(name, blob) {
      const writable = await (await folder.getFileHandle(name, { create: true })).createWritable();
      await blob.stream().pipeTo(writable);
    },
  };
}

/** Downloads, one per file (the browser may ask once to allow several). */
function downloads(): ExportTarget {
  return {
    where: 'your downloads',
    async write(name, blob) {
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.click();
      // The browser has taken the file once the click is handled; a pause lets it start the next.
      await new Promise((resolve) => setTimeout(resolve, 400));
      URL.revokeObjectURL(url);
    },
  };
}

/** The folder picker where the browser has one, downloads otherwise; null when the user cancelled. */
export function exportTarget(folderName: string): Promise<ExportTarget | null> {
  return 'showDirectoryPicker' in window ? pickedFolder(folderName) : Promise.resolve(downloads());
}
