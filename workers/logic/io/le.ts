/**
 * Little-endian reads of unsigned fields from bytes: the one set every binary reader uses (ELF headers and
 * notes, cores' words). 64-bit values come back as numbers, exact below 2^53 (callers that must tell check
 * `> Number.MAX_SAFE_INTEGER`, or read the two halves).
 */

export function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

export function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** Exact below 2^53; above, the nearest number. */
export function u64(b: Uint8Array, o: number): number {
  return u32(b, o + 4) * 4294967296 + u32(b, o);
}

/** A pointer-sized word: 8 bytes when `is64`, else 4. */
export function word(b: Uint8Array, o: number, is64: boolean): number {
  return is64 ? u64(b, o) : u32(b, o);
}

/** The same reads over one byte array. */
export class LE {
  constructor(readonly b: Uint8Array) {}
  u8(o: number): number {
    return this.b[o];
  }
  u16(o: number): number {
    return u16(this.b, o);
  }
  u32(o: number): number {
    return u32(this.b, o);
  }
  /** Exact below 2^53. */
  u64(o: number): number {
    return u64(this.b, o);
  }
  word(o: number, is64: boolean): number {
    return word(this.b, o, is64);
  }
}
