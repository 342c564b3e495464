/** Lower-case hex of a digest. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = '';
  for (const byte of view) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** SHA-256 of a whole buffer. WebCrypto runs it off the JS thread, faster than any JS hasher. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
}

/** Git's blob id of some bytes: SHA-1 of `"blob <size>\0"` followed by them. */
export async function gitBlobSha1Hex(data: Uint8Array): Promise<string> {
  const header = new TextEncoder().encode(`blob ${data.byteLength}\0`);
  const joined = new Uint8Array(header.byteLength + data.byteLength);
  joined.set(header);
  joined.set(data, header.byteLength);
  return toHex(await crypto.subtle.digest('SHA-1', joined));
}
