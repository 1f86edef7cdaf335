/**
 * A map from addresses (integers 0 … 2^53) to int32 values, in typed arrays:
 * `Map<number, number>` boxes every address above 2^31 it is given (a heap number
 * per lookup, and garbage to collect), which dominated typing a core's objects, where
 * every row's candidate type pointer is looked up.
 */
const EMPTY = -1;

export class AddrMap {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let c = 16;
    while (c < capacity * 2) c *= 2;
    this.keys = new Float64Array(c).fill(EMPTY);
    this.vals = new Int32Array(c);
    this.mask = c - 1;
  }

  private slot(key: number): number {
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    return h & this.mask;
  }

  /** The value of `key`, or undefined. */
  get(key: number): number | undefined {
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = this.keys[i];
      if (k === key) return this.vals[i];
      if (k === EMPTY) return undefined;
    }
  }

  set(key: number, value: number): void {
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = this.keys[i];
      if (k === key) {
        this.vals[i] = value;
        return;
      }
      if (k === EMPTY) {
        this.keys[i] = key;
        this.vals[i] = value;
        if (++this.size * 2 > this.mask) this.grow();
        return;
      }
    }
  }

  private grow(): void {
    const { keys, vals } = this;
    this.keys = new Float64Array(keys.length * 2).fill(EMPTY);
    this.vals = new Int32Array(keys.length * 2);
    this.mask = keys.length * 2 - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.set(keys[i], vals[i]);
  }
}
