/**
 * The second analysis of a shared comparison: when a share URL carries
 * `cmp=<id2>`, the shared-URL loader (`src/views/share/open-shared.ts`) fetches
 * it and puts it here; the compare views take it as side B.
 */
import { create } from 'zustand';
import type { SavedAnalysis } from '../model/saved.ts';

/** State of the compare source: the shared analysis B (or null) and its server id. */
export interface CompareSourceState {
  /** The analysis named by the URL's `cmp=` (side B), null when none. */
  shared: SavedAnalysis | null;
  /** Its id on the share server ('' when none). */
  id: string;
}

/** Store of the shared comparison side B. */
export const useCompareSource = create<CompareSourceState>(() => ({ shared: null, id: '' }));
