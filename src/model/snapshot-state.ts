/**
 * A snapshot as the app holds it: the assembly's `Snapshot` (`snapshot.ts`) with what its core's later stages
 * added (class names, footer attribution, chap's leak sets), its heap layout, and the stage running on it. The
 * browser's stores keep a list of these (`src/state/snapshots.ts`); the rules that make them from an assembly, a
 * saved analysis and the stages' results are pure functions (`workers/logic/snapshot/states.ts`).
 */
import type { AttributionData } from './attribution.ts';
import type { HeapLayoutInfo } from './heap-layout.ts';
import type { LeakSummary } from './leaks.ts';
import type { Snapshot } from './snapshot.ts';
import type { StageName, StageUnit } from './stages.ts';

/** One stage in progress (a file's read or heap walk, a core snapshot's later stages), as its progress line shows it. */
export interface StageState {
  stage: StageName;
  file: string;
  /** Bytes or items done of `total` (0: not known yet). */
  done: number;
  total: number;
  unit: StageUnit;
  /** performance.now() when this stage started. */
  startedAt: number;
  /** performance.now() of its latest report (the start, before one): the rate is the one then, not a stale clock's. */
  at: number;
}

export interface SnapshotState {
  /** Unique within the page: derived data is keyed by it (snapshot keys repeat across analyses). */
  uid: number;
  /** The snapshot; its parts' `input` and `core` are input ids. */
  snap: Snapshot;
  /** Bumped whenever `snap.table` is replaced (derived data is keyed by it). */
  version: number;
  attribution: AttributionData | null;
  layout: HeapLayoutInfo | null;
  /** Its core is open in the core worker (not read back from a saved analysis): its memory can be read. */
  live: boolean;
  /** From a saved or shared analysis: fixed as it was saved, never assembled again. */
  saved: boolean;
  /** Work in progress on it (naming classes, attributing footers), or null. */
  busy: string | null;
  /** The core stage running on it with its progress (classes, attribution, leak sets), or null. */
  stage?: StageState | null;
  /** Set when a stage was cancelled: which stage, which file ("core.1: naming classes from vtables was cancelled"). */
  cancelled?: string;
  /** chap's leak sets of its core (the pipeline's last stage), once computed. */
  leaks?: LeakSummary | null;
  error?: string;
}
