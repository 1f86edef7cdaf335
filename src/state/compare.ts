/**
 * The comparison of two snapshots A (before) and B (after): which inputs, keyed
 * by what, shown how. The sides a user can pick come from the analysis:
 * each core (with its chap list's boundaries and its attribution), each chap
 * list that belongs to no core, each tracemalloc snapshot.
 */
import { create } from 'zustand';
import type { DiffStatusKey } from '../model/diff.ts';
import type { TracemallocSnapshot } from '../model/traces.ts';
import type { CompareBy } from '../../workers/logic/diff/compare.ts';
import type { SideData } from '../../workers/logic/diff/view.ts';
import { useMemo } from 'react';
import { savedEntries, useAnalysis, type CoreAnalysis, type InputEntry } from './analysis.ts';
import { useCompareSource } from './compare-source.ts';

export type CompareMode = 'table' | 'flame' | 'treemap' | 'side';

interface CompareState {
  aId: number | null;
  bId: number | null;
  by: CompareBy | null;
  mode: CompareMode;
  normalised: boolean;
  colorblind: boolean;
  statuses: DiffStatusKey[];
  set(p: Partial<Omit<CompareState, 'set'>>): void;
}

export const useCompare = create<CompareState>((set) => ({
  aId: null,
  bId: null,
  by: null,
  mode: 'table',
  normalised: false,
  colorblind: false,
  statuses: [],
  set: (p) => set(p),
}));

export interface SideOption {
  id: number;
  label: string;
  kind: 'allocations' | 'tracemalloc';
  data?: SideData;
  snapshot?: TracemallocSnapshot;
  /** The open core behind this side (for build comparison), if any. */
  coreId?: number;
  hasFooters: boolean;
}

/** The inputs that can be compared, in drop order. */
export function sideOptions(inputs: InputEntry[], cores: CoreAnalysis[]): SideOption[] {
  const done = inputs.filter((e) => e.status === 'done');
  const inCore = new Set(cores.flatMap((c) => c.lists));
  const out: SideOption[] = [];
  for (const e of done) {
    if (e.format === 'core') {
      const c = cores.find((x) => x.coreId === e.id);
      const list = c?.listId != null ? done.find((x) => x.id === c.listId) : undefined;
      const table = list?.table ?? e.classified ?? e.table;
      if (!table) continue;
      out.push({
        id: e.id,
        label: list ? `${e.name} (+ ${list.name})` : e.name,
        kind: 'allocations',
        data: { name: e.name, table, attribution: c?.attribution ?? null },
        coreId: e.saved ? undefined : e.id,
        hasFooters: !!c?.attribution.detected,
      });
    } else if (e.format === 'chap-list' && e.table && !inCore.has(e.id)) {
      out.push({ id: e.id, label: e.name, kind: 'allocations', data: { name: e.name, table: e.table }, hasFooters: false });
    } else if (e.tracemalloc) {
      out.push({ id: e.id, label: e.name, kind: 'tracemalloc', snapshot: e.tracemalloc, hasFooters: false });
    }
  }
  return out;
}

/**
 * A and B: the user's choice, else the first two options of one kind; with a
 * shared second analysis, A from the current analysis and B from the shared one.
 */
export function pickSides(options: SideOption[], aId: number | null, bId: number | null, fromShared: Set<number> = new Set()): { a?: SideOption; b?: SideOption } {
  let a = options.find((o) => o.id === aId);
  let b = options.find((o) => o.id === bId && o !== a);
  if ((!a || !b) && fromShared.size) {
    a ??= options.find((o) => !fromShared.has(o.id));
    b ??= options.find((o) => fromShared.has(o.id) && o.kind === a?.kind);
  }
  if (!a || !b) {
    for (const kind of ['allocations', 'tracemalloc'] as const) {
      const same = options.filter((o) => o.kind === kind);
      if (same.length >= 2) {
        a ??= same[0];
        b ??= same.find((o) => o !== a && o.kind === a!.kind);
        break;
      }
    }
  }
  return { a, b };
}

/** Whether the analysis holds two things that can be compared. */
export function canCompare(options: SideOption[]): boolean {
  return options.filter((o) => o.kind === 'allocations').length >= 2 || options.filter((o) => o.kind === 'tracemalloc').length >= 2;
}

/**
 * Compare options of the current analysis plus, when a share link names a
 * second analysis (`cmp=<id2>`), that analysis's inputs (numbered below zero);
 * `fromShared` holds the ids of those. React hook.
 */
export function useCompareOptions(): { options: SideOption[]; fromShared: Set<number> } {
  const inputs = useAnalysis((s) => s.inputs);
  const cores = useAnalysis((s) => s.cores);
  const shared = useCompareSource((s) => s.shared);
  return useMemo(() => {
    if (!shared) return { options: sideOptions(inputs, cores), fromShared: new Set<number>() };
    let id = 0;
    const b = savedEntries(shared, () => --id);
    const options = sideOptions([...inputs, ...b.entries], [...cores, ...b.cores]).map((o) =>
      o.id < 0 ? { ...o, label: `${o.label} (shared ${shared.name})` } : o,
    );
    return { options, fromShared: new Set(b.entries.map((e) => e.id)) };
  }, [inputs, cores, shared]);
}
