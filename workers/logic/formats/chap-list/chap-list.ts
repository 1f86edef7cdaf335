/**
 * Reader for chap's `list …` output (`list used`, `list free`, `list leaked`, …,
 * and `describe` output, whose first lines per allocation have the same shape).
 *
 * Lines it understands (chap writes `\n`; `\r\n` is accepted too):
 *   Used allocation at 5574cccbc010 of size 288           (also Free / Leaked / Unreferenced /
 *                                                          Anchored / Thread cached free)
 *   ... with signature 7fc696ce0db8(widgets::Rect)        type of the allocation above
 *   ... with signature 7fc696ce0db8                       signature without a name
 *   This allocation matches pattern DequeBlock.           pattern, kept as `%DequeBlock`
 *   ... which matches pattern DequeBlock                  (same, short form)
 *   26343 allocations use 0x3415e8 (3,413,480) bytes.     closing tally, cross-checked
 *   <blank>
 * Anything else (anchor-chain explanations and the like) is counted and reported
 * once as a warning. The parser works on bytes: no string is made per line.
 *
 * Budgets (issue 13): a line is at most `MAX_LINE_BYTES` (pieces of a long
 * line are kept in a list and joined once, so time stays linear), a table at
 * most `MAX_ROWS` rows, gzip at most `TEXT_DECODE_BUDGET` decoded; past any of
 * them reading stops with an `InputError` naming the file and the limit.
 * Numbers are exact or refused: addresses of at most 64 bits, sizes and tally
 * figures at most 2^53 − 1, and the sizes of a list may not add up past it.
 */
import { AllocationTableBuilder, AllocFlag, AllocState, type AllocationTable } from '../../../../src/model/allocations.ts';
import { hexOf } from '../../../../src/model/address.ts';
import { MAX_ROWS, TEXT_DECODE_BUDGET } from '../../io/budget.ts';
import { allocShared } from '../../../../src/model/columns.ts';
import { InputError, type InputWarning } from '../../io/errors.ts';
import { decodedChunks, decodedSizeHint, type ReadControl } from '../../io/stream.ts';
import type { ByteSource } from '../../io/source.ts';
import { LineSplitter } from '../../io/lines.ts';

export interface Tally {
  line: number;
  count: number;
  bytes: number;
  /** What the rows since the previous tally add up to. */
  listedCount: number;
  listedBytes: number;
}

export interface ChapListResult {
  table: AllocationTable;
  tallies: Tally[];
  warnings: InputWarning[];
  lines: number;
  /** Decoded bytes parsed. */
  bytes: number;
}

/** Longest line accepted: chap's lines are short; a signature's C++ name may run to a few KiB. */
export const MAX_LINE_BYTES = 1 << 20;

const NL = 10;
const CR = 13;
const SPACE = 32;
const OPEN = 40;
const CLOSE = 41;

const enc = new TextEncoder();
/** Line prefixes, the state they give and the sets they say the allocation is in (leaked is used). */
const PREFIXES: [Uint8Array, AllocState, number][] = [
  [enc.encode('Used allocation at '), AllocState.Used, 0],
  [enc.encode('Free allocation at '), AllocState.Free, 0],
  [enc.encode('Leaked allocation at '), AllocState.Used, AllocFlag.Leaked],
  [enc.encode('Unreferenced allocation at '), AllocState.Used, AllocFlag.Leaked | AllocFlag.Unreferenced],
  [enc.encode('Anchored allocation at '), AllocState.Used, AllocFlag.Anchored],
  [enc.encode('Thread cached free allocation at '), AllocState.ThreadCachedFree, 0],
];
/** Indexes into PREFIXES of the prefixes starting with each byte. */
const PREFIXES_BY_FIRST: number[][] = Array.from({ length: 256 }, () => []);
PREFIXES.forEach(([p], k) => PREFIXES_BY_FIRST[p[0]].push(k));
const OF_SIZE = enc.encode(' of size ');
/** Hex digits of a size the one-pass path takes (13: at most 2^52, below 2^53); longer ones go the general way. */
const WHOLE_SIZE_DIGITS = 13;
/** Slots of the signature → type id cache (a power of two). */
const SIG_CACHE = 1024;
const WITH_SIGNATURE = enc.encode('... with signature ');
const MATCHES_PATTERN = enc.encode('matches pattern ');
const ALLOCATIONS_USE = enc.encode(' allocations use 0x');

/** Value of a hex digit byte, or -1. */
const HEXVAL = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEXVAL[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEXVAL[97 + i] = 10 + i;
  HEXVAL[65 + i] = 10 + i;
}

const utf8 = new TextDecoder();

