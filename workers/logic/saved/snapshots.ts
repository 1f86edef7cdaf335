/**
 * Saved analyses and snapshots, both ways. `savedOf` lays snapshots out as a
 * saved analysis (version 2: one holder entry per snapshot with its tables, the
 * files that formed it as its sources); `snapshotsOfSaved` gives them back —
 * from version 2 as saved, from version 1 (one entry per dropped file) by
 * assembling the entries exactly as live inputs are assembled.
 */
import { SET_FLAGS, sizeColumnBuilder, type AllocationTable, type SizeColumn } from '../../../src/model/allocations.ts';
import type { AttributionData } from '../session/core-session.ts';
import type { JsonValue, SavedAnalysis, SavedAttribution, SavedInput, SavedSource } from '../../../src/model/saved.ts';
import type { Snapshot, SnapshotKind } from '../../../src/model/snapshot.ts';
import { attributionFromRows } from '../aggregate/attribution-rows.ts';
import { assemble } from '../snapshot/assemble.ts';
import { assemblyInput } from '../snapshot/inputs.ts';

/** A snapshot as the app holds it: its tables, what the core said of it, and the files that formed it. */
export interface LoadedSnapshot {
  /** `core` and the parts' `input` are indices into `sources`. */
  snapshot: Snapshot;
  attribution: AttributionData | null;
  /** The core's heap layout (`src/model/heap-layout.ts`), when the snapshot has a core. */
  layout: Record<string, unknown> | null;
  sources: SavedSource[];
}

/** What the app gives `savedOf` per snapshot. */
export interface SnapshotToSave {
  snapshot: Snapshot;
  attribution: Pick<AttributionData, 'sites' | 'rowSite' | 'rowRequested'> | null;
  layout: Record<string, unknown> | null;
  /** One per part of the snapshot, in the parts' order. */
  sources: Omit<SavedSource, 'as' | 'set' | 'listRows'>[];
}

const KINDS: SnapshotKind[] = ['process', 'tracemalloc', 'meliae'];

export function savedOf(name: string, view: JsonValue, snaps: SnapshotToSave[], created = new Date().toISOString()): SavedAnalysis {
  const inputs: SavedInput[] = [];
  const snapshots: NonNullable<SavedAnalysis['snapshots']> = [];
  for (const x of snaps) {
    const s = x.snapshot;
    const holder: SavedInput = {
      name: s.name,
      format: 'snapshot',
      size: x.sources.reduce((n, src) => n + src.size, 0),
      rows: s.table?.rows ?? 0,
      info: { kind: s.kind, knownSets: [...s.knownSets], ...(x.layout ? { layout: x.layout as { [k: string]: JsonValue } } : {}) },
    };
    if (s.table) holder.table = s.table;
    if (s.tracemalloc) holder.tracemalloc = s.tracemalloc;
    if (s.objects) holder.objects = s.objects;
    if (x.attribution && s.table) holder.attribution = { sites: x.attribution.sites, rowSite: x.attribution.rowSite, rowRequested: x.attribution.rowRequested };
    snapshots.push({
      key: s.key,
      name: s.name,
      kind: s.kind,
      holder: inputs.length,
      sources: s.parts.map((p, k) => ({ ...x.sources[k], as: p.as, ...(p.set ? { set: p.set } : {}), ...(p.rows ? { listRows: p.rows } : {}) })),
    });
    inputs.push(holder);
  }
  return { name, created, view, inputs, snapshots };
}

function stringList(v: JsonValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function fromV2(a: SavedAnalysis): LoadedSnapshot[] {
  return a.snapshots!.map((sn) => {
    const h = a.inputs[sn.holder];
    const info = h.info ?? {};
    const kind = KINDS.includes(sn.kind as SnapshotKind) ? (sn.kind as SnapshotKind) : 'process';
    const coreAt = sn.sources.findIndex((src) => src.as === 'core');
    const snapshot: Snapshot = {
      key: sn.key,
      name: sn.name,
      kind,
      core: coreAt >= 0 ? coreAt : null,
      parts: sn.sources.map((src, k) => ({
        input: k,
        name: src.name,
        as: src.as as Snapshot['parts'][number]['as'],
        ...(typeof src.set === 'string' && SET_FLAGS.some(([n]) => n === src.set) ? { set: src.set } : {}),
        ...(src.listRows ? { rows: src.listRows } : {}),
      })),
      table: h.table ?? null,
      knownSets: stringList(info.knownSets),
    };
    if (h.tracemalloc) snapshot.tracemalloc = h.tracemalloc;
    if (h.objects) snapshot.objects = h.objects;
    const layout = info.layout && typeof info.layout === 'object' && !Array.isArray(info.layout) ? (info.layout as Record<string, unknown>) : null;
    return { snapshot, attribution: h.table && h.attribution ? attributionFromRows(h.table, h.attribution) : null, layout, sources: sn.sources };
  });
}

/** Version 1: the dropped files' entries, assembled as live inputs are. */
function fromV1(a: SavedAnalysis): LoadedSnapshot[] {
  const inputs = a.inputs.map((inp, i) =>
    assemblyInput(i, inp.name, { format: inp.format, table: inp.table, tracemalloc: inp.tracemalloc, objects: inp.objects, info: inp.info as Record<string, unknown> | undefined }),
  );
  const { snapshots } = assemble(inputs);
  return snapshots.map((s) => {
    const sources: SavedSource[] = s.parts.map((p) => {
      const inp = a.inputs[p.input];
      const src: SavedSource = { name: inp.name, format: inp.format, size: inp.size, rows: inp.rows, as: p.as };
      if (inp.info) src.info = inp.info;
      if (inp.warnings) src.warnings = inp.warnings;
      if (p.rows) src.listRows = p.rows;
      return src;
    });
    let attribution: AttributionData | null = null;
    let layout: Record<string, unknown> | null = null;
    if (s.core !== null && s.table) {
      const core = a.inputs[s.core];
      layout = (core.info as Record<string, unknown> | undefined) ?? null;
      // The attribution was saved with the core (over its walk's rows) or with the list whose boundaries it used.
      const withIt = s.parts.map((p) => ({ p, inp: a.inputs[p.input] })).find(({ inp }) => inp.attribution && inp.table);
      if (withIt) attribution = attributionFromRows(s.table, remapped(withIt.inp.attribution!, withIt.p.rows ?? null, s.table));
    }
    const snapshot: Snapshot = { ...s, core: s.core === null ? null : s.parts.findIndex((p) => p.input === s.core), parts: s.parts.map((p, k) => ({ ...p, input: k })) };
    return { snapshot, attribution, layout, sources };
  });
}

/** An attribution over a list's rows, moved onto the snapshot's rows (`rows[i]` is list row i's). */
function remapped(at: SavedAttribution, rows: Uint32Array | null, table: AllocationTable): SavedAttribution {
  if (!rows) return at;
  const rowSite = new Uint32Array(table.rows);
  // 0 (no footer) on the rows no list row lands on; Uint32 unless a requested size needs Float64.
  const rowRequested = sizeColumnBuilder(table.rows);
  rowRequested.length = table.rows;
  for (let i = 0; i < rows.length && i < at.rowSite.length; i++) {
    rowSite[rows[i]] = at.rowSite[i];
    rowRequested.set(rows[i], at.rowRequested[i]);
  }
  return { sites: at.sites, rowSite, rowRequested: rowRequested.freeze() as SizeColumn };
}

export function snapshotsOfSaved(a: SavedAnalysis): LoadedSnapshot[] {
  return a.snapshots ? fromV2(a) : fromV1(a);
}
