/**
 * The words that may point into the heap, collected from the memory the heap walk reads anyway: the reference graph
 * (`graph.ts`) then needs no second read of the rows whose bytes were seen. Reading the heap again was about half of
 * the graph's time in Node (a pass over the page cache: ~0.3 s of system time per 600 MB) and more in the browser
 * (every read of the dropped `File` a copy across processes).
 *
 * `observe(addr, bytes)` is given every large window the walk reads (`CoreFile.watch`); it keeps each aligned word
 * there whose value lies in the span of the core's writable memory (every allocation lies there, so every word the
 * graph would look up is kept), with its address, and remembers which bytes it saw. The graph takes a row's words
 * from here when all of the row's bytes were seen (and the heap's span lies in the one kept); other rows are read as
 * before. At most `cap` words are kept; past it nothing more counts as seen.
 */
import type { Segment } from '../formats/elf/memory.ts';

const TWO32 = 4294967296;
/** Words looked at in one pass of `observe`. */
const PASS = 8192;

export interface SeenHeapWords {
  /** Kept words by address (increasing, each once) and their values. */
  addrs: Float64Array;
  values: Float64Array;
  /** Seen bytes: disjoint intervals `[start, end)`, increasing. */
  starts: Float64Array;
  ends: Float64Array;
  /** The kept values' span: `[min, max)`. */
  min: number;
  max: number;
}

/** A double whose bit pattern is the integer `v` (below 2^53): for patterns below 2^63 the doubles' order is the integers'. */
function asDouble(v: number): number {
  const bits = new DataView(new ArrayBuffer(8));
  bits.setUint32(0, v % TWO32, true);
  bits.setUint32(4, Math.floor(v / TWO32), true);
  return bits.getFloat64(0, true);
}

export class HeapWords {
  readonly min: number;
  readonly max: number;
  private readonly fMin: number;
  private readonly fMax: number;
  private addrs: Float64Array = new Float64Array(1 << 16);
  private values: Float64Array = new Float64Array(1 << 16);
  private n = 0;
  /** Each window seen: its bytes and its kept words [from, to). */
  private windows: { start: number; end: number; from: number; to: number }[] = [];
  private full = false;
  /** One pass's word indexes in the span. */
  private readonly cand = new Uint32Array(PASS);

  constructor(
    segments: readonly Segment[],
    private readonly pointerSize: number,
    private readonly cap = 3_000_000,
  ) {
    let min = Infinity;
    let max = 0;
    for (const s of segments) {
      if ((s.flags & 2) === 0 || s.memsz <= 0) continue;
      if (s.vaddr < min) min = s.vaddr;
      if (s.vaddr + s.memsz > max) max = s.vaddr + s.memsz;
    }
    // Zero is never kept (no allocation starts at address 0).
    this.min = Math.max(1, min === Infinity ? 0 : min);
    this.max = max;
    this.fMin = asDouble(this.min);
    this.fMax = asDouble(Math.min(this.max, Number.MAX_SAFE_INTEGER));
  }

  /** Bytes read at `addr` (called synchronously after the read, before the buffer is reused). */
  readonly observe = (addr: number, bytes: Uint8Array): void => {
    if (this.full || this.max <= this.min) return;
    const w = this.pointerSize;
    const skip = (w - (addr % w)) % w;
    const start = addr + skip;
    const count = Math.floor((bytes.length - skip) / w);
    if (count <= 0) return;
    const base = bytes.byteOffset + skip;
    const from = this.n;
    const u = base % 4 === 0 ? new Uint32Array(bytes.buffer, base, (count * w) >>> 2) : new Uint32Array(bytes.slice(skip, skip + count * w).buffer);
    const f = w === 8 && u.byteOffset % 8 === 0 ? new Float64Array(u.buffer, u.byteOffset, count) : null;
    const cand = this.cand;
    let m = from;
    // A pass's words in the span are found by a tight loop (`pass`), then kept with their addresses.
    for (let i = 0; i < count; i += PASS) {
      const stop = Math.min(count, i + PASS);
      const k = f ? this.pass64(f, i, stop) : this.passHalves(u, i, stop);
      if (k === 0) continue;
      if (m + k > this.cap) return this.fill(from);
      if (m + k > this.addrs.length) this.grow(m + k, m);
      const { addrs, values } = this;
      for (let j = 0; j < k; j++) {
        const x = cand[j];
        addrs[m] = start + x * w;
        values[m++] = w === 8 ? u[2 * x + 1] * TWO32 + u[2 * x] : u[x];
      }
    }
    this.n = m;
    this.windows.push({ start, end: start + count * w, from, to: m });
  };

