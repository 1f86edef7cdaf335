import { describe, expect, it } from 'vitest';
import { addrDecode, addrEncode, deflate, deltaDecode, deltaEncode, InflateError, inflateInto, shuffle, unshuffle } from './codec.ts';

/** Deterministic 32-bit values (xorshift). */
function randomU32(n: number, seed = 12345): Uint32Array {
  const out = new Uint32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 0;
  }
  return out;
}

describe('saved-analysis codecs', () => {
  it('shuffle groups bytes by position and unshuffle inverts it', () => {
    const src = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(shuffle(src, 4))).toEqual([1, 5, 2, 6, 3, 7, 4, 8]);
    expect(Array.from(shuffle(src, 2))).toEqual([1, 3, 5, 7, 2, 4, 6, 8]);
    const r = new Uint8Array(randomU32(1000).buffer);
    for (const w of [1, 2, 4, 8]) {
      const out = new Uint8Array(r.length);
      unshuffle(shuffle(r, w), w, out);
      expect(out).toEqual(r);
    }
  });

  it('delta coding is exact modulo 2^32, descending values included', () => {
    const v = new Uint32Array([5, 3, 0xffffffff, 0, 7, 7]);
    expect(Array.from(deltaEncode(v))).toEqual([5, 0xfffffffe, 0xfffffffc, 1, 7, 0]);
    const r = randomU32(5000);
    const d = deltaEncode(r);
    deltaDecode(d);
    expect(d).toEqual(r);
  });

  it('address deltas are exact for every 64-bit value, with borrow and carry', () => {
    const hi = new Uint32Array([0, 0xffffffff, 0x5574, 0x5574, 0, 0x80000000]);
    const lo = new Uint32Array([0, 0xfffffff0, 0xffffffff, 0x10, 1, 0]);
    const { dHi, dLo } = addrEncode(hi, lo);
    expect(Array.from(dLo.slice(0, 4))).toEqual([0, 0xfffffff0, 0x0000000f, 0x11]);
    expect(dHi[3]).toBe(0xffffffff); // 0x5574:ffffffff → 0x5574:00000010 steps back: borrow from the high half
    expect(dHi[2]).toBe((0x5574 - 0xffffffff) >>> 0);
    addrDecode(dHi, dLo);
    expect(dHi).toEqual(hi);
    expect(dLo).toEqual(lo);
    const rh = randomU32(3000, 7);
    const rl = randomU32(3000, 99);
    const e = addrEncode(rh, rl);
    addrDecode(e.dHi, e.dLo);
    expect(e.dHi).toEqual(rh);
    expect(e.dLo).toEqual(rl);
  });

  it('inflateInto refuses streams that are longer, shorter, truncated or corrupt', () => {
    const data = new Uint8Array(10_000).fill(3);
    const z = deflate(data);
    const out = new Uint8Array(10_000);
    inflateInto(z, out);
    expect(out).toEqual(data);
    expect(() => inflateInto(z, new Uint8Array(9_999))).toThrow(/decompresses to more than its declared 9999 bytes/);
    expect(() => inflateInto(z, new Uint8Array(10_001))).toThrow(/decompresses to 10000 bytes, 10001 declared/);
    expect(() => inflateInto(z.subarray(0, z.length - 2), out)).toThrow(InflateError);
    expect(() => inflateInto(new Uint8Array([0xff, 0xff, 0xff]), out)).toThrow(/corrupt compressed data/);
    expect(() => inflateInto(new Uint8Array(0), new Uint8Array(0))).toThrow(/empty compressed stream/);
    inflateInto(deflate(new Uint8Array(0)), new Uint8Array(0));
  });
});
