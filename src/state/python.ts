/**
 * Preferences of the views of tracemalloc snapshots (the tracemalloc tab, their trees' filters, Compare; not the
 * Python tab, which shows a CPython core's objects): the statistics key, cumulative mode, filters, and which
 * snapshots are compared (old = A, new = B).
 */
import { create } from 'zustand';
import type { KeyType, TraceFilter } from '../../workers/logic/python/filters-types.ts';

interface PythonState {
  key: KeyType;
  cumulative: boolean;
  /** Hide `<frozen importlib._bootstrap>` and `<unknown>` (CPython docs' usual exclusions). */
  hideImports: boolean;
  /** Extra fnmatch patterns, one per line: `-pattern` excludes, `+pattern` (or bare) includes. */
  patterns: string;
  /** Keep only this tracemalloc domain (CPython's DomainFilter), or every domain when null. */
  domain: number | null;
  /**
   * The snapshot the current one is compared with in the tracemalloc view (its
   * `compare_to` argument): a snapshot key, '' = the tracemalloc snapshot before
   * the current one, 'none' = statistics only.
   */
  olderKey: string;
  set(p: Partial<Omit<PythonState, 'set'>>): void;
}

export const usePython = create<PythonState>((set) => ({
  key: 'lineno',
  cumulative: false,
  hideImports: false,
  patterns: '',
  domain: null,
  olderKey: '',
  set: (p) => set(p),
}));

export const IMPORT_PATTERNS = ['<frozen importlib._bootstrap>', '<unknown>'];

/** The filters the current preferences stand for, as CPython `Filter`s. */
export function currentFilters(s: Pick<PythonState, 'hideImports' | 'patterns' | 'domain'>): TraceFilter[] {
  const out: TraceFilter[] = [];
  if (s.domain !== null) out.push({ kind: 'domain', inclusive: true, domain: s.domain });
  if (s.hideImports) for (const p of IMPORT_PATTERNS) out.push({ kind: 'file', inclusive: false, pattern: p });
  for (const raw of s.patterns.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('-')) out.push({ kind: 'file', inclusive: false, pattern: line.slice(1).trim() });
    else out.push({ kind: 'file', inclusive: true, pattern: line.startsWith('+') ? line.slice(1).trim() : line });
  }
  return out;
}

/** The tracemalloc snapshot `newer` is compared with: the user's choice, else the one before it. */
export function olderSnapshot<T extends { snap: { key: string; kind: string } }>(list: T[], newer: T | null, olderKey: string): T | null {
  if (!newer || olderKey === 'none') return null;
  const py = list.filter((s) => s.snap.kind === 'tracemalloc' && s !== newer);
  const chosen = py.find((s) => s.snap.key === olderKey);
  if (chosen) return chosen;
  const at = list.indexOf(newer);
  return [...py].reverse().find((s) => list.indexOf(s) < at) ?? null;
}
