/**
 * Reading the core's memory for the glibc walk: pointer-size words (top-byte
 * tags of aarch64 pointers stripped exactly, on the two 32-bit halves, before
 * the value becomes a Number), writable ranges, the cancel check and a step
 * budget for loops over counts taken from the core, and warnings gathered by
 * kind with a count (so a hostile core gives a few lines, never millions).
 */
import type { CoreFile } from '../../formats/elf/core-file.ts';
import { CancelledError, type InputWarning } from '../../io/errors.ts';
import { isCancelled, type ReadControl } from '../../io/stream.ts';

export const PAGE = 0x1000;
const WINDOW_BYTES = 4 << 20;

/** A run of readable, writable memory. */
export interface Range {
  start: number;
  end: number;
}

export class Mem {
  readonly w: number;
  /** aarch64 ignores the top byte of addresses (TBI); pointers there may carry tags. */
  readonly tagged: boolean;
  private readonly kinds = new Map<string, { count: number; examples: string[]; text: (n: number, ex: string) => string }>();
  private readonly plain: InputWarning[] = [];
  private readonly windows: Uint8Array[] = [];
  /** The window being read ahead: its address, its buffer (0 or 1) and the read. */
  private ahead: { addr: number; buf: number; bytes: Promise<Uint8Array | null> } | null = null;
  private steps = 0;
  private sinceYield = 0;

  constructor(
    readonly core: CoreFile,
    readonly ctl?: ReadControl,
  ) {
    this.w = core.pointerSize;
    this.tagged = core.arch === 'aarch64';
  }

  get name(): string {
    return this.core.name;
  }

  /** A one-off warning. */
  warn(message: string): void {
    this.plain.push({ file: this.core.name, message });
  }

  /**
   * One occurrence of a kind of anomaly; all occurrences of a kind become one
   * warning, `text(count, examples)`, with the first few `where`s as examples.
   */
  anomaly(kind: string, where: string, text: (n: number, examples: string) => string): void {
    let k = this.kinds.get(kind);
    if (!k) this.kinds.set(kind, (k = { count: 0, examples: [], text }));
    k.count++;
    if (k.examples.length < 3) k.examples.push(where);
  }

  /** Number of occurrences of an anomaly kind so far. */
  anomalies(kind: string): number {
    return this.kinds.get(kind)?.count ?? 0;
  }

  warnings(): InputWarning[] {
    const out = [...this.plain];
    for (const k of this.kinds.values()) out.push({ file: this.core.name, message: k.text(k.count, k.examples.join(', ') + (k.count > k.examples.length ? ', …' : '')) });
    return out;
  }

  /** Counts loop steps: checks the cancel flag every 4096 and yields to the event loop every 2^20. */
  async step(n = 1): Promise<void> {
    if (this.tick(n)) await this.pause();
  }

  /**
   * `step` without an await when no yield is due (a loop of millions of steps pays no microtask per step): counts
   * the steps, checks the cancel flag every 4096, and returns true when the caller must `await pause()`.
   */
  tick(n = 1): boolean {
    this.steps += n;
    this.sinceYield += n;
    if (this.steps >= 4096) {
      this.steps = 0;
      if (isCancelled(this.ctl)) throw new CancelledError(this.core.name);
    }
    return this.sinceYield >= 1 << 20;
  }

  /** Yields to the event loop (after `tick` said so). */
  async pause(): Promise<void> {
    this.sinceYield = 0;
    await new Promise<void>((r) => setTimeout(r, 0));
  }

  checkCancel(): void {
    if (isCancelled(this.ctl)) throw new CancelledError(this.core.name);
  }

  /** A pointer-size word from a buffer (a pointer's tag stripped on aarch64). */
  wordIn(dv: DataView, o: number): number {
    if (this.w === 4) return dv.getUint32(o, true);
    let hi = dv.getUint32(o + 4, true);
    if (this.tagged) hi &= 0x00ffffff;
    return hi * 4294967296 + dv.getUint32(o, true);
  }

