/**
 * Reads process memory as pointer-sized words, in windows of a few MiB: one
 * `await` per window, never per word. Words are visited as JS numbers (exact
 * below 2^53; larger values are approximate and can never be heap addresses).
 * Only imaged bytes are read (chap reads the core's image and nothing else).
 */
import type { ProcessMemory } from '../formats/elf/memory.ts';
import { imagedEnd, type AddressMap } from './address-map.ts';

const WINDOW = 4 << 20;
const TWO32 = 4294967296;

export class WordReader {
  /** The loaded window: `[loadedBase, loadedEnd)` as little-endian 32-bit halves. */
  loadedBase = 0;
  loadedEnd = 0;
  u32view: Uint32Array = new Uint32Array(0);
  private pending: { addr: number; bytes: Promise<Uint8Array | null> } | null = null;
  /** Bytes read from the core so far. */
  bytesRead = 0;
  /** No window reaches past this address unless asked to (`load`'s `want`), and none is read ahead from it. */
  readLimit = Infinity;

  constructor(
    private readonly mem: ProcessMemory,
    private readonly map: AddressMap,
    readonly pointerSize: number,
  ) {}

  /** True when `[addr, end)` is loaded. */
  has(addr: number, end: number): boolean {
    return addr >= this.loadedBase && end <= this.loadedEnd;
  }

  /** Two window buffers (read into, when the memory can): the one scanned and the one being filled. */
  private buffers: Uint8Array[] = [];
  private turn = 0;

  /** `length` bytes at `addr`, into the window buffer not being scanned when the memory reads into buffers. */
  private fetch(addr: number, length: number): Promise<Uint8Array | null> {
    if (!this.mem.readInto) return this.mem.read(addr, length);
    const t = (this.turn = 1 - this.turn);
    let buf = this.buffers[t];
    if (!buf || buf.length < length) buf = this.buffers[t] = new Uint8Array(Math.max(length, WINDOW));
    return this.mem.readInto(addr, buf.subarray(0, length));
  }

  /**
   * Loads a window starting at `addr` (8-aligned), as long as the imaged run
   * allows and at least up to `want` when it can. Returns the end of what is
   * loaded (`addr` when nothing there is imaged).
   */
  async load(addr: number, want: number): Promise<number> {
    const run = imagedEnd(this.map, addr);
    if (run <= addr) {
      this.loadedBase = this.loadedEnd = addr;
      return addr;
    }
    let bytes: Uint8Array | null;
    const p = this.pending;
    this.pending = null;
    if (p && p.addr === addr) bytes = await p.bytes;
    else {
      // A prefetch of another address is dropped: wait for it, so that its buffer is not filled while reused.
      if (p) await p.bytes;
      const end = Math.min(run, Math.max(want, Math.min(addr + WINDOW, this.readLimit)), addr + 16 * WINDOW);
      bytes = await this.fetch(addr, end - addr);
    }
    if (!bytes || bytes.length < this.pointerSize) {
      this.loadedBase = this.loadedEnd = addr;
      return addr;
    }
    this.bytesRead += bytes.length;
    let b = bytes;
    if (b.byteOffset % 4 !== 0) b = b.slice();
    this.u32view = new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2);
    this.loadedBase = addr;
    this.loadedEnd = addr + (b.length & ~3);
    // Reads are sequential: fetch the next window (into the other buffer) while this one is scanned.
    if (this.loadedEnd < run && this.loadedEnd < this.readLimit) {
      const next = this.loadedEnd;
      this.pending = { addr: next, bytes: this.fetch(next, Math.min(run, next + WINDOW, this.readLimit) - next).catch(() => null) };
    }
    return this.loadedEnd;
  }

  /** The word at `addr` (loaded, aligned). */
  word(addr: number): number {
    const i = (addr - this.loadedBase) / 4;
    return this.pointerSize === 8 ? this.u32view[i + 1] * TWO32 + this.u32view[i] : this.u32view[i];
  }

  /**
   * Visits every aligned word of `[addr, limit)` that is imaged; `visit(value, at)`.
   * Bytes that are not imaged are skipped.
   */
  async scan(addr: number, limit: number, visit: (value: number, at: number) => void): Promise<void> {
    const w = this.pointerSize;
    let a = addr;
    while (a + w <= limit) {
      if (!this.has(a, a + w)) {
        const got = await this.load(a, limit);
        if (got < a + w) {
          // Not imaged here: skip to the next imaged range.
          const next = this.nextImaged(a, limit);
          if (next === null) return;
          a = next + ((w - (next % w)) % w);
          continue;
        }
      }
      const stop = Math.min(limit, this.loadedEnd);
      const u = this.u32view;
      const base = this.loadedBase;
      if (w === 8) {
        for (; a + 8 <= stop; a += 8) {
          const i = (a - base) / 4;
          const hi = u[i + 1];
          const lo = u[i];
          if (hi === 0 && lo === 0) continue;
          visit(hi * TWO32 + lo, a);
        }
      } else {
        for (; a + 4 <= stop; a += 4) {
          const v = u[(a - base) / 4];
          if (v !== 0) visit(v, a);
        }
      }
    }
  }

  private nextImaged(addr: number, limit: number): number | null {
    for (const r of this.map.ranges) {
      if (r.limit <= addr || !r.imaged) continue;
      if (r.base >= limit) return null;
      return Math.max(r.base, addr + this.pointerSize);
    }
    return null;
  }
}
