/**
 * Column codecs of the saved-analysis format (see `src/model/saved.ts`): byte
 * shuffling, modular deltas, 64-bit address deltas, and DEFLATE through fflate
 * with a hard bound on the decompressed size (decompression-bomb guard).
 * Pure functions over typed arrays: no Node or DOM APIs, runs in a worker.
 */
import { deflateSync, Inflate } from 'fflate';

/** The bytes of a typed array (a view, no copy; little-endian as every supported platform). */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Regroups the bytes of `n = src.length / width` elements by byte position:
 * `out[b * n + i] = src[i * width + b]`. Width 1 returns a copy.
 */
export function shuffle(src: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(src.length);
  if (width === 1) {
    out.set(src);
    return out;
  }
  const n = src.length / width;
  for (let b = 0; b < width; b++) {
    const base = b * n;
    for (let i = 0, j = b; i < n; i++, j += width) out[base + i] = src[j];
  }
  return out;
}

/** Inverse of `shuffle`, writing into `out` (same length as `src`). */
export function unshuffle(src: Uint8Array, width: number, out: Uint8Array): void {
  if (width === 1) {
    out.set(src);
    return;
  }
  const n = src.length / width;
  for (let b = 0; b < width; b++) {
    const base = b * n;
    for (let i = 0, j = b; i < n; i++, j += width) out[j] = src[base + i];
  }
}

/** Each value minus the previous one, modulo 2^32 (the first minus 0). */
export function deltaEncode(v: Uint32Array): Uint32Array {
  const out = new Uint32Array(v.length);
  let prev = 0;
  for (let i = 0; i < v.length; i++) {
    out[i] = (v[i] - prev) >>> 0;
    prev = v[i];
  }
  return out;
}

/** Inverse of `deltaEncode`, in place. */
export function deltaDecode(d: Uint32Array): void {
  let prev = 0;
  for (let i = 0; i < d.length; i++) {
    prev = (prev + d[i]) >>> 0;
    d[i] = prev;
  }
}

/**
 * 64-bit address deltas over split hi/lo columns: row i stores
 * `(hi:lo)[i] − (hi:lo)[i−1]` modulo 2^64 as a (dHi, dLo) pair. Exact for every
 * 64-bit value; sorted addresses give small dLo and zero dHi.
 */
export function addrEncode(hi: Uint32Array, lo: Uint32Array): { dHi: Uint32Array; dLo: Uint32Array } {
  const n = lo.length;
  const dHi = new Uint32Array(n);
  const dLo = new Uint32Array(n);
  let pHi = 0;
  let pLo = 0;
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    const l = lo[i];
    const borrow = l < pLo ? 1 : 0;
    dLo[i] = (l - pLo) >>> 0;
    dHi[i] = (h - pHi - borrow) >>> 0;
    pHi = h;
    pLo = l;
  }
  return { dHi, dLo };
}

/** Inverse of `addrEncode`, in place (`hi` holds dHi, `lo` holds dLo on entry). */
export function addrDecode(hi: Uint32Array, lo: Uint32Array): void {
  let pHi = 0;
  let pLo = 0;
  for (let i = 0; i < lo.length; i++) {
    const s = pLo + lo[i];
    const carry = s > 0xffffffff ? 1 : 0;
    pLo = s >>> 0;
    pHi = (pHi + hi[i] + carry) >>> 0;
    lo[i] = pLo;
    hi[i] = pHi;
  }
}

/** Raw DEFLATE (RFC 1951) of `data`; deterministic for a given input and level. */
export function deflate(data: Uint8Array, level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 6): Uint8Array {
  return deflateSync(data, { level });
}

/** Problem found while inflating (the caller turns it into an `InputError`). */
export class InflateError extends Error {}

const PUSH_BYTES = 1 << 16;

/**
 * Inflates a raw DEFLATE stream into `out`, which must end up exactly full.
 * Fed 64 KiB at a time, it stops as soon as the output would exceed
 * `out.length`, so a hostile stream costs at most ~66 MB of work beyond that.
 */
export function inflateInto(packed: Uint8Array, out: Uint8Array): void {
  let at = 0;
  let ended = false;
  const inf = new Inflate((chunk, final) => {
    if (at + chunk.length > out.length) throw new InflateError(`decompresses to more than its declared ${out.length} bytes`);
    out.set(chunk, at);
    at += chunk.length;
    if (final) ended = true;
  });
  try {
    if (packed.length === 0) throw new InflateError('empty compressed stream');
    for (let i = 0; i < packed.length; i += PUSH_BYTES) {
      const end = Math.min(packed.length, i + PUSH_BYTES);
      inf.push(packed.subarray(i, end), end === packed.length);
    }
  } catch (e) {
    if (e instanceof InflateError) throw e;
    throw new InflateError(`corrupt compressed data (${(e as Error).message})`);
  }
  if (!ended) throw new InflateError('compressed stream is truncated');
  if (at !== out.length) throw new InflateError(`decompresses to ${at} bytes, ${out.length} declared`);
}
