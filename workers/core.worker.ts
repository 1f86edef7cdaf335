/**
 * Core worker: keeps each dropped core dump open (a `CoreSession`) so that
 * attribution, class names and the inspector can read its memory later.
 */
import * as Comlink from 'comlink';
import type { AllocationTable } from '../src/model/allocations.ts';
import { CoreSession } from './logic/session/core-session.ts';
import { compareBuilds, describeBuildChange } from './logic/diff/builds.ts';
import { BlobSource, KeepAllowance } from './logic/io/source.ts';
import { keptCoreBytes } from './logic/io/budget.ts';
import type { Progress } from './logic/io/stream.ts';
import { failedOutcome, type ReadOutcome } from './read-outcome.ts';
import { SET_NAMES } from './logic/leaks/chap-sets.ts';
import { tableFigures } from './logic/snapshot/figures.ts';
import { anchorChain, referrersOf } from './logic/leaks/explain.ts';
import { NO_ROW } from './logic/leaks/allocation-index.ts';
import { StringTable } from '../src/model/strings.ts';
import type { LeakExplanation, LeakSummary } from '../src/model/leaks.ts';
import { AllocFlag } from '../src/model/allocations.ts';

const sessions = new Map<number, CoreSession>();
/** The open cores' files, closed with their sessions (what a file kept goes back to the allowance). */
const sources = new Map<number, BlobSource>();
/** What the open cores may keep of their files in memory, together (`keptCoreBytes`). */
const allowance = new KeepAllowance(keptCoreBytes((navigator as { deviceMemory?: number }).deviceMemory));

/** Every chap set's count and bytes in one pass over the rows (a pass per set took ~260 ms on 2.5M rows). */
function allSetTotals(table: AllocationTable, flags: Uint16Array) {
  const f = tableFigures(table, SET_NAMES, flags);
  return Object.fromEntries(SET_NAMES.map((n) => [n, n === 'used' ? f.used : n === 'free' ? f.free : f.sets[n]])) as Record<(typeof SET_NAMES)[number], { count: number; bytes: number }>;
}

function session(id: number): CoreSession {
  const s = sessions.get(id);
  if (!s) throw new Error(`core ${id} is not open`);
  return s;
}