function startsWith(buf: Uint8Array, at: number, end: number, pat: Uint8Array): boolean {
  if (end - at < pat.length) return false;
  for (let i = 0; i < pat.length; i++) if (buf[at + i] !== pat[i]) return false;
  return true;
}

function indexOfPattern(buf: Uint8Array, from: number, end: number, pat: Uint8Array): number {
  const first = pat[0];
  for (let i = from; i <= end - pat.length; i++) {
    if (buf[i] === first && startsWith(buf, i, end, pat)) return i;
  }
  return -1;
}

/**
 * Incremental parser: `push` decoded bytes in any slicing, then `end()`.
 * Exported so tests and benchmarks can drive it without a source.
 */
export class ChapListParser {
  readonly builder: AllocationTableBuilder;
  /** (row, flags) pairs of rows whose line prefix names a set; most lists have none. */
  private readonly flagged: number[] = [];
  readonly tallies: Tally[] = [];
  readonly warnings: InputWarning[] = [];

  private readonly lines = new LineSplitter(
    MAX_LINE_BYTES,
    (b, s, e) => this.line(b, s, e),
    () => this.tooLong(),
    (b, s, n) => this.whole(b, s, n),
  );
  /** Bytes of every allocation listed (exact: kept at most 2^53 − 1). */
  private totalBytes = 0;
  private lineNo = 0;
  private bytes = 0;
  /** Row the next `...` annotation applies to, or -1. */
  private lastRow = -1;
  private sectionCount = 0;
  private sectionBytes = 0;
  private otherLines = 0;
  private firstOtherLine = 0;
  private badLines = 0;
  private firstBadLine = 0;
  private readonly sigTypes = new Map<number, number>();
  private readonly sigTypesWide = new Map<string, number>();
  private readonly sigCacheHi = new Uint32Array(SIG_CACHE);
  private readonly sigCacheLo = new Uint32Array(SIG_CACHE);
  private readonly sigCacheId = new Int32Array(SIG_CACHE).fill(-1);
  // Scratch results of parseHex.
  private hexHi = 0;
  private hexLo = 0;
  private hexEnd = 0;

