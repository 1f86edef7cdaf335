/**
 * Test support: reads malloc_tracer's gdb plugin `heap_total` output (the
 * reference answers in fixtures/heapgen) and the heapgen attribution inputs.
 *
 * Sizes in that file are Python's `str(round(bytes / 1024**i, 2)) + unit`, so
 * exact byte figures are checked by printing ours the same way (`pySize`), and
 * differences between two files by the interval each printed size allows.
 */
import { existsSync, readFileSync } from 'node:fs';
import { withSource } from '../../../test-support/node-files.ts';
import { sharedPath } from '../../../test-support/shared.ts';
import { attribute, type Attribution } from '../formats/malloc-tracer/attribution.ts';
import { openBinary, type Binary } from '../formats/elf/binary.ts';
import { openCore, type CoreFile } from '../formats/elf/core-file.ts';
import { readChapList } from '../formats/chap-list/chap-list.ts';
import { NodeFileSource } from '../../../cli/node-source.ts';
import type { AllocationTable } from '../../../src/model/allocations.ts';

export const HEAPGEN = ['fixtures', 'heapgen'];
const DEBUG = '/usr/lib/debug/.build-id';
/** glibc's separate debug files (Debian libc6-dbg) for the libc and ld.so of the heapgen cores. */
export const GLIBC_DEBUG = [`${DEBUG}/93/ac61ec5a8eb1396f9fbd350e3169a558528a40.debug`, `${DEBUG}/7e/bc65e52f2bbea498b4040fa92f7238377aaba9.debug`];
export const HAVE_GLIBC_DEBUG = GLIBC_DEBUG.every((p) => existsSync(p));

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Python's `str(round(bytes / 1024**i, 2)) + unit` with i the largest unit not above `bytes`, rounded half-even on the exact value. */
export function pySize(bytes: number): string {
  if (bytes === 0) return '0B';
  let i = 0;
  while (i + 1 < UNITS.length && 1024 ** (i + 1) <= bytes) i++;
  const d = 1024n ** BigInt(i);
  const q = BigInt(bytes) * 100n;
  let hundredths = q / d;
  const r = (q % d) * 2n;
  if (r > d || (r === d && hundredths % 2n === 1n)) hundredths += 1n;
  const v = Number(hundredths) / 100;
  return (Number.isInteger(v) ? v.toFixed(1) : String(v)) + UNITS[i];
}

/** The exact byte counts a printed size can stand for: [lo, hi]. */
export function sizeInterval(s: string): [number, number] {
  const m = /^([\d.]+)([KMGT]?B)$/.exec(s);
  if (!m) throw new Error(`not a heap_total size: ${s}`);
  const unit = 1024 ** UNITS.indexOf(m[2]);
  const v = Number(m[1]);
  return [Math.ceil((v - 0.005) * unit), Math.floor((v + 0.005) * unit)];
}

export interface TotalRow {
  user: string;
  mem: string;
  chunk: string;
  count: number;
}

export interface HeapTotal {
  total: TotalRow;
  /** Library rows in file order, by gdb's library name. */
  libraries: Map<string, TotalRow>;
  /** Function rows per library name (only the libraries the file details). */
  functions: Map<string, Map<string, TotalRow>>;
  errors: string;
}

const SIZES = /Sizes: User=([\d.]+[KMGT]?B), Mem=([\d.]+[KMGT]?B), Chunk=([\d.]+[KMGT]?B); Count=(\d+);/;

function sizes(line: string): TotalRow {
  const m = SIZES.exec(line);
  if (!m) throw new Error(`no sizes in heap_total line: ${line}`);
  return { user: m[1], mem: m[2], chunk: m[3], count: Number(m[4]) };
}

/** Parses `core.phaseN.heap_total.txt`. */
export function readHeapTotal(phase: number): HeapTotal {
  const lines = readFileSync(sharedPath(...HEAPGEN, `core.phase${phase}.heap_total.txt`), 'utf8').split('\n');
  const out: HeapTotal = { total: { user: '', mem: '', chunk: '', count: 0 }, libraries: new Map(), functions: new Map(), errors: '' };
  let current: Map<string, TotalRow> | null = null;
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if (line.startsWith('### Total memory allocations')) out.total = sizes(line);
    else if ((m = /^Lib: "(.*)": /.exec(line))) out.libraries.set(m[1], sizes(line));
    else if ((m = /^### Memory allocations for library "(.*)"\. Total /.exec(line))) {
      current = new Map();
      out.functions.set(m[1], current);
    } else if ((m = /^Func: "(.*)": Sizes/.exec(line))) {
      if (!current) throw new Error('function row before any library header');
      current.set(m[1], sizes(line));
    } else if (line.startsWith('errors:')) out.errors = line;
  }
  return out;
}

export interface HeapgenPhase {
  attribution: Attribution;
  table: AllocationTable;
  core: CoreFile;
  /** Closes the core and its file. */
  close(): Promise<void>;
}

/** Attribution of heapgen phase N from its core, chap's list_used and the two heapgen binaries (+ glibc debug files when present). */
export async function attributeHeapgen(phase: number, withGlibcDebug = HAVE_GLIBC_DEBUG): Promise<HeapgenPhase> {
  const src = await NodeFileSource.open(sharedPath(...HEAPGEN, `core.phase${phase}.gz`));
  const core = await openCore(src);
  const table = (await withSource(sharedPath(...HEAPGEN, `core.phase${phase}.list_used`), (s) => readChapList(s))).table;
  const paths = [sharedPath(...HEAPGEN, 'heapgen'), sharedPath(...HEAPGEN, 'libwidgets.so'), ...(withGlibcDebug ? GLIBC_DEBUG : [])];
  const bins: Binary[] = [];
  for (const p of paths) bins.push(await withSource(p, (s) => openBinary(s)));
  const close = async () => {
    await core.close();
    await src.close();
  };
  return { attribution: await attribute(core, table, bins), table, core, close };
}
