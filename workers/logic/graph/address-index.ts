/**
 * A hash index from 64-bit addresses, given as (hi, lo) Uint32 halves, to row
 * numbers. Open addressing with linear probing over one typed array: 16
 * bytes per slot and no JS object per entry, so a million objects index in
 * tens of milliseconds.
 *
 * Each index salts its hash with a random word: the finalizer below is an
 * invertible public function, so a dump could otherwise list addresses that
 * all land in one slot and make every insert walk them (40,000 crafted
 * addresses took 5.5 s, a million would take hours; issue 13).
 */

function mix(hi: number, lo: number, salt: number): number {
  // murmur3's 32-bit finalizer over (lo ^ salt) ^ hi*golden: a bijection on lo for a given hi,
  // so aligned addresses (low bits always zero) still spread over every slot.
  let h = (lo ^ salt ^ Math.imul(hi ^ salt, 0x9e3779b1)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class AddressIndex {
  /** Slots of 4 words: hi, lo, row + 1 (0 = empty slot), unused. One cache line holds 4 slots. */
  private slots: Uint32Array;
  private mask: number;
  private count = 0;
  private readonly salt = (Math.random() * 4294967296) >>> 0;

  constructor(expected = 1024) {
    let cap = 16;
    while (cap < expected * 1.5) cap *= 2;
    this.slots = new Uint32Array(cap * 4);
    this.mask = cap - 1;
  }

  /** Number of addresses stored. */
  get size(): number {
    return this.count;
  }

  /** Row of the address, or -1 when absent. */
  get(hi: number, lo: number): number {
    const { slots, mask } = this;
    let i = mix(hi, lo, this.salt) & mask;
    for (;;) {
      const at = i << 2;
      const v = slots[at + 2];
      if (v === 0) return -1;
      if (slots[at + 1] === lo && slots[at] === hi) return v - 1;
      i = (i + 1) & mask;
    }
  }

  /** Stores `row` for the address unless it is already there; returns the row the address has. */
  add(hi: number, lo: number, row: number): number {
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.grow(); // load factor <= 3/4
    const { slots, mask } = this;
    let i = mix(hi, lo, this.salt) & mask;
    for (;;) {
      const at = i << 2;
      const v = slots[at + 2];
      if (v === 0) {
        slots[at] = hi;
        slots[at + 1] = lo;
        slots[at + 2] = row + 1;
        this.count++;
        return row;
      }
      if (slots[at + 1] === lo && slots[at] === hi) return v - 1;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    this.slots = new Uint32Array(cap * 4);
    this.mask = cap - 1;
    this.count = 0;
    for (let at = 0; at < old.length; at += 4) if (old[at + 2] !== 0) this.add(old[at], old[at + 1], old[at + 2] - 1);
  }
}
