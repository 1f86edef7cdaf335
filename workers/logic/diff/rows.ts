/**
 * Diff table rows: the nodes of one level of a `DiffHierarchy` (or its leaves)
 * with A, B and B − A, sorted by |Δ bytes|, filterable by status; and the same
 * rows for tracemalloc snapshots straight from CPython's `compare_to`.
 */
import { DIFF_STATUS_KEYS, type DiffHierarchy, type DiffRow, type DiffStatusKey } from '../../../src/model/diff.ts';
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';
import { compareTo, type KeyType, type PyFrame } from '../python/statistics.ts';
import { statusOf } from './diff-hierarchies.ts';
import { namePath } from '../../../src/model/hierarchy.ts';

export const KEY_SEPARATOR = ' › ';

export interface DiffRowOptions {
  /** Keep only rows with these statuses (all when absent or empty). */
  status?: readonly DiffStatusKey[];
}

/** |Δ bytes| desc, then |Δ count| desc, then the larger side's bytes desc, then key (stable, total order). */
export function compareDiffRows(x: DiffRow, y: DiffRow): number {
  return (
    Math.abs(y.dBytes) - Math.abs(x.dBytes) ||
    Math.abs(y.dCount) - Math.abs(x.dCount) ||
    Math.max(y.aBytes, y.bBytes) - Math.max(x.aBytes, x.bBytes) ||
    (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)
  );
}

function row(d: DiffHierarchy, node: number, self: boolean): DiffRow {
  const aBytes = self ? d.a.selfBytes[node] : d.a.totalBytes[node];
  const bBytes = self ? d.b.selfBytes[node] : d.b.totalBytes[node];
  const aCount = self ? d.a.selfCount[node] : d.a.totalCount[node];
  const bCount = self ? d.b.selfCount[node] : d.b.totalCount[node];
  const path = namePath(d, node);
  return {
    node,
    path,
    key: path.join(KEY_SEPARATOR),
    aBytes,
    bBytes,
    dBytes: bBytes - aBytes,
    aCount,
    bCount,
    dCount: bCount - aCount,
    aRequested: self ? d.a.selfRequested[node] : d.a.totalRequested[node],
    bRequested: self ? d.b.selfRequested[node] : d.b.totalRequested[node],
    status: DIFF_STATUS_KEYS[statusOf(aBytes, aCount, bBytes, bCount)],
    self,
  };
}

/**
 * Rows of the diff table at `level` (1 = the root's children: libraries,
 * classes, outermost frames; 2 = functions / size classes; …), or `'leaves'`.
 *
 * The rows always partition the root: at level n they are the nodes at depth n
 * (totals) plus, for paths that end above depth n, the shallower nodes' self
 * values (`self: true`, e.g. the `(no footer)` library at function level). With
 * `'leaves'` they are every node with self values on either side. Rows with
 * nothing on either side are left out. Sorted by `compareDiffRows`.
 */
export function diffRows(d: DiffHierarchy, level: number | 'leaves', opts: DiffRowOptions = {}): DiffRow[] {
  const keep = opts.status && opts.status.length ? new Set(opts.status) : null;
  const out: DiffRow[] = [];
  const push = (r: DiffRow) => {
    if (r.aCount === 0 && r.bCount === 0 && r.aBytes === 0 && r.bBytes === 0) return;
    if (keep && !keep.has(r.status)) return;
    out.push(r);
  };
  if (level === 'leaves') {
    for (let i = 0; i < d.size; i++) {
      if (d.a.selfCount[i] || d.b.selfCount[i] || d.a.selfBytes[i] || d.b.selfBytes[i]) push(row(d, i, true));
    }
  } else {
    const n = Math.max(0, Math.floor(level));
    for (let i = 0; i < d.size; i++) {
      if (d.depth[i] === n) push(row(d, i, false));
      else if (d.depth[i] < n && (d.a.selfCount[i] || d.b.selfCount[i] || d.a.selfBytes[i] || d.b.selfBytes[i])) push(row(d, i, true));
    }
  }
  return out.sort(compareDiffRows);
}

/** `file`, `file:line`, or the traceback's `file:line` frames, oldest first (the path of a row). */
function pyPath(keyType: KeyType, frames: PyFrame[]): string[] {
  if (frames.length === 0) return ['<no traceback>'];
  if (keyType === 'filename') return [frames[0][0]];
  if (keyType === 'lineno') return [`${frames[0][0]}:${frames[0][1]}`];
  return frames.map(([f, l]) => `${f}:${l}`);
}

/**
 * Diff rows of two tracemalloc snapshots: exactly CPython's
 * `b.compare_to(a, keyType, cumulative)` (`compareTo`), rows in its order, as
 * `DiffRow`s with A = the old snapshot. tracemalloc sizes are requested sizes,
 * so `requested` equals `bytes`.
 */
export function pythonDiffRows(a: TracemallocSnapshot, b: TracemallocSnapshot, keyType: KeyType, cumulative = false, opts: DiffRowOptions = {}): DiffRow[] {
  const keep = opts.status && opts.status.length ? new Set(opts.status) : null;
  const out: DiffRow[] = [];
  for (const s of compareTo(b, a, keyType, cumulative)) {
    const aBytes = s.size - s.sizeDiff;
    const aCount = s.count - s.countDiff;
    const status = DIFF_STATUS_KEYS[statusOf(aBytes, aCount, s.size, s.count)];
    if (keep && !keep.has(status)) continue;
    const path = pyPath(keyType, s.frames);
    out.push({
      node: -1,
      path,
      key: path.join(KEY_SEPARATOR),
      aBytes,
      bBytes: s.size,
      dBytes: s.sizeDiff,
      aCount,
      bCount: s.count,
      dCount: s.countDiff,
      aRequested: aBytes,
      bRequested: s.size,
      status,
      self: keyType === 'traceback',
    });
  }
  return out;
}
