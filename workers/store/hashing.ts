import type { Expected } from '../shared/storeProtocol';

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

/** The SHA-256 of `bytes`, and whether they are what `expected` and `size` (-1: any) describe. */
export async function verifyBytes(bytes: Uint8Array, expected: Expected, size: number): Promise<{ sha256: string; matches: boolean }> {
  const sha256 = await sha256Hex(bytes);
  if (size >= 0 && bytes.byteLength !== size) return { sha256, matches: false };
  if (expected.kind === 'sha256') return { sha256, matches: expected.sha256.toLowerCase() === sha256 };
  if (expected.kind === 'git-blob-sha1') return { sha256, matches: (await gitBlobSha1Hex(bytes)) === expected.sha1 };
  return { sha256, matches: true };
}
