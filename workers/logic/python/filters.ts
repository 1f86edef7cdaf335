/**
 * `Snapshot.filter_traces` with CPython's `Filter` and `DomainFilter`
 * semantics (Lib/tracemalloc.py, POSIX):
 *
 * - a trace is kept when it matches at least one inclusive filter (if any) and
 *   every exclusive filter lets it through;
 * - `Filter` matches file names with fnmatch after normalising both name and
 *   pattern (a trailing `.pyc` becomes `.py`); `lineno` narrows to one line;
 *   `allFrames` tests every frame of the traceback, otherwise only the most
 *   recent one; `domain` narrows an inclusive filter to one domain and widens an
 *   exclusive one to every other domain;
 * - `DomainFilter` keeps (inclusive) or drops (exclusive) one domain.
 *
 * Work is done per file name, per stack node and then per trace with typed
 * arrays, so filtering 250k traces costs a few milliseconds.
 */
import { StringTable } from '../../../src/model/strings.ts';
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';
import { allocShared } from '../../../src/model/columns.ts';
import { fnmatcher } from './fnmatch.ts';

/** `tracemalloc.Filter(inclusive, filename_pattern, lineno=None, all_frames=False, domain=None)`. */
export interface FileFilter {
  kind: 'file';
  inclusive: boolean;
  pattern: string;
  lineno?: number | null;
  allFrames?: boolean;
  domain?: number | null;
}

/** `tracemalloc.DomainFilter(inclusive, domain)`. */
export interface DomainFilter {
  kind: 'domain';
  inclusive: boolean;
  domain: number;
}

export type TraceFilter = FileFilter | DomainFilter;

/** The exclusions of the tracemalloc documentation's examples: import machinery and unknown frames. */
export const DEFAULT_EXCLUDES: readonly TraceFilter[] = [
  { kind: 'file', inclusive: false, pattern: '<frozen importlib._bootstrap>' },
  { kind: 'file', inclusive: false, pattern: '<unknown>' },
];

/** As DEFAULT_EXCLUDES, plus `<frozen importlib._bootstrap_external>` (import-time allocations of the path finder). */
export const IMPORT_EXCLUDES: readonly TraceFilter[] = [
  ...DEFAULT_EXCLUDES,
  { kind: 'file', inclusive: false, pattern: '<frozen importlib._bootstrap_external>' },
];

/** CPython's `_normalize_filename` on POSIX: `x.pyc` -> `x.py`. */
export function normalizeFilename(name: string): string {
  return name.endsWith('.pyc') ? name.slice(0, -1) : name;
}

/** File name used for a trace whose traceback is empty. */
export const UNKNOWN_FILE = '<unknown>';

/**
 * For one filter: per stack node, whether `_match_traceback` is true (the
 * domain part is applied per trace).
 */
function tracebackMatches(snap: TracemallocSnapshot, f: FileFilter, strings: StringTable): Uint8Array {
  const match = fnmatcher(normalizeFilename(f.pattern));
  const fileHit = new Int8Array(strings.size + 1).fill(-1);
  const fileMatches = (id: number): boolean => {
    if (fileHit[id] < 0) fileHit[id] = match(normalizeFilename(strings.get(id))) ? 1 : 0;
    return fileHit[id] === 1;
  };
  const { frames, stacks } = snap;
  const lineno = f.lineno ?? null;
  const frameImpl = new Uint8Array(frames.rows);
  for (let i = 0; i < frames.rows; i++) {
    frameImpl[i] = fileMatches(frames.file[i]) && (lineno === null || frames.line[i] === lineno) ? 1 : 0;
  }
  // An empty traceback is taken as one frame ("<unknown>", 0).
  const unknownImpl = match(UNKNOWN_FILE) && (lineno === null || lineno === 0) ? 1 : 0;
  const out = new Uint8Array(stacks.rows);
  if (f.allFrames) {
    // any frame matches -> inclusive, else not inclusive
    const any = new Uint8Array(stacks.rows);
    any[0] = unknownImpl;
    for (let s = 1; s < stacks.rows; s++) any[s] = frameImpl[stacks.frame[s]] | (stacks.parent[s] === 0 ? 0 : any[stacks.parent[s]]);
    for (let s = 0; s < stacks.rows; s++) out[s] = any[s] ? (f.inclusive ? 1 : 0) : f.inclusive ? 0 : 1;
  } else {
    // the most recent frame only, XOR not inclusive
    out[0] = unknownImpl ^ (f.inclusive ? 0 : 1);
    for (let s = 1; s < stacks.rows; s++) out[s] = frameImpl[stacks.frame[s]] ^ (f.inclusive ? 0 : 1);
  }
  return out;
}

/** Per trace, 1 when `Snapshot._filter_trace(include, exclude, trace)` keeps it. */
export function traceMask(snap: TracemallocSnapshot, filters: readonly TraceFilter[]): Uint8Array {
  const n = snap.traces.rows;
  const keep = new Uint8Array(n).fill(1);
  if (filters.length === 0) return keep;
  const strings = new StringTable(snap.strings);
  const { stack, domain } = snap.traces;
  const evaluate = (f: TraceFilter): Uint8Array => {
    const res = new Uint8Array(n);
    if (f.kind === 'domain') {
      for (let i = 0; i < n; i++) res[i] = (domain[i] === f.domain ? 1 : 0) ^ (f.inclusive ? 0 : 1);
      return res;
    }
    const tb = tracebackMatches(snap, f, strings);
    const d = f.domain ?? null;
    for (let i = 0; i < n; i++) {
      let r = tb[stack[i]];
      if (d !== null) r = f.inclusive ? r & (domain[i] === d ? 1 : 0) : r | (domain[i] !== d ? 1 : 0);
      res[i] = r;
    }
    return res;
  };
  const includes = filters.filter((f) => f.inclusive);
  const excludes = filters.filter((f) => !f.inclusive);
  if (includes.length) {
    const any = new Uint8Array(n);
    for (const f of includes) {
      const r = evaluate(f);
      for (let i = 0; i < n; i++) any[i] |= r[i];
    }
    for (let i = 0; i < n; i++) keep[i] &= any[i];
  }
  for (const f of excludes) {
    const r = evaluate(f);
    for (let i = 0; i < n; i++) keep[i] &= r[i];
  }
  return keep;
}

/**
 * `snapshot.filter_traces(filters)`: a new snapshot holding the kept traces
 * in their order; stacks, frames and strings are shared with the input.
 */
export function filterTraces(snap: TracemallocSnapshot, filters: readonly TraceFilter[]): TracemallocSnapshot {
  const keep = traceMask(snap, filters);
  let rows = 0;
  for (let i = 0; i < keep.length; i++) rows += keep[i];
  const t = snap.traces;
  const size = new Float64Array(allocShared(Math.max(1, rows) * 8), 0, rows);
  const domain = new Uint32Array(allocShared(Math.max(1, rows) * 4), 0, rows);
  const stack = new Uint32Array(allocShared(Math.max(1, rows) * 4), 0, rows);
  const totalFrames = new Uint32Array(allocShared(Math.max(1, rows) * 4), 0, rows);
  const domains = new Set<number>();
  for (let i = 0, o = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    size[o] = t.size[i];
    domain[o] = t.domain[i];
    stack[o] = t.stack[i];
    totalFrames[o] = t.totalFrames[i];
    domains.add(t.domain[i]);
    o++;
  }
  return {
    ...snap,
    traces: { rows, size, domain, stack, totalFrames },
    domains: [...domains].sort((a, b) => a - b),
  };
}
