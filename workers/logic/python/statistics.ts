/**
 * `Snapshot.statistics(key_type, cumulative)` and
 * `Snapshot.compare_to(old, key_type, cumulative)` with CPython's exact
 * grouping and order (Lib/tracemalloc.py):
 *
 * - key 'traceback': the whole traceback; 'lineno': its most recent frame;
 *   'filename': that frame's file, with line 0. Keys are CPython `Traceback`s:
 *   frames oldest first.
 * - cumulative ('lineno' / 'filename' only): every frame of a trace's traceback
 *   adds the trace's size and 1 to its key — once per occurrence, exactly as
 *   CPython's loop does, so a file seen in three frames of a traceback counts
 *   that trace three times for 'filename'.
 * - statistics are sorted by (size, count, traceback) descending; diffs by
 *   (|size_diff|, size, |count_diff|, count, traceback) descending; tracebacks
 *   compare as tuples of (filename, lineno), strings by code point.
 *
 * Grouping works on ids (file string id, frame id, stack id) with typed-array
 * accumulators; only the groups (thousands, not traces) become JS objects.
 */
import { StringTable } from '../../../src/model/strings.ts';
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';
import { UNKNOWN_FILE } from './filters.ts';

export type KeyType = 'filename' | 'lineno' | 'traceback';

/** A frame as CPython keeps it: (filename, lineno). */
export type PyFrame = [file: string, line: number];

/** One `Statistic`: `frames` is the key's `Traceback`, oldest frame first. */
export interface Statistic {
  frames: PyFrame[];
  size: number;
  count: number;
  /** The group's id in the snapshot: file string id, frame id or stack id (-1: empty traceback). */
  ref: number;
}

/** One `StatisticDiff` between an old and a new snapshot. */
export interface StatisticDiff {
  frames: PyFrame[];
  size: number;
  sizeDiff: number;
  count: number;
  countDiff: number;
  /** The group's id in the NEW snapshot, or -1 when the group exists only in the old one (or is an empty traceback). */
  ref: number;
}

/** Compares two strings by Unicode code point, as Python compares `str`. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if ((x < 0xd800 || x > 0xdfff) && (y < 0xd800 || y > 0xdfff)) return x - y;
    // A surrogate is involved: compare whole code points from the start of this one.
    const j = i > 0 && a.charCodeAt(i - 1) >= 0xd800 && a.charCodeAt(i - 1) <= 0xdbff ? i - 1 : i;
    return a.codePointAt(j)! - b.codePointAt(j)!;
  }
  return a.length - b.length;
}

/** Python's comparison of two `Traceback`s (tuples of (filename, lineno) tuples). */
export function compareTracebacks(a: PyFrame[], b: PyFrame[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const fa = a[i];
    const fb = b[i];
    if (fa[0] !== fb[0]) return compareCodePoints(fa[0], fb[0]);
    if (fa[1] !== fb[1]) return fa[1] - fb[1];
  }
  return a.length - b.length;
}

/** Sizes and counts per group id, before they become rows. */
interface Groups {
  size: Float64Array;
  count: Float64Array;
  /** Accumulators for traces with an empty traceback (key "<unknown>":0, or () for 'traceback'). */
  emptySize: number;
  emptyCount: number;
}

function checkKey(keyType: KeyType, cumulative: boolean): void {
  if (keyType !== 'filename' && keyType !== 'lineno' && keyType !== 'traceback') throw new Error(`unknown key_type: '${keyType}'`);
  if (cumulative && keyType === 'traceback') throw new Error("cumulative mode cannot by used with key type 'traceback'");
}

