/** What the gzip and bzip2 index tests share: core-like input bytes, and reads checked against the plain bytes. */
import { expect } from 'vitest';

/**
 * `n` bytes like a core's, the same for the same seed: zero pages, repeated structures, noise, and with `runs` a
 * page in seven of one byte (0xaa) too.
 */
export function coreLikeBytes(n: number, seed = 1, runs = false): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  const rnd = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) & 0xff;
  for (let page = 0; page * 4096 < n; page++) {
    const kind = page % 7;
    if (kind === 0 || kind === 3) continue; // zero pages
    for (let i = page * 4096; i < Math.min(n, (page + 1) * 4096); i++) b[i] = kind === 5 ? rnd() : runs && kind === 6 ? 0xaa : (i * 7 + (i >> 9)) & 0xff;
  }
  return b;
}

/** Reads of `src` at page edges and 40 spread offsets, of 1, 8, 4096 and `longRead` bytes, equal `want`'s bytes. */
export async function expectReadsMatch(src: { size: number; read(at: number, len: number): Promise<Uint8Array> }, want: Uint8Array, longRead: number): Promise<void> {
  expect(src.size).toBe(want.length);
  const probes = [0, 1, 4095, 4096, 65535, 65536, 100_000, want.length - 10, Math.floor(want.length / 2)];
  for (let k = 0; k < 40; k++) probes.push((k * 2654435761) % want.length);
  for (const at of probes) {
    for (const len of [1, 8, 4096, longRead]) {
      const got = await src.read(at, len);
      const end = Math.min(want.length, at + len);
      expect(got.length).toBe(end - at);
      expect(Buffer.from(got).equals(Buffer.from(want.subarray(at, end)))).toBe(true);
    }
  }
}