  constructor(
    readonly file: string,
    expectedRows = 0,
  ) {
    this.builder = new AllocationTableBuilder({ expectedRows });
  }

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    this.lines.push(chunk);
  }

  private tooLong(): never {
    throw new InputError(
      this.file,
      `line ${(this.lineNo + 1).toLocaleString('en-US')} is longer than ${(MAX_LINE_BYTES >> 20).toLocaleString('en-US')} MiB, the limit for a chap list line; this is not a chap list`,
    );
  }

  end(): ChapListResult {
    const partial = this.lines.end();
    if (partial) {
      const text = utf8.decode(partial.subarray(0, 80));
      this.warnings.push({
        file: this.file,
        message: `the file ends in the middle of line ${this.lineNo + 1} ("${text}"); it looks truncated, and that line was ignored`,
      });
    }
    if (this.otherLines > 0) {
      this.warnings.push({
        file: this.file,
        message: `${this.otherLines} line(s) that are not allocation lines were skipped (first at line ${this.firstOtherLine})`,
      });
    }
    if (this.badLines > 0) {
      this.warnings.push({
        file: this.file,
        message: `${this.badLines} malformed allocation line(s) were skipped (first at line ${this.firstBadLine})`,
      });
    }
    const rows = this.builder.rows;
    if (rows === 0 && this.tallies.length === 0) {
      throw new InputError(this.file, 'no chap allocation lines were found; is this the output of chap\'s "list" command?');
    }
    if (this.tallies.length === 0) {
      this.warnings.push({
        file: this.file,
        message: `no closing tally line ("N allocations use 0x… bytes."); the file may be truncated`,
      });
    } else if (this.sectionCount > 0) {
      this.warnings.push({
        file: this.file,
        message: `${this.sectionCount} allocation(s) after the last tally line are not covered by a tally; the file may be truncated`,
      });
    }
    const table = this.builder.freeze();
    if (this.flagged.length) {
      const flags = new Uint16Array(allocShared(Math.max(2, table.rows * 2)), 0, table.rows);
      for (let i = 0; i < this.flagged.length; i += 2) flags[this.flagged[i]] |= this.flagged[i + 1];
      table.flags = flags;
    }
    return { table, tallies: this.tallies, warnings: this.warnings, lines: this.lineNo, bytes: this.bytes };
  }

  /** Parses hex digits at `at`; returns false when none. Result in hexHi/hexLo, hexEnd. */
  private parseHex(buf: Uint8Array, at: number, end: number): boolean {
    let hi = 0;
    let lo = 0;
    let i = at;
    while (i < end) {
      const v = HEXVAL[buf[i]];
      if (v < 0) break;
      if (i - at >= 16) return false; // more than 64 bits
      hi = ((hi << 4) | (lo >>> 28)) >>> 0;
      lo = ((lo << 4) | v) >>> 0;
      i++;
    }
    if (i === at) return false;
    this.hexHi = hi;
    this.hexLo = lo;
    this.hexEnd = i;
    return true;
  }

  /**
   * The common lines in one pass (`LineSplitter`'s `whole`): a blank line, or an allocation line lying whole in the
   * chunk that `line` would take as it stands. Returns the index after its newline, or -1 for anything else (an
   * annotation, a tally, a line cut by the chunk's end, a malformed or out-of-range line: `line` then takes it, with
   * its warnings and errors). What is kept is exactly what `line` keeps.
   */
  private whole(buf: Uint8Array, at: number, n: number): number {
    const c = buf[at];
    if (c === NL) {
      this.lineNo++;
      return at + 1;
    }
    const ks = PREFIXES_BY_FIRST[c];
    for (let q = 0; q < ks.length; q++) {
      const [prefix, state, flags] = PREFIXES[ks[q]];
      if (!startsWith(buf, at, n, prefix)) continue;
      // The address, then " of size ", each followed by more bytes of the chunk (else the line may go on in the next).
      if (!this.parseHex(buf, at + prefix.length, n) || n - this.hexEnd <= OF_SIZE.length) return -1;
      const hi = this.hexHi;
      const lo = this.hexLo;
      if (!startsWith(buf, this.hexEnd, n, OF_SIZE)) return -1;
      let i = this.hexEnd + OF_SIZE.length;
      const s0 = i;
      let size = 0;
      for (;;) {
        if (i >= n) return -1;
        const v = HEXVAL[buf[i]];
        if (v < 0) break;
        if (i - s0 >= WHOLE_SIZE_DIGITS) return -1;
        size = size * 16 + v;
        i++;
      }
      if (i === s0) return -1;
      if (buf[i] === CR) i++;
      if (i >= n || buf[i] !== NL) return -1;
      if (this.totalBytes + size > Number.MAX_SAFE_INTEGER || this.builder.rows >= MAX_ROWS) return -1;
      this.lineNo++;
      this.keepRow(hi, lo, size, state, flags);
      return i + 1;
    }
    return -1;
  }

  private line(buf: Uint8Array, at: number, end: number): void {
    this.lineNo++;
    if (end > at && buf[end - 1] === CR) end--;
    if (end === at) return;
    const c = buf[at];
    if (c === 0x2e /* . */) {
      this.annotation(buf, at, end);
      return;
    }
    if (c >= 0x30 && c <= 0x39) {
      if (this.tally(buf, at, end)) return;
    } else {
      for (let k = 0; k < PREFIXES.length; k++) {
        const [prefix, state, flags] = PREFIXES[k];
        if (buf[at] !== prefix[0] || !startsWith(buf, at, end, prefix)) continue;
        this.allocation(buf, at + prefix.length, end, state, flags);
        return;
      }
      if (c === 0x54 /* T */ && indexOfPattern(buf, at, end, MATCHES_PATTERN) >= 0) {
        this.annotation(buf, at, end);
        return;
      }
    }
    this.lastRow = -1;
    if (this.otherLines++ === 0) this.firstOtherLine = this.lineNo;
  }

  private allocation(buf: Uint8Array, at: number, end: number, state: AllocState, flags: number): void {
    if (!this.parseHex(buf, at, end) || !startsWith(buf, this.hexEnd, end, OF_SIZE)) return this.bad();
    const hi = this.hexHi;
    const lo = this.hexLo;
    let i = this.hexEnd + OF_SIZE.length;
    const s0 = i;
    let size = 0;
    while (i < end) {
      const v = HEXVAL[buf[i]];
      if (v < 0) break;
      size = size * 16 + v;
      i++;
    }
    if (i === s0 || i !== end || size > Number.MAX_SAFE_INTEGER) return this.bad();
    if (this.totalBytes + size > Number.MAX_SAFE_INTEGER) return this.bad();
    if (this.builder.rows >= MAX_ROWS) {
      throw new InputError(this.file, `more than ${MAX_ROWS.toLocaleString('en-US')} allocations, the limit of one table; split the list`);
    }
    this.keepRow(hi, lo, size, state, flags);
  }

  /** An allocation line's row (both paths, `whole` and `allocation`, keep it here): the totals, the set flags. */
  private keepRow(hi: number, lo: number, size: number, state: AllocState, flags: number): void {
    this.totalBytes += size;
    const row = this.builder.add(hi, lo, size, state);
    this.lastRow = row;
    this.sectionCount++;
    this.sectionBytes += size;
    if (flags) this.flagged.push(row, flags);
  }

  private bad(): void {
    this.lastRow = -1;
    if (this.badLines++ === 0) this.firstBadLine = this.lineNo;
  }

  private annotation(buf: Uint8Array, at: number, end: number): void {
    const row = this.lastRow;
    if (row < 0) {
      if (this.otherLines++ === 0) this.firstOtherLine = this.lineNo;
      return;
    }
    if (startsWith(buf, at, end, WITH_SIGNATURE)) {
      const p = at + WITH_SIGNATURE.length;
      if (!this.parseHex(buf, p, end)) return this.bad();
      const hi = this.hexHi;
      const lo = this.hexLo;
      const after = this.hexEnd;
      // The type ids of recent signatures by their low bits first (lists repeat a few signatures), then the maps.
      const slot = (lo >>> 3) & (SIG_CACHE - 1);
      if (this.sigCacheId[slot] >= 0 && this.sigCacheLo[slot] === lo && this.sigCacheHi[slot] === hi) {
        this.builder.type.set(row, this.sigCacheId[slot]);
        return;
      }
      let id: number | undefined;
      const narrow = hi < 0x200000;
      const key = narrow ? hi * 4294967296 + lo : 0;
      id = narrow ? this.sigTypes.get(key) : this.sigTypesWide.get(`${hi}:${lo}`);
      if (id === undefined) {
        let name: string;
        if (after < end && buf[after] === OPEN && buf[end - 1] === CLOSE) {
          name = utf8.decode(buf.slice(after + 1, end - 1));
        } else {
          name = `signature 0x${hexOf(hi, lo)}`;
        }
        id = this.builder.strings.intern(name);
        if (narrow) this.sigTypes.set(key, id);
        else this.sigTypesWide.set(`${hi}:${lo}`, id);
      }
      this.sigCacheHi[slot] = hi;
      this.sigCacheLo[slot] = lo;
      this.sigCacheId[slot] = id;
      this.builder.type.set(row, id);
      return;
    }
    const m = indexOfPattern(buf, at, end, MATCHES_PATTERN);
    if (m >= 0) {
      let e = end;
      while (e > m && (buf[e - 1] === 0x2e || buf[e - 1] === SPACE)) e--;
      const name = utf8.decode(buf.slice(m + MATCHES_PATTERN.length, e));
      this.builder.type.set(row, this.builder.strings.intern(`%${name}`));
      return;
    }
    if (this.otherLines++ === 0) this.firstOtherLine = this.lineNo;
  }

  /** `N allocations use 0xHEX (D,DDD) bytes.` Returns false when the line is not a tally. */
  private tally(buf: Uint8Array, at: number, end: number): boolean {
    let i = at;
    let count = 0;
    while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) count = count * 10 + (buf[i++] - 0x30);
    if (!startsWith(buf, i, end, ALLOCATIONS_USE)) return false;
    i += ALLOCATIONS_USE.length;
    let bytes = 0;
    const h0 = i;
    while (i < end && HEXVAL[buf[i]] >= 0) bytes = bytes * 16 + HEXVAL[buf[i++]];
    if (i === h0) return false;
    if (count > Number.MAX_SAFE_INTEGER || bytes > Number.MAX_SAFE_INTEGER) {
      // Figures past 2^53 cannot be compared exactly (and no process has them): a malformed line.
      this.bad();
      return true;
    }
    this.lastRow = -1;
    this.tallies.push({
      line: this.lineNo,
      count,
      bytes,
      listedCount: this.sectionCount,
      listedBytes: this.sectionBytes,
    });
    if (count !== this.sectionCount || bytes !== this.sectionBytes) {
      this.warnings.push({
        file: this.file,
        message:
          `the tally at line ${this.lineNo} says ${count.toLocaleString('en-US')} allocations use ${bytes.toLocaleString('en-US')} bytes, ` +
          `but the lines above it list ${this.sectionCount.toLocaleString('en-US')} allocations using ${this.sectionBytes.toLocaleString('en-US')} bytes`,
      });
    }
    this.sectionCount = 0;
    this.sectionBytes = 0;
    return true;
  }
}

/** Reads a chap list file (plain or gzip) into an allocation table. */
export async function readChapList(src: ByteSource, ctl?: ReadControl): Promise<ChapListResult> {
  // chap writes about 40 bytes per allocation in `list used` (line + blank line).
  const parser = new ChapListParser(src.name, Math.min(MAX_ROWS, Math.ceil((await decodedSizeHint(src)) / 40)));
  for await (const chunk of decodedChunks(src, ctl, TEXT_DECODE_BUDGET)) parser.push(chunk);
  return parser.end();
}
