/**
 * Synchronous word reads over pages loaded ahead from a core (`load` is the only
 * await), bounded in memory: at most `maxPages` pages are kept, oldest dropped.
 * Unreadable bytes read as the caller's default, as chap's reader does.
 */
import type { CoreFile } from '../../formats/elf/core-file.ts';

const PAGE = 0x1000;
/** Pages read at once. */
const GROUP = 16;

export class Pages {
  private readonly pages = new Map<number, DataView | null>();
  constructor(
    readonly core: CoreFile,
    readonly maxPages = 8192,
  ) {}

  /** Loads the pages of [addr, addr + len), 16 pages a read where the core has them all. */
  async load(addr: number, len: number): Promise<void> {
    if (!(addr >= 0) || addr + len > Number.MAX_SAFE_INTEGER) return;
    const first = Math.floor(addr / PAGE);
    const last = Math.floor((addr + Math.max(1, len) - 1) / PAGE);
    for (let p = first; p <= last; p++) {
      if (this.pages.has(p)) continue;
      const group = p - (p % GROUP);
      const b = await this.core.read(group * PAGE, GROUP * PAGE);
      if (b && b.length === GROUP * PAGE) {
        for (let q = group; q < group + GROUP; q++) if (!this.pages.has(q)) this.put(q, new DataView(b.buffer, b.byteOffset + (q - group) * PAGE, PAGE));
        continue;
      }
      const one = await this.core.read(p * PAGE, PAGE);
      this.put(p, one ? new DataView(one.buffer, one.byteOffset, one.byteLength) : null);
    }
  }

  private put(p: number, dv: DataView | null): void {
    if (this.pages.size >= this.maxPages) this.pages.delete(this.pages.keys().next().value as number);
    this.pages.set(p, dv);
  }

  has(addr: number): boolean {
    return this.pages.has(Math.floor(addr / PAGE));
  }

  /** The loaded page holding all `width` bytes at `addr` (their offset in it: `addr % PAGE`), or null. */
  private pageFor(addr: number, width: number): DataView | null {
    if (!(addr >= 0) || addr > Number.MAX_SAFE_INTEGER || addr % PAGE > PAGE - width) return null;
    return this.pages.get(Math.floor(addr / PAGE)) ?? null;
  }

  /** 64-bit little-endian word at `addr` (pages must be loaded), or `dflt`. */
  word(addr: number, dflt: number): number {
    const dv = this.pageFor(addr, 8);
    if (!dv) return dflt;
    const o = addr % PAGE;
    return dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
  }

  u32(addr: number, dflt: number): number {
    const dv = this.pageFor(addr, 4);
    return dv ? dv.getUint32(addr % PAGE, true) : dflt;
  }

  u8(addr: number, dflt: number): number {
    const p = Math.floor(addr / PAGE);
    const dv = this.pages.get(p);
    return dv ? dv.getUint8(addr - p * PAGE) : dflt;
  }

  /** Reads a word, loading its page first when needed (synchronous when the page is already loaded). */
  wordAt(addr: number, dflt: number): number | Promise<number> {
    const p = Math.floor(addr / PAGE);
    if (addr % PAGE <= PAGE - 8 && this.pages.has(p)) return this.word(addr, dflt);
    return this.wordSlow(addr, dflt);
  }

  private async wordSlow(addr: number, dflt: number): Promise<number> {
    await this.load(addr, 8);
    if (addr % PAGE > PAGE - 8) {
      const b = await this.core.read(addr, 8);
      if (!b) return dflt;
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      return dv.getUint32(4, true) * 4294967296 + dv.getUint32(0, true);
    }
    return this.word(addr, dflt);
  }

  u32At(addr: number, dflt: number): number | Promise<number> {
    if (this.pages.has(Math.floor(addr / PAGE))) return this.u32(addr, dflt);
    return this.load(addr, 4).then(() => this.u32(addr, dflt));
  }
}
