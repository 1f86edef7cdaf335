/**
 * Preferences of the Python (tracemalloc) views: the statistics key, cumulative
 * mode, filters, and which snapshots are compared (old = A, new = B).
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
  /** Input ids; null = default (the last two tracemalloc inputs in the order they were dropped). */
  oldId: number | null;
  newId: number | null;
  set(p: Partial<Omit<PythonState, 'set'>>): void;
}

export const usePython = create<PythonState>((set) => ({
  key: 'lineno',
  cumulative: false,
  hideImports: false,
  patterns: '',
  domain: null,
  oldId: null,
  newId: null,
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

/** The snapshots compared: `newer` (B) and `older` (A), by the user's choice or the drop order. */
export function pickSnapshots<T extends { id: number; tracemalloc?: unknown }>(
  inputs: T[],
  s: Pick<PythonState, 'oldId' | 'newId'>,
): { newer?: T; older?: T; all: T[] } {
  const all = inputs.filter((e) => e.tracemalloc);
  const newer = all.find((e) => e.id === s.newId) ?? all[all.length - 1];
  const older = all.find((e) => e.id === s.oldId && e !== newer) ?? [...all].reverse().find((e) => e !== newer);
  return { newer, older, all };
}