  /**
   * Indexes (from `i`, below `stop`) of the 64-bit words whose value is in the span, into `cand`; returns how many.
   * The words are read as doubles: for values below 2^63 a double's order is its bit pattern's order, so one load
   * and two compares against the span's ends read as doubles keep the same words as comparing the integers
   * (negative and NaN patterns fail the compares).
   */
  private pass64(f: Float64Array, i: number, stop: number): number {
    const { cand, fMin, fMax } = this;
    let k = 0;
    for (let j = i; j < stop; j++) {
      const x = f[j];
      if (x >= fMin && x < fMax) cand[k++] = j;
    }
    return k;
  }

  /** `pass64` for 32-bit words, or 64-bit ones not 8-aligned (by their halves). */
  private passHalves(u: Uint32Array, i: number, stop: number): number {
    const { cand, min, max } = this;
    let k = 0;
    if (this.pointerSize === 8) {
      for (let j = i; j < stop; j++) {
        const v = u[2 * j + 1] * TWO32 + u[2 * j];
        if (v >= min && v < max) cand[k++] = j;
      }
    } else {
      for (let j = i; j < stop; j++) {
        const v = u[j];
        if (v >= min && v < max) cand[k++] = j;
      }
    }
    return k;
  }

  /** Full: the window being observed is not seen (its words kept so far are dropped), nor any after it. */
  private fill(from: number): void {
    this.n = from;
    this.full = true;
  }

  /** Room for `need` words (at least twice the old), the first `keep` kept. */
  private grow(need: number, keep: number): void {
    const cap = Math.max(need, this.addrs.length * 2);
    const a = new Float64Array(cap);
    a.set(this.addrs.subarray(0, keep));
    const v = new Float64Array(cap);
    v.set(this.values.subarray(0, keep));
    this.addrs = a;
    this.values = v;
  }

  /**
   * What was seen, by address. Windows come in the walk's order: regions in any order, a window's start read again
   * (the walk reads on from the chunk its last window cut), a region walked twice; memory is the same each time, so
   * of the windows in order of their start each gives only its words past the bytes already covered.
   */
  done(): SeenHeapWords {
    const wins = this.windows.sort((a, b) => a.start - b.start || b.end - a.end);
    let total = 0;
    let covered = -Infinity;
    for (const x of wins) {
      if (x.end <= covered) continue;
      total += x.to - x.from;
      covered = x.end;
    }
    const addrs = new Float64Array(total);
    const values = new Float64Array(total);
    const starts: number[] = [];
    const ends: number[] = [];
    let k = 0;
    covered = -Infinity;
    for (const x of wins) {
      if (x.end <= covered) continue;
      let j = x.from;
      if (x.start < covered) while (j < x.to && this.addrs[j] < covered) j++;
      for (; j < x.to; j++) {
        addrs[k] = this.addrs[j];
        values[k++] = this.values[j];
      }
      if (starts.length && x.start <= ends[ends.length - 1]) ends[ends.length - 1] = Math.max(ends[ends.length - 1], x.end);
      else {
        starts.push(x.start);
        ends.push(x.end);
      }
      covered = x.end;
    }
    this.addrs = this.values = new Float64Array(0);
    this.windows = [];
    return { addrs: addrs.subarray(0, k), values: values.subarray(0, k), starts: Float64Array.from(starts), ends: Float64Array.from(ends), min: this.min, max: this.max };
  }
}
