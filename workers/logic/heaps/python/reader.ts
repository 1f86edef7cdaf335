/**
 * Word and uint reads of a core with a default for unreadable bytes (as chap's
 * reader), through a one-page cache: the walks read in address order.
 */
import type { CoreFile } from '../../formats/elf/core-file.ts';

/** Reads words and uints of the core with a default for unreadable bytes, caching pages. */
export class Reader {
  private page = -1;
  private bytes: Uint8Array | null = null;
  private dv: DataView | null = null;
  constructor(
    readonly core: CoreFile,
    readonly pageSize = 0x1000,
  ) {}

  private async at(addr: number, n: number): Promise<number> {
    const p = Math.floor(addr / this.pageSize);
    if (p !== this.page) {
      this.page = p;
      this.bytes = await this.core.read(p * this.pageSize, this.pageSize);
      this.dv = this.bytes ? new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength) : null;
    }
    const o = addr - p * this.pageSize;
    return this.dv && o + n <= this.pageSize ? o : -1;
  }

  async word(addr: number, dflt: number): Promise<number> {
    if (!(addr >= 0) || addr > Number.MAX_SAFE_INTEGER) return dflt;
    const w = this.core.pointerSize;
    const o = await this.at(addr, w);
    if (o < 0) {
      if (addr % this.pageSize > this.pageSize - w) {
        const b = await this.core.read(addr, w);
        if (!b) return dflt;
        const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
        return w === 8 ? dv.getUint32(4, true) * 4294967296 + dv.getUint32(0, true) : dv.getUint32(0, true);
      }
      return dflt;
    }
    return w === 8 ? this.dv!.getUint32(o + 4, true) * 4294967296 + this.dv!.getUint32(o, true) : this.dv!.getUint32(o, true);
  }

  async u32(addr: number, dflt: number): Promise<number> {
    if (!(addr >= 0) || addr > Number.MAX_SAFE_INTEGER) return dflt;
    const o = await this.at(addr, 4);
    if (o < 0) return dflt;
    return this.dv!.getUint32(o, true);
  }
}


/** NUL-terminated string at `addr` (at most `max` bytes, Latin-1 / ASCII), or null when unreadable or not terminated. */
export async function readCString(core: CoreFile, addr: number, max = 256): Promise<string | null> {
  if (!(addr > 0) || addr > Number.MAX_SAFE_INTEGER) return null;
  let out = '';
  for (let at = addr; at < addr + max; ) {
    const n = Math.min(addr + max - at, 0x1000 - (at % 0x1000));
    const b = await core.read(at, n);
    if (!b) return null;
    const z = b.indexOf(0);
    const part = z >= 0 ? b.subarray(0, z) : b;
    for (let i = 0; i < part.length; i++) {
      const c = part[i];
      if (c < 0x20 || c > 0x7e) return null;
      out += String.fromCharCode(c);
    }
    if (z >= 0) return out;
    at += n;
  }
  return null;
}
