/**
 * Exact 64-bit addresses as (hi, lo) Uint32 pairs, and their conversions.
 */

const HEX = '0123456789abcdef';

/** Lower-case hex without prefix or leading zeros (chap's style), e.g. `5574cccbc010`. */
export function hexOf(hi: number, lo: number): string {
  if (hi === 0) return (lo >>> 0).toString(16);
  const low = (lo >>> 0).toString(16);
  return (hi >>> 0).toString(16) + '00000000'.slice(low.length) + low;
}

export function bigOf(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function splitBig(v: bigint): [hi: number, lo: number] {
  return [Number((v >> 32n) & 0xffffffffn), Number(v & 0xffffffffn)];
}

/** Parses hex (optional 0x) into (hi, lo); returns null when not hex or longer than 64 bits. */
export function parseHex(s: string): [hi: number, lo: number] | null {
  let t = s.trim().toLowerCase();
  if (t.startsWith('0x')) t = t.slice(2);
  if (t.length === 0 || t.length > 16) return null;
  for (const c of t) if (!HEX.includes(c)) return null;
  const lo = parseInt(t.slice(-8), 16) >>> 0;
  const hi = t.length > 8 ? parseInt(t.slice(0, -8), 16) >>> 0 : 0;
  return [hi, lo];
}

/** Compares two addresses; negative, zero or positive. */
export function compareAddr(ahi: number, alo: number, bhi: number, blo: number): number {
  return ahi !== bhi ? ahi - bhi : alo - blo;
}
