/**
 * The second analysis of a shared comparison: when a share URL carries
 * `cmp=<id2>`, the shared-URL loader (`open-shared.ts`) fetches
 * it and puts it here, with its snapshots (keys `B:…`); Compare offers them as B.
 */
import { create } from 'zustand';
import type { SavedAnalysis } from '../model/saved.ts';
import type { SnapshotState } from './snapshots.ts';

/** State of the compare source: the shared analysis B (or null), its server id and its snapshots. */
export interface CompareSourceState {
  /** The analysis named by the URL's `cmp=` (side B), null when none. */
  shared: SavedAnalysis | null;
  /** Its id on the share server ('' when none). */
  id: string;
  snapshots: SnapshotState[];
}

/** Store of the shared comparison side B. */
export const useCompareSource = create<CompareSourceState>(() => ({ shared: null, id: '', snapshots: [] }));
