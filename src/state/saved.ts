/**
 * Saved analyses and the stores: the analysis as a saved analysis (its snapshots' tables, the sets their cores
 * computed and the view state; never memory contents), a saved one read back into inputs and snapshots, and a
 * shared one put beside this one as Compare's B. The rules are `workers/logic/snapshot/states.ts`
 * (`statesOfSaved`, `snapshotToSave`) and `workers/logic/saved/`; the decoding runs in the aggregation worker.
 */
import type { JsonValue, SavedAnalysis } from '../model/saved.ts';
import { aggregatorApi } from '../pipeline/workers.ts';
import { savedOf } from '../../workers/logic/saved/snapshots.ts';
import { snapshotToSave, statesOfSaved } from '../../workers/logic/snapshot/states.ts';
import { useCompareSource } from './compare-source.ts';
import { newInputId, useInputs, type InputEntry } from './inputs.ts';
import { newSnapshotUid, useSnapshots, type SnapshotState } from './snapshots.ts';
import { snapshot as viewSnapshot, useView } from './view.ts';

/** The inputs (no file, no memory) and snapshots of a saved analysis, decoded in the aggregation worker. */
export async function openSavedAnalysis(a: SavedAnalysis, how: 'library' | 'shared', keyPrefix = ''): Promise<{ entries: InputEntry[]; states: SnapshotState[] }> {
  const loaded = await aggregatorApi().openSaved(a);
  const { inputs, states } = statesOfSaved(loaded, { newInputId, newUid: newSnapshotUid }, keyPrefix);
  const now = performance.now();
  const entries = inputs.map((i): InputEntry => ({ ...i, status: 'done', bytesRead: i.size, startedAt: now, finishedAt: now, cancel: new Int32Array(1), saved: how }));
  return { entries, states };
}

/** Puts shared analysis `b` (server id `id`) beside this one as Compare's B, or clears it. */
export async function setCompareSource(b: SavedAnalysis | null, id = ''): Promise<void> {
  if (!b) {
    useCompareSource.setState({ shared: null, id: '', snapshots: [] });
    return;
  }
  const { states } = await openSavedAnalysis(b, 'shared', 'B:');
  useCompareSource.setState({ shared: b, id, snapshots: states.map((s) => ({ ...s, snap: { ...s.snap, name: `${s.snap.name} (shared ${b.name})` } })) });
}

/** The analysis as a saved analysis named `name`: every snapshot with the sets its core computed, and the view state. */
export function savedAnalysisOf(name: string): SavedAnalysis {
  const entries = useInputs.getState().entries;
  const view = viewSnapshot(useView.getState()) as unknown as JsonValue;
  return savedOf(
    name,
    view,
    useSnapshots.getState().list.map((s) => snapshotToSave(s, entries)),
  );
}
