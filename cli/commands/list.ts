/**
 * `heapscope list --SET CORE [LIST...] [--json]`: chap's `list SET` output, byte
 * for byte in chap's format, from the core's own glibc heap walk and (for the
 * leak sets) the leak analysis:
 *
 *   Used allocation at 5574cccbc010 of size 288
 *   <blank>
 *   ...
 *   26343 allocations use 0x3415e8 (3,413,480) bytes.
 *
 * SET: used, free, leaked, unreferenced, anchored, anchorpoints, stackanchored,
 * registeranchored, staticanchored, threadonlyanchored, stackanchorpoints,
 * registeranchorpoints, staticanchorpoints. (chap also prints `... with
 * signature` lines for C++ objects; those come from the signatures part, not
 * from this command.) `--json` gives `{set, count, bytes, allocations: [{address, size}]}`.
 *
 * The text is formatted into one reused 1 MiB buffer written as it fills, so
 * memory does not grow with the output. `--used` / `--free` of a core alone need
 * no leak analysis: the core reader's table is listed as it is.
 */
import { isInUse, type AllocState, type AllocationTable, type SizeColumn } from '../../src/model/allocations.ts';
import { readCoreRows } from '../../workers/logic/formats/core/read-core.ts';
import { tableRowBatches } from '../../workers/logic/heaps/find-allocators.ts';
import { isSetName, SET_NAMES, setPredicate, setTotals, tallyLine, type SetName } from '../../workers/logic/leaks/chap-sets.ts';
import { parseArgs } from '../args.ts';
import { openLeaks, openListSets } from '../leak-inputs.ts';
import { InputError } from '../../workers/logic/io/errors.ts';
import { NodeFileSource } from '../node-source.ts';
import { cliProgress } from '../progress.ts';

/** Rows in address order, a batch at a time (`tableBatches` makes them of a table). */
export interface RowBatch {
  length: number;
  /** Table row of the batch's first row (rows of a batch are consecutive). */
  first?: number;
  addr: Float64Array;
  size: SizeColumn;
  state: Uint8Array;
}

const OUT = 1 << 20;
const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Writes `v` (an integer below 2^53) in lower-case hex without leading zeros at `at`; returns the new end. */
export function putHex(buf: Uint8Array, at: number, v: number): number {
  const hi = Math.floor(v / 4294967296);
  let lo = v >>> 0;
  let digits = 0;
  if (hi) {
    for (let h = hi; h; h = Math.floor(h / 16)) digits++;
    digits += 8;
  } else {
    let x = lo;
    do {
      digits++;
      x >>>= 4;
    } while (x);
  }
  let p = at + digits;
  const end = p;
  if (hi) {
    for (let k = 0; k < 8; k++) {
      buf[--p] = HEX[lo & 15];
      lo >>>= 4;
    }
    for (let h = hi; p > at; h = Math.floor(h / 16)) buf[--p] = HEX[h % 16];
  } else {
    while (p > at) {
      buf[--p] = HEX[lo & 15];
      lo >>>= 4;
    }
  }
  return end;
}

/** A table's rows as batches of up to 65,536 (views of its columns; addresses combined into one reused array). */
export const tableBatches: (t: AllocationTable) => Generator<RowBatch> = tableRowBatches;

/**
 * chap's `list` text of the rows for which `inSet(batch, i)` holds (labelled Used or Free by their state), as byte
 * chunks of up to 1 MiB. Every chunk but the last is a view of one reused buffer: use (write out) each chunk before
 * asking for the next.
 */
