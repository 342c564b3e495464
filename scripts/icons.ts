/**
 * `npx tsx scripts/icons.ts`: writes the app icons into public/ (PNG, built-in modules only):
 * a hearth flame on a warm square. The maskable icon keeps the flame inside the 80% safe zone.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

type Rgba = [number, number, number, number];

const background: Rgba = [180, 83, 31, 255]; // --accent
const flame: Rgba = [251, 248, 244, 255]; // --bg
const ember: Rgba = [255, 196, 110, 255];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(size: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ]);
}

/** A flame: a circle below, narrowing to a point above. `u`, `v` in [-1, 1], y down. */
function inFlame(u: number, v: number, scale: number): boolean {
  const x = u / scale;
  const y = v / scale;
  if (y > 0.15) return x * x + (y - 0.15) ** 2 < 0.55 ** 2;
  const halfWidth = 0.55 * ((y + 0.85) / 1.0) ** 1.3;
  return y > -0.85 && Math.abs(x) < halfWidth;
}

function icon(size: number, options: { maskable: boolean }): Buffer {
  const radius = options.maskable ? 0 : size * 0.18;
  const scale = options.maskable ? 0.55 : 0.75;
  return png(size, (px, py) => {
    const x = px + 0.5;
    const y = py + 0.5;
    // Rounded corners (transparent outside) unless maskable, which must fill the square.
    const cx = Math.min(Math.max(x, radius), size - radius);
    const cy = Math.min(Math.max(y, radius), size - radius);
    if (radius > 0 && (x - cx) ** 2 + (y - cy) ** 2 > radius ** 2) return [0, 0, 0, 0];
    const u = (x / size) * 2 - 1;
    const v = (y / size) * 2 - 1;
    if (inFlame(u, v - 0.05, scale * 0.55)) return ember;
    if (inFlame(u, v, scale)) return flame;
    return background;
  });
}

const out = new URL('../public/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL('icon-192.png', out), icon(192, { maskable: false }));
writeFileSync(new URL('icon-512.png', out), icon(512, { maskable: false }));
writeFileSync(new URL('icon-maskable-512.png', out), icon(512, { maskable: true }));
writeFileSync(new URL('apple-touch-icon.png', out), icon(180, { maskable: true }));
console.log('Wrote icons to public/');