const api = {
  async open(id: number, file: File, cancel: Int32Array, onProgress: (p: Progress) => void): Promise<ReadOutcome> {
    const src = new BlobSource(file, undefined, allowance);
    try {
      // The leak sets are computed once the overview is shown: the walk of a compressed core keeps the heap's words for
      // their graph (no second decoding).
      const s = await CoreSession.open(src, { cancel, onProgress }, { heapWords: 'compressed' });
      sessions.set(id, s);
      sources.set(id, src);
      return { ok: true, format: 'core', table: s.table, warnings: s.warnings, info: s.info as unknown as Record<string, unknown> };
    } catch (e) {
      await src.close(); // what it kept is given back
      return failedOutcome(e, file.name, 'could not be read as a core dump: ');
    }
  },
  /**
   * A core snapshot's table completed from the core (classes, footer attribution), with the snapshot's binaries.
   * Each stage reports its progress (`Progress.stage`) and stops once `cancel[0]` is set.
   */
  async process(id: number, table: AllocationTable, binaries: File[], cancel?: Int32Array, onProgress?: (p: Progress) => void) {
    return session(id).processSnapshot(table, binaries.map((f) => new BlobSource(f)), { ctl: { cancel, onProgress } });
  },
  /** The first stages of `process`: the binaries' symbols, then the snapshot's table with class names from vtables (and Python types the binaries name). */
  async nameClasses(id: number, table: AllocationTable, binaries: File[], cancel?: Int32Array, onProgress?: (p: Progress) => void) {
    return session(id).classifySnapshot(table, binaries.map((f) => new BlobSource(f)), { ctl: { cancel, onProgress } });
  },
  /** The last stage of `process`: footer attribution of the snapshot's table (binaries as `nameClasses` set them). */
  async attributeSnapshot(id: number, table: AllocationTable, cancel?: Int32Array, onProgress?: (p: Progress) => void) {
    return session(id).attribute(table, { cancel, onProgress });
  },
  async addBinaries(id: number, files: File[]) {
    return session(id).addBinaries(files.map((f) => new BlobSource(f)));
  },
  async attribute(id: number, list: AllocationTable | null) {
    return session(id).attribute(list ?? undefined);
  },
  /** The heap walk's table with class names from vtables in its type column. */
  async classifiedTable(id: number): Promise<AllocationTable> {
    const s = session(id);
    const sig = await s.classes();
    return { ...s.table, type: sig.rowClass, strings: sig.strings };
  },
  /** Whether a chap list describes this core (same allocation addresses). */
  async holds(id: number, list: AllocationTable) {
    return session(id).holds(list);
  },
  /** Modules whose build differs between two open cores, as sentences. */
  async buildChanges(a: number, b: number) {
    const [ma, mb] = await Promise.all([session(a).modules(), session(b).modules()]);
    return compareBuilds(ma, mb).map(describeBuildChange);
  },
  /** The inspector's first screen of `row`: its first `limit` bytes and their pointer words, footer, class. */
  async inspect(id: number, key: string, table: AllocationTable | null, row: number, limit?: number) {
    return session(id).inspect(key, table, row, limit);
  },
  /** Later bytes of `row` as the inspector scrolls to them: `[offset, offset + length)` and their pointer words. */
  async inspectBytes(id: number, key: string, table: AllocationTable | null, row: number, offset: number, length: number) {
    return session(id).inspectBytes(key, table, row, offset, length);
  },
  /**
   * chap's leak sets of the core's heap walk: the flags column (rows of the walk's table), totals per set,
   * warnings naming what could not be read, and how long each step took in this worker (ms). Progress is bytes
   * of used allocations scanned; `cancel` stops it.
   */
  async leaks(id: number, cancel?: Int32Array, onProgress?: (p: Progress) => void) {
    const s = session(id);
    const a = await s.leaks({ cancel, onProgress });
    const totals = allSetTotals(s.table, a.flags);
    return { flags: a.flags, totals, warnings: a.warnings, edges: a.stats.edges, ms: a.stats.ms };
  },
  /** chap's sets of the core (computed once; progress as bytes scanned; `cancel` stops it), with the largest leaked allocations. */
  async leakSummary(id: number, onProgress?: (p: Progress) => void, limit = 20, cancel?: Int32Array): Promise<LeakSummary> {
    const s = session(id);
    const a = await s.leaks({ onProgress, cancel });
    const totals = allSetTotals(s.table, a.flags);
    // The largest unreferenced leaks (the roots of what leaked) and the largest leaked blocks they hold.
    const unref: number[] = [];
    const held: number[] = [];
    for (let r = 0; r < s.table.rows; r++) if (a.flags[r] & AllocFlag.Leaked) (a.flags[r] & AllocFlag.Unreferenced ? unref : held).push(r);
    const bySize = (x: number, y: number) => s.table.size[y] - s.table.size[x] || x - y;
    const rows = [...unref.sort(bySize).slice(0, limit), ...held.sort(bySize).slice(0, Math.ceil(limit / 2))];
    const largestLeaked = rows.map((r) => ({ row: r, address: a.index.starts[r].toString(16), size: s.table.size[r], unreferenced: (a.flags[r] & AllocFlag.Unreferenced) !== 0 }));
    return { totals, largestLeaked, warnings: a.warnings.map((w) => w.message), flags: a.flags, computed: { ...a.stats.ms, edges: a.stats.edges } };
  },
  /**
   * Everything the inspector says about the allocation holding `address` (hex): its sets, who points
   * to it (address, size, class, offsets of the pointers, leaked or not) and why it is alive (the anchor
   * and the chain of allocations from it), or null when no allocation of the walk holds it.
   */
  async explain(id: number, address: string): Promise<LeakExplanation | null> {
    const s = session(id);
    const a = await s.leaks();
    const row = a.index.rowOf(parseInt(address, 16));
    if (row === NO_ROW) return null;
    const sig = await s.classes().catch(() => null);
    const names = sig ? new StringTable(sig.strings) : null;
    const desc = (r: number) => ({ address: a.index.starts[r].toString(16), size: s.table.size[r], className: names && sig!.rowClass[r] ? names.get(sig!.rowClass[r]) : null, flags: a.flags[r] });
    const refs = await referrersOf(a, s.table, s.core, row);
    const chain = anchorChain(a, row, s.core.files);
    return {
      ...desc(row),
      referrers: refs.referrers.map((x) => ({ ...desc(x.row), offsets: x.offsets, leaked: x.leaked })),
      totalReferrers: refs.total,
      chain: chain ? { sources: chain.sources.map((x) => ({ ...x, address: x.address?.toString(16) })), steps: chain.rows.map(desc) } : null,
    };
  },
  /** Who points to `row` of the walk's table: referrers (rows) with the offsets of their pointers. */
  async referrers(id: number, row: number) {
    const s = session(id);
    return referrersOf(await s.leaks(), s.table, s.core, row);
  },
  /** Why `row` is alive: the shortest chain from an anchor (null when it is leaked). */
  async anchorChain(id: number, row: number) {
    const s = session(id);
    return anchorChain(await s.leaks(), row, s.core.files);
  },
  async close(id: number) {
    const s = sessions.get(id);
    sessions.delete(id);
    await s?.close();
    const src = sources.get(id);
    sources.delete(id);
    await src?.close();
  },
};

export type CoreApi = typeof api;
Comlink.expose(api);
