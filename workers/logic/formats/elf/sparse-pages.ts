/**
 * An in-memory `ByteSource` that keeps only the non-zero 4 KiB pages of a byte
 * stream. Compressed cores (gzip, bzip2) cannot be read at random offsets, so
 * they are decoded once, streaming, into this store: cores of processes with
 * big reserved arenas are mostly zero pages, and those cost nothing here.
 * Pages live in 4 MiB slabs; a page-number -> slot map finds them.
 */
import type { ByteSource } from '../../io/source.ts';

export const PAGE = 4096;
const PAGES_PER_SLAB = 1024;

export class SparsePages implements ByteSource {
  /** Decoded bytes appended so far (the size of the decoded stream). */
  size = 0;
  private readonly slabs: Uint8Array[] = [];
  private readonly slot = new Map<number, number>();
  private slots = 0;
  private readonly pending = new Uint8Array(PAGE);
  private readonly pending32 = new Uint32Array(this.pending.buffer);
  private pendingLen = 0;

  constructor(readonly name: string) {}

  /** Non-zero pages stored. */
  get storedPages(): number {
    return this.slots;
  }

  /** Bytes held by the slabs (the store's memory cost). */
  get storedBytes(): number {
    return this.slabs.length * PAGES_PER_SLAB * PAGE;
  }

  /** Appends decoded bytes (any slicing). */
  append(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(PAGE - this.pendingLen, chunk.length - at);
      this.pending.set(chunk.subarray(at, at + take), this.pendingLen);
      this.pendingLen += take;
      at += take;
      if (this.pendingLen === PAGE) this.flushPage();
    }
  }

  /** Stores the last partial page; call once after the last `append`. */
  finish(): void {
    if (this.pendingLen > 0) {
      this.pending.fill(0, this.pendingLen);
      this.flushPage();
    }
  }

  private flushPage(): void {
    const len = this.pendingLen;
    const page = Math.floor(this.size / PAGE);
    this.size += len;
    this.pendingLen = 0;
    const w = this.pending32;
    let nonZero = false;
    for (let i = 0; i < w.length; i++) {
      if (w[i] !== 0) {
        nonZero = true;
        break;
      }
    }
    if (!nonZero) return;
    const s = this.slots++;
    const slab = Math.floor(s / PAGES_PER_SLAB);
    if (slab === this.slabs.length) this.slabs.push(new Uint8Array(PAGES_PER_SLAB * PAGE));
    this.slabs[slab].set(this.pending, (s % PAGES_PER_SLAB) * PAGE);
    this.slot.set(page, s);
  }

  /** Synchronous read (zero-filled where pages are zero). */
  readSync(offset: number, length: number): Uint8Array {
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    return this.fill(offset, new Uint8Array(end - offset), true);
  }

  async readInto(offset: number, dst: Uint8Array): Promise<number> {
    const end = Math.min(this.size, offset + dst.length);
    if (offset >= end) return 0;
    this.fill(offset, dst.subarray(0, end - offset), false);
    return end - offset;
  }

  /** Copies the bytes at `offset` into `out` (zeroing absent pages unless `zeroed` says `out` is already zero). */
  private fill(offset: number, out: Uint8Array, zeroed: boolean): Uint8Array {
    const end = offset + out.length;
    let at = offset;
    while (at < end) {
      const page = Math.floor(at / PAGE);
      const inPage = at - page * PAGE;
      const take = Math.min(PAGE - inPage, end - at);
      const s = this.slot.get(page);
      if (s !== undefined) {
        const base = (s % PAGES_PER_SLAB) * PAGE + inPage;
        out.set(this.slabs[Math.floor(s / PAGES_PER_SLAB)].subarray(base, base + take), at - offset);
      } else if (!zeroed) out.fill(0, at - offset, at - offset + take);
      at += take;
    }
    return out;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    return this.readSync(offset, length);
  }
}
