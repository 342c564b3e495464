/**
 * Saves text (or a Blob) as a file through the browser's download (a `blob:` URL: nothing leaves the device).
 */
export function saveFile(name: string, data: string | Blob, type: string): void {
  const url = URL.createObjectURL(typeof data === 'string' ? new Blob([data], { type }) : data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The download has taken the bytes once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