  /** The raw halves of a word (for safe-linking's XOR, done exactly). */
  halvesIn(dv: DataView, o: number): [hi: number, lo: number] {
    return this.w === 4 ? [0, dv.getUint32(o, true)] : [dv.getUint32(o + 4, true), dv.getUint32(o, true)];
  }

  async read(addr: number, length: number): Promise<DataView | null> {
    if (!(addr >= 0) || addr > Number.MAX_SAFE_INTEGER) return null;
    const b = await this.core.read(addr, length);
    return b ? new DataView(b.buffer, b.byteOffset, b.byteLength) : null;
  }

  /**
   * `length` bytes at `addr` (at most 4 MiB) in this walk's one window buffer, reused: the view is valid until
   * the next `readWindow` (the chunk walk reads its heaps window after window, without a new buffer each time).
   */
  async readWindow(addr: number, length: number): Promise<DataView | null> {
    if (!(addr >= 0) || addr > Number.MAX_SAFE_INTEGER) return null;
    if (length > WINDOW_BYTES || !this.core.readInto) return this.read(addr, length);
    const p = this.ahead;
    this.ahead = null;
    let b: Uint8Array | null = null;
    let buf = 0;
    if (p) {
      // The window read ahead serves this one when it starts in its first half (the walks go on from about where
      // the last window ended); else it is waited for, so that its buffer is not being filled when reused.
      const got = await p.bytes;
      const from = addr - p.addr;
      if (got && from >= 0 && from <= got.length / 2 && got.length - from >= Math.min(length, 2 * this.w)) {
        b = got.subarray(from, Math.min(got.length, from + length));
        buf = p.buf;
      } else buf = 1 - p.buf;
    }
    if (!b) b = await this.core.readInto(addr, this.buffer(buf, length).subarray(0, length));
    if (!b) return null;
    // Read the next window ahead, into the other buffer, while this one is walked: only when no one watches the
    // core's reads (a read ahead that is not used would be seen), and only within the readable run.
    const next = addr + b.length - 4 * this.w;
    if (!this.core.watched && next > addr && this.core.readableEnd(next) >= next + length) {
      const other = 1 - buf;
      this.ahead = { addr: next, buf: other, bytes: this.core.readInto(next, this.buffer(other, length).subarray(0, length)).catch(() => null) };
    }
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** Window buffer `i` (of two), at least `length` bytes (as large as the largest window asked for, not 4 MiB). */
  private buffer(i: number, length: number): Uint8Array {
    let w = this.windows[i];
    if (!w || w.length < length) w = this.windows[i] = new Uint8Array(length);
    return w;
  }

  async word(addr: number): Promise<number | null> {
    const dv = await this.read(addr, this.w);
    return dv ? this.wordIn(dv, 0) : null;
  }

  async halves(addr: number): Promise<[number, number] | null> {
    const dv = await this.read(addr, this.w);
    return dv ? this.halvesIn(dv, 0) : null;
  }

  async u32(addr: number): Promise<number | null> {
    const dv = await this.read(addr, 4);
    return dv ? dv.getUint32(0, true) : null;
  }

  /** Readable, writable runs of the core (PF_R|PF_W segments, the bytes present). */
  writable(): Range[] {
    const out: Range[] = [];
    for (const s of this.core.segments) {
      if ((s.flags & 6) !== 6) continue;
      const end = this.core.readableEnd(s.vaddr);
      if (end > s.vaddr) out.push({ start: s.vaddr, end: Math.min(end, s.vaddr + s.memsz) });
    }
    return out;
  }
}

/** Exact XOR of a word's halves with a non-negative integer below 2^53, back to a Number (tag stripped when `tagged`). */
export function xorWord(hi: number, lo: number, v: number, tagged: boolean): number {
  let h = (hi ^ Math.floor(v / 4294967296)) >>> 0;
  if (tagged) h &= 0x00ffffff;
  return h * 4294967296 + ((lo ^ (v >>> 0)) >>> 0);
}

export const hex = (n: number): string => `0x${n.toString(16)}`;