export function* chapListChunks(batches: Iterable<RowBatch>, inSet: (b: RowBatch, i: number) => boolean): Generator<Uint8Array> {
  const used = ascii('Used allocation at ');
  const free = ascii('Free allocation at ');
  const mid = ascii(' of size ');
  const buf = new Uint8Array(OUT);
  let at = 0;
  let count = 0;
  let bytes = 0;
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      if (!inSet(b, i)) continue;
      if (at + 96 > OUT) {
        yield buf.subarray(0, at);
        at = 0;
      }
      const head = isInUse(b.state[i]) ? used : free;
      for (let k = 0; k < head.length; k++) buf[at++] = head[k];
      at = putHex(buf, at, b.addr[i]);
      for (let k = 0; k < mid.length; k++) buf[at++] = mid[k];
      at = putHex(buf, at, b.size[i]);
      buf[at++] = 10;
      buf[at++] = 10;
      count++;
      bytes += b.size[i];
    }
  }
  if (at) yield buf.subarray(0, at);
  yield ascii(tallyLine({ count, bytes }) + '\n');
}

function text(chunks: Iterable<Uint8Array>): string {
  const dec = new TextDecoder();
  let s = '';
  for (const c of chunks) s += dec.decode(c);
  return s;
}

/** Formats the rows of `table` in state `state` as chap's `list` output (`list used` / `list free`); for tests. */
export function formatChapList(table: AllocationTable, state: AllocState, label: 'Used' | 'Free'): string {
  void label;
  return text(chapListChunks(tableBatches(table), (b, i) => b.state[i] === state));
}

/** Writes `chunk` to stdout and waits until it is written (so its buffer can be reused). */
function write(chunk: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(chunk, (e) => (e ? reject(e) : resolve())));
}

/**
 * `--used` / `--free` of a core alone: the core reader's rows (every allocator), no leak analysis; a glibc heap's
 * rows are streamed from its walk's chunk store, no table made.
 */
async function listUsedOrFree(corePath: string, set: 'used' | 'free'): Promise<void> {
  const src = await NodeFileSource.open(corePath);
  try {
    const r = await readCoreRows(src, cliProgress);
    await r.core.close();
    for (const w of r.warnings) process.stderr.write(`warning: ${w.file}: ${w.message}\n`);
    const inSet = set === 'used' ? (b: RowBatch, i: number) => isInUse(b.state[i]) : (b: RowBatch, i: number) => !isInUse(b.state[i]);
    for (const c of chapListChunks(r.rows.batches(), inSet)) await write(c);
  } finally {
    await src.close();
  }
}

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args);
  const sets = [...flags.keys()].filter(isSetName);
  if (positional.length < 1 || sets.length !== 1) {
    process.stderr.write(`usage: heapscope list --SET CORE [LIST...] [--json]\n  SET: ${SET_NAMES.join(', ')}\n`);
    return 2;
  }
  const set = sets[0] as SetName;
  const [core, ...lists] = positional;
  // chap lists without their core: the sets they name (`list leaked`, … as chap's redirect names them).
  const ls = await openListSets(positional);
  if (ls && set !== 'used' && set !== 'free' && !ls.known.includes(set)) {
    throw new InputError(ls.names, `chap lists without their core give only the sets they list (${ls.known.length ? ls.known.join(', ') : 'none here'}); ${set} is computed from the core: give it first`);
  }
  if (!ls && (set === 'used' || set === 'free') && lists.length === 0 && !flags.has('json')) {
    await listUsedOrFree(core, set);
    return 0;
  }
  const o = ls ? { table: ls.table, analysis: { flags: ls.flags }, warnings: ls.warnings } : await openLeaks(core, lists);
  for (const w of o.warnings) process.stderr.write(`warning: ${w.file}: ${w.message}\n`);
  const inSet = setPredicate(set, o.table, o.analysis.flags);
  if (flags.has('json')) {
    const allocations: { address: string; size: number }[] = [];
    for (let r = 0; r < o.table.rows; r++) {
      if (!inSet(r)) continue;
      allocations.push({ address: '0x' + (o.table.addrHi[r] * 4294967296 + o.table.addrLo[r]).toString(16), size: o.table.size[r] });
    }
    await write(JSON.stringify({ set, ...setTotals(set, o.table, o.analysis.flags), allocations }) + '\n');
  } else {
    for (const c of chapListChunks(tableBatches(o.table), (b, i) => inSet(b.first! + i))) await write(c);
  }
  return 0;
}
