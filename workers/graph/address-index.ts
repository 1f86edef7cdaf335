/**
 * A hash index from 64-bit addresses, given as (hi, lo) Uint32 halves, to row
 * numbers. Open addressing with linear probing over typed arrays: about 12
 * bytes per slot and no JS object per entry, so a million objects index in
 * tens of milliseconds.
 */

function mix(hi: number, lo: number): number {
  // Object addresses are 8- or 16-byte aligned: mix all bits before masking.
  let h = Math.imul(lo ^ (lo >>> 16), 0x85ebca6b) ^ Math.imul(hi + 0x9e3779b9, 0xc2b2ae35);
  h ^= h >>> 13;
  h = Math.imul(h, 0x27d4eb2f);
  h ^= h >>> 16;
  return h >>> 0;
}

export class AddressIndex {
  private keyHi: Uint32Array;
  private keyLo: Uint32Array;
  private vals: Int32Array;
  private mask: number;
  private count = 0;

  constructor(expected = 1024) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.keyHi = new Uint32Array(cap);
    this.keyLo = new Uint32Array(cap);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  /** Number of addresses stored. */
  get size(): number {
    return this.count;
  }

  /** Row of the address, or -1 when absent. */
  get(hi: number, lo: number): number {
    const { keyHi, keyLo, vals, mask } = this;
    let i = mix(hi, lo) & mask;
    for (;;) {
      const v = vals[i];
      if (v < 0) return -1;
      if (keyLo[i] === lo && keyHi[i] === hi) return v;
      i = (i + 1) & mask;
    }
  }

  /** Stores `row` for the address unless it is already there; returns the row the address has. */
  add(hi: number, lo: number, row: number): number {
    if ((this.count + 1) * 2 > this.vals.length) this.grow();
    const { keyHi, keyLo, vals, mask } = this;
    let i = mix(hi, lo) & mask;
    for (;;) {
      const v = vals[i];
      if (v < 0) {
        keyHi[i] = hi;
        keyLo[i] = lo;
        vals[i] = row;
        this.count++;
        return row;
      }
      if (keyLo[i] === lo && keyHi[i] === hi) return v;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { keyHi, keyLo, vals } = this;
    const cap = vals.length * 2;
    this.keyHi = new Uint32Array(cap);
    this.keyLo = new Uint32Array(cap);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < vals.length; i++) if (vals[i] >= 0) this.add(keyHi[i], keyLo[i], vals[i]);
  }
}
