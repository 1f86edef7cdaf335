/**
 * The stages of a core's pipeline, as the browser and the CLI report their progress: the read (stored bytes),
 * the heap walk (heap bytes walked), the binaries' symbols, class names from vtables and footer attribution
 * (allocations), the reference graph and leak sets (bytes of used allocations scanned). One progress report is a
 * `StageProgress`; the readers send it through `ReadControl.onProgress` (workers/logic/io/stream.ts).
 */
export type StageName = 'read' | 'walk' | 'symbols' | 'classes' | 'attribution' | 'leaks';

export type StageUnit = 'bytes' | 'items';

/** What each stage is called: `title` before the file ("Naming classes in core.1"), `doing` in "… was cancelled". */
export const STAGES: Record<StageName, { title: string; doing: string; unit: StageUnit; items?: string }> = {
  read: { title: 'Reading', doing: 'reading', unit: 'bytes' },
  walk: { title: 'Walking the heap of', doing: 'walking the heap', unit: 'bytes' },
  symbols: { title: 'Reading symbols for', doing: 'reading symbols', unit: 'items', items: 'binaries' },
  classes: { title: 'Naming classes from vtables in', doing: 'naming classes from vtables', unit: 'items', items: 'allocations' },
  attribution: { title: 'Attributing footers of', doing: 'attributing footers', unit: 'items', items: 'allocations' },
  leaks: { title: 'Following references (leak sets) in', doing: 'following references for the leak sets', unit: 'bytes' },
};

/** "core.1: naming classes from vtables was cancelled" (the read keeps its old words: "f: reading was cancelled"). */
export function cancelledMessage(stage: StageName, file: string): string {
  return `${file}: ${STAGES[stage].doing} was cancelled`;
}
