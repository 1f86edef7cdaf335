/** Which allocation the inspector shows: a row of one snapshot's table. */
import { create } from 'zustand';

export interface InspectTarget {
  /** The snapshot's key (`snapshots.ts`). */
  snapshot: string;
  row: number;
}

interface InspectorState {
  target: InspectTarget | null;
  /** Allocations visited before, for the Back button. */
  history: InspectTarget[];
  open(t: InspectTarget): void;
  back(): void;
  close(): void;
}

export const useInspector = create<InspectorState>((set, get) => ({
  target: null,
  history: [],
  open: (t) => set({ target: t, history: get().target ? [...get().history, get().target!] : [] }),
  back: () => {
    const h = get().history;
    set({ target: h[h.length - 1] ?? null, history: h.slice(0, -1) });
  },
  close: () => set({ target: null, history: [] }),
}));