function groupBy(snap: TracemallocSnapshot, keyType: KeyType, cumulative: boolean): Groups {
  checkKey(keyType, cumulative);
  const { traces, stacks, frames } = snap;
  const nKeys = keyType === 'filename' ? snap.strings.offsets.length : keyType === 'lineno' ? frames.rows : stacks.rows;
  const size = new Float64Array(Math.max(1, nKeys));
  const count = new Float64Array(Math.max(1, nKeys));
  let emptySize = 0;
  let emptyCount = 0;
  const tStack = traces.stack;
  const tSize = traces.size;
  const sFrame = stacks.frame;
  const fFile = frames.file;
  if (!cumulative) {
    for (let i = 0; i < traces.rows; i++) {
      const s = tStack[i];
      let k: number;
      if (keyType === 'traceback') k = s;
      else if (s === 0) {
        emptySize += tSize[i];
        emptyCount++;
        continue;
      } else k = keyType === 'lineno' ? sFrame[s] : fFile[sFrame[s]];
      size[k] += tSize[i];
      count[k]++;
    }
    if (keyType === 'traceback') {
      emptySize = size[0];
      emptyCount = count[0];
      size[0] = 0;
      count[0] = 0;
    }
  } else {
    // Per stack node first, then each node adds its total to every frame on its path.
    const nodeSize = new Float64Array(stacks.rows);
    const nodeCount = new Float64Array(stacks.rows);
    for (let i = 0; i < traces.rows; i++) {
      nodeSize[tStack[i]] += tSize[i];
      nodeCount[tStack[i]]++;
    }
    for (let s0 = 1; s0 < stacks.rows; s0++) {
      const c = nodeCount[s0];
      if (c === 0) continue;
      const z = nodeSize[s0];
      for (let s = s0; s !== 0; s = stacks.parent[s]) {
        const k = keyType === 'lineno' ? sFrame[s] : fFile[sFrame[s]];
        size[k] += z;
        count[k] += c;
      }
    }
  }
  return { size, count, emptySize, emptyCount };
}

/** The key (`Traceback` frames, oldest first) of group `k`. */
function keyFrames(snap: TracemallocSnapshot, strings: StringTable, keyType: KeyType, k: number): PyFrame[] {
  if (keyType === 'filename') return [[strings.get(k), 0]];
  if (keyType === 'lineno') return [[strings.get(snap.frames.file[k]), snap.frames.line[k]]];
  const out: PyFrame[] = new Array(snap.stacks.depth[k]);
  for (let s = k, i = out.length - 1; s !== 0; s = snap.stacks.parent[s], i--) {
    const f = snap.stacks.frame[s];
    out[i] = [strings.get(snap.frames.file[f]), snap.frames.line[f]];
  }
  return out;
}

function rowsOf(snap: TracemallocSnapshot, keyType: KeyType, g: Groups): Statistic[] {
  const strings = new StringTable(snap.strings);
  const out: Statistic[] = [];
  for (let k = 0; k < g.count.length; k++) {
    if (g.count[k] === 0) continue;
    out.push({ frames: keyFrames(snap, strings, keyType, k), size: g.size[k], count: g.count[k], ref: k });
  }
  if (g.emptyCount > 0) {
    // Merge with a real "<unknown>" group if there is one (same key in CPython terms).
    const frames: PyFrame[] = keyType === 'traceback' ? [] : [[UNKNOWN_FILE, 0]];
    const same = out.find((r) => compareTracebacks(r.frames, frames) === 0);
    if (same) {
      same.size += g.emptySize;
      same.count += g.emptyCount;
    } else out.push({ frames, size: g.emptySize, count: g.emptyCount, ref: -1 });
  }
  return out;
}

/** Sort order of `Snapshot.statistics`: (size, count, traceback) descending. */
export function compareStatistics(a: Statistic, b: Statistic): number {
  return b.size - a.size || b.count - a.count || compareTracebacks(b.frames, a.frames);
}

/** Sort order of `Snapshot.compare_to`: (|size_diff|, size, |count_diff|, count, traceback) descending. */
export function compareStatisticDiffs(a: StatisticDiff, b: StatisticDiff): number {
  return (
    Math.abs(b.sizeDiff) - Math.abs(a.sizeDiff) ||
    b.size - a.size ||
    Math.abs(b.countDiff) - Math.abs(a.countDiff) ||
    b.count - a.count ||
    compareTracebacks(b.frames, a.frames)
  );
}

/** `snapshot.statistics(keyType, cumulative)`: rows in CPython's order. */
export function statistics(snap: TracemallocSnapshot, keyType: KeyType, cumulative = false): Statistic[] {
  return rowsOf(snap, keyType, groupBy(snap, keyType, cumulative)).sort(compareStatistics);
}

/**
 * For each key id of `old`, the id of the same key in `neu` (-1 when `neu` has
 * no such file / frame / stack). Matching goes through file name strings once,
 * then frames and stack nodes by id, so no per-row string is built.
 */
