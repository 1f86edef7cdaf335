/**
 * Words that point into the process's mapped files, collected from the memory the heap walk reads anyway: the
 * class-name stage (`signatures.ts`) then needs no second read of the heap for the rows whose first word was seen.
 * In the browser each read of the dropped `File` costs a round trip and a copy (re-reading a 2.5M-allocation heap
 * took about 1 s of the stage), in Node a pass over the page cache.
 *
 * `observe(addr, bytes)` is given every large window the walk reads (`CoreFile.watch`); it keeps each word there at
 * a multiple of two words (where glibc's allocations start) that is non-zero, a multiple of the word size and in a
 * mapped file's range — every such word `signatures.ts` would keep as a vtable candidate — and remembers which bytes
 * it saw. A row at a multiple of two words whose first word lies in seen bytes is then a candidate exactly when its
 * word was kept. At most `cap` words are kept; past it nothing
 * more counts as seen (those rows are read as before).
 */
import type { MappedFile } from '../formats/elf/memory.ts';
import { lastAtOrBelow } from '../../../src/model/sorted.ts';

const TWO32 = 4294967296;

export interface SeenWords {
  /** Kept words by address (increasing), and their values. */
  addrs: Float64Array;
  values: Float64Array;
  /** Seen bytes: disjoint intervals `[start, end)`, increasing; only the words at multiples of `step` were looked at. */
  starts: Float64Array;
  ends: Float64Array;
  /** Two words: the words looked at are at multiples of it. */
  step: number;
}

export class ModuleWords {
  private readonly rangeStart: Float64Array;
  private readonly rangeEnd: Float64Array;
  private readonly lo: number;
  private readonly hi: number;
  private addrs = new Float64Array(1 << 16);
  private values = new Float64Array(1 << 16);
  private n = 0;
  private seen: { start: number; end: number }[] = [];
  private full = false;

  constructor(
    files: readonly MappedFile[],
    private readonly pointerSize: number,
    private readonly cap = 2_000_000,
  ) {
    // The union of the mapped files' ranges (merged): every word moduleIndexAt places in a module is in it, and
    // signatures.ts checks each kept word with moduleIndexAt itself.
    const r: { start: number; end: number }[] = [];
    for (const f of [...files].sort((a, b) => a.start - b.start)) {
      const last = r[r.length - 1];
      if (last && f.start <= last.end) last.end = Math.max(last.end, f.end);
      else if (f.end > f.start) r.push({ start: f.start, end: f.end });
    }
    this.rangeStart = Float64Array.from(r, (f) => f.start);
    this.rangeEnd = Float64Array.from(r, (f) => f.end);
    this.lo = r.length ? r[0].start : 0;
    this.hi = r.length ? r[r.length - 1].end : 0;
  }

  /** Bytes read at `addr` (called synchronously after the read, before the buffer is reused). */
  readonly observe = (addr: number, bytes: Uint8Array): void => {
    if (this.full || this.rangeStart.length === 0) return;
    const w = this.pointerSize;
    // Words at multiples of STEP (two words) only: glibc's allocations start there (MALLOC_ALIGNMENT is at least two
    // words), and a scan of every other word costs half. `seen` says which words were looked at (signatures.ts
    // reads the first word of a row elsewhere).
    const step = 2 * w;
    const skip = (step - (addr % step)) % step;
    const start = addr + skip;
    const count = Math.floor((bytes.length - skip) / step);
    if (count <= 0) return;
    const base = bytes.byteOffset + skip;
    const u32 = base % 4 === 0 ? new Uint32Array(bytes.buffer, base, (count * step) >>> 2) : new Uint32Array(bytes.slice(skip, skip + count * step).buffer);
    const { lo, hi, rangeStart, rangeEnd } = this;
    // Most words are zero, small numbers or heap pointers: a 64-bit word's high half outside the files' span (one
    // integer compare) or a low half that is not aligned rejects them before any arithmetic.
    const hLo = Math.floor(lo / TWO32);
    const hHi = Math.floor((hi - 1) / TWO32);
    const mask = w - 1;
    const before = this.n;
    for (let i = 0; i < count; i++) {
      let v: number;
      if (w === 8) {
        const h = u32[4 * i + 1];
        if (h < hLo || h > hHi) continue;
        const l = u32[4 * i];
        if ((l & mask) !== 0) continue;
        v = h * TWO32 + l;
      } else {
        v = u32[2 * i];
        if ((v & mask) !== 0) continue;
      }
      if (v < lo || v >= hi) continue;
      const k = lastAtOrBelow(rangeStart, v);
      if (k < 0 || v >= rangeEnd[k]) continue;
      if (this.n === this.cap) {
        // Full: this window is not seen (its words kept so far are dropped), nor any after it.
        this.n = before;
        this.full = true;
        return;
      }
      if (this.n === this.addrs.length) this.grow();
      this.addrs[this.n] = start + i * step;
      this.values[this.n++] = v;
    }
    this.seen.push({ start, end: start + count * step });
  };

  private grow(): void {
    const a = new Float64Array(this.addrs.length * 2);
    a.set(this.addrs);
    this.addrs = a;
    const v = new Float64Array(this.values.length * 2);
    v.set(this.values);
    this.values = v;
  }

  /** What was seen, sorted (windows come in the walk's order: regions in any order, a window read again). */
  done(): SeenWords {
    const n = this.n;
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) if (this.addrs[i] <= this.addrs[i - 1]) sorted = false;
    if (!sorted) order.sort((x, y) => this.addrs[x] - this.addrs[y]);
    const addrs: number[] = [];
    const values: number[] = [];
    for (const i of order) {
      // A word read twice (overlapping windows) is kept once.
      if (addrs.length && addrs[addrs.length - 1] === this.addrs[i]) continue;
      addrs.push(this.addrs[i]);
      values.push(this.values[i]);
    }
    const seen = [...this.seen].sort((a, b) => a.start - b.start);
    const merged: { start: number; end: number }[] = [];
    for (const s of seen) {
      const last = merged[merged.length - 1];
      if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
      else merged.push({ ...s });
    }
    this.addrs = this.values = new Float64Array(0);
    return { addrs: Float64Array.from(addrs), values: Float64Array.from(values), starts: Float64Array.from(merged, (s) => s.start), ends: Float64Array.from(merged, (s) => s.end), step: 2 * this.pointerSize };
  }
}
