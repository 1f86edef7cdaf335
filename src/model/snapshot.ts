/**
 * Snapshots: what the inputs of an analysis stand for.
 *
 * A snapshot is one process (or one Python heap) at one moment:
 * - a **process** snapshot: an ELF core and/or the chap lists made from that core,
 *   with the binaries and debug files that name its code;
 * - a **tracemalloc** snapshot: one `Snapshot.dump()` file;
 * - a **meliae** snapshot: one object dump.
 *
 * Every single-snapshot view shows exactly one snapshot; nothing is ever summed
 * across snapshots. Compare takes two. `assemble()`
 * (`workers/logic/snapshot/assemble.ts`) decides which inputs form each snapshot
 * and builds each snapshot's one allocation table; the browser's store, every
 * CLI command and the tests call it. Its rules are in that folder's README.
 */
import type { AllocationTable } from './allocations.ts';
import type { ObjectTable } from './objects.ts';
import type { TracemallocSnapshot } from './traces.ts';

export type SnapshotKind = 'process' | 'tracemalloc' | 'meliae';

/**
 * What an input is within its snapshot.
 * - `core`: the core dump (its heap walk gives every allocation, used and free);
 * - `used` / `free`: a chap list of all used (free) allocations of the snapshot;
 * - `subset`: a chap list of some used allocations (chap's `list leaked`,
 *   `list unreferenced`, `list anchored`, …: the file does not say which);
 * - `mixed`: a chap list with used and free rows (e.g. `describe` output);
 * - `binary`: an executable, shared object or `.debug` file;
 * - `tracemalloc`, `meliae`: the snapshot's one input.
 */
export type PartRole = 'core' | 'used' | 'free' | 'subset' | 'mixed' | 'binary' | 'tracemalloc' | 'meliae';

/** How each part is named in the UI and the CLI. */
export const PART_LABELS: Record<PartRole, string> = {
  core: 'core',
  used: 'list used',
  free: 'list free',
  subset: 'list of some used allocations',
  mixed: 'chap list',
  binary: 'binary',
  tracemalloc: 'tracemalloc snapshot',
  meliae: 'meliae dump',
};

export interface SnapshotPart {
  /** The caller's input id. */
  input: number;
  name: string;
  as: PartRole;
  /** Rows of the snapshot's table this chap list lists (lists only), in the list's order. */
  rows?: Uint32Array;
  /** A `subset` list whose rows are exactly one of the snapshot's known sets: that set's name (`leaked`, …). */
  set?: string;
}

/** How a part is named: its role, or for a subset list that is a known set, `list <set>`. */
export function partLabel(p: SnapshotPart): string {
  return p.set ? `list ${p.set}` : PART_LABELS[p.as];
}

export interface Snapshot {
  /** Stable key within an analysis: `s` + the id of the input that founded it. */
  key: string;
  /** Display name: the core's file name, else the main list's or the snapshot file's. */
  name: string;
  kind: SnapshotKind;
  /** Input id of the core, or null (chap lists alone, tracemalloc, meliae). */
  core: number | null;
  parts: SnapshotPart[];
  /**
   * The snapshot's one allocation table: each allocation once, with its state
   * (used / free) and its set memberships as flags. For a core it has the rows of
   * the heap walk, in the walk's order (so per-row results of the core, such as
   * footers and vtable classes, line up with it). For tracemalloc, one row per
   * trace; for meliae, one per object.
   */
  table: AllocationTable | null;
  tracemalloc?: TracemallocSnapshot;
  objects?: ObjectTable;
  /**
   * chap's sets whose membership the `flags` column holds for every row of this
   * snapshot (`SET_FLAGS` names: `leaked`, `unreferenced`, …): computed from the
   * core, or given by a chap list whose lines name them. Other sets are unknown.
   */
  knownSets: string[];
  /** The snapshot's own time (ms since the epoch) when its inputs record one. */
  time?: number;
}

/** Something the assembly could not decide alone, said in the UI and by the CLI. */
export interface AssemblyNote {
  /** The input the note is about. */
  input: number;
  kind: 'fits-no-core' | 'fits-several' | 'incomplete-list' | 'unmatched-binary' | 'unused';
  message: string;
  /** For `fits-several`: the snapshot keys it could belong to (the user picks). */
  candidates?: string[];
}

export interface Assembly {
  /** In the order their inputs were given (the last is the newest). */
  snapshots: Snapshot[];
  notes: AssemblyNote[];
}

/**
 * The user's decisions where the inputs alone do not decide: for a chap list,
 * the snapshot key it belongs to, or `own` for a snapshot of its own.
 */
export type AssemblyChoices = Record<number, string>;

/** The snapshot a single-snapshot view shows by default: the newest. */
export function defaultSnapshot(a: Assembly): Snapshot | null {
  let best: Snapshot | null = null;
  for (const s of a.snapshots) {
    if (!best) best = s;
    else if (s.time !== undefined && best.time !== undefined) {
      if (s.time >= best.time) best = s;
    } else best = s;
  }
  return best;
}