function keyMap(neu: TracemallocSnapshot, old: TracemallocSnapshot, keyType: KeyType): Int32Array {
  const newStrings = new StringTable(neu.strings);
  const oldStrings = new StringTable(old.strings);
  const byName = new Map<string, number>();
  for (let i = 1; i < newStrings.size; i++) byName.set(newStrings.get(i), i);
  const fileMap = new Int32Array(Math.max(1, oldStrings.size)).fill(-1);
  const mapFile = (id: number): number => {
    if (fileMap[id] === -1) fileMap[id] = byName.get(oldStrings.get(id)) ?? -2;
    return fileMap[id];
  };
  if (keyType === 'filename') {
    const out = new Int32Array(Math.max(1, oldStrings.size + 1)).fill(-1);
    for (let i = 1; i < oldStrings.size; i++) out[i] = Math.max(-1, mapFile(i));
    return out;
  }
  const newFrames = new Map<string, number>();
  for (let f = 0; f < neu.frames.rows; f++) newFrames.set(`${neu.frames.file[f]},${neu.frames.line[f]}`, f);
  const frameMap = new Int32Array(Math.max(1, old.frames.rows)).fill(-1);
  for (let f = 0; f < old.frames.rows; f++) {
    const file = mapFile(old.frames.file[f]);
    if (file >= 0) frameMap[f] = newFrames.get(`${file},${old.frames.line[f]}`) ?? -1;
  }
  if (keyType === 'lineno') return frameMap;
  const newChildren = new Map<string, number>();
  for (let s = 1; s < neu.stacks.rows; s++) newChildren.set(`${neu.stacks.parent[s]},${neu.stacks.frame[s]}`, s);
  const stackMap = new Int32Array(Math.max(1, old.stacks.rows)).fill(-1);
  stackMap[0] = 0;
  for (let s = 1; s < old.stacks.rows; s++) {
    const parent = stackMap[old.stacks.parent[s]];
    const frame = frameMap[old.stacks.frame[s]];
    if (parent >= 0 && frame >= 0) stackMap[s] = newChildren.get(`${parent},${frame}`) ?? -1;
  }
  return stackMap;
}

/** `newSnap.compare_to(oldSnap, keyType, cumulative)`: rows in CPython's order. */
export function compareTo(newSnap: TracemallocSnapshot, oldSnap: TracemallocSnapshot, keyType: KeyType, cumulative = false): StatisticDiff[] {
  const gn = groupBy(newSnap, keyType, cumulative);
  const go = groupBy(oldSnap, keyType, cumulative);
  const map = keyMap(newSnap, oldSnap, keyType);
  const newStrings = new StringTable(newSnap.strings);
  const oldStrings = new StringTable(oldSnap.strings);
  const oldSize = new Float64Array(gn.size.length);
  const oldCount = new Float64Array(gn.size.length);
  const out: StatisticDiff[] = [];
  for (let k = 0; k < go.count.length; k++) {
    if (go.count[k] === 0) continue;
    const m = map[k];
    if (m >= 0) {
      oldSize[m] = go.size[k];
      oldCount[m] = go.count[k];
    } else {
      out.push({ frames: keyFrames(oldSnap, oldStrings, keyType, k), size: 0, sizeDiff: -go.size[k], count: 0, countDiff: -go.count[k], ref: -1 });
    }
  }
  for (let k = 0; k < gn.count.length; k++) {
    const n = gn.count[k];
    if (n === 0 && oldCount[k] === 0) continue;
    out.push({
      frames: keyFrames(newSnap, newStrings, keyType, k),
      size: gn.size[k],
      sizeDiff: gn.size[k] - oldSize[k],
      count: n,
      countDiff: n - oldCount[k],
      ref: n > 0 ? k : -1,
    });
  }
  if (gn.emptyCount > 0 || go.emptyCount > 0) {
    // Traces with an empty traceback: key () for 'traceback', "<unknown>":0 otherwise.
    const frames: PyFrame[] = keyType === 'traceback' ? [] : [[UNKNOWN_FILE, 0]];
    let row = out.find((r) => compareTracebacks(r.frames, frames) === 0);
    if (!row) {
      row = { frames, size: 0, sizeDiff: 0, count: 0, countDiff: 0, ref: -1 };
      out.push(row);
    }
    row.size += gn.emptySize;
    row.count += gn.emptyCount;
    row.sizeDiff += gn.emptySize - go.emptySize;
    row.countDiff += gn.emptyCount - go.emptyCount;
  }
  return out.sort(compareStatisticDiffs);
}

/**
 * The CLI / golden-file form of a key: "file" for 'filename', "file:line" for
 * 'lineno', [[file, line], …] oldest first for 'traceback'.
 */
export function keyJson(keyType: KeyType, frames: PyFrame[]): string | PyFrame[] {
  if (keyType === 'traceback') return frames.map(([f, l]) => [f, l] as PyFrame);
  const [file, line] = frames[0] ?? [UNKNOWN_FILE, 0];
  return keyType === 'filename' ? file : `${file}:${line}`;
}
