/**
 * UI state of the local library and of the save / library / share dialogs:
 * which dialog is open, the library's entries (newest first), and the actions
 * the dialogs call (save, open, rename, delete). The library itself (IndexedDB)
 * is `src/storage/library.ts`; this store opens it once, lazily, and keeps its
 * list in step after every change. No React and no analysis store here: callers
 * pass the `SavedAnalysis` to save and load what `open` returns.
 */
import { create } from 'zustand';
import type { SavedAnalysis } from '../model/saved.ts';
import { openFromLibrary, openLibrary, saveToLibrary, type Library, type LibraryEntry } from '../storage/library.ts';
import { savedCodec } from '../pipeline/workers.ts';

/** The dialogs of the save / library / share user interface. */
export type SharePanel = 'save' | 'library' | 'share';

/** What a save reports (shown as its confirmation). */
export interface SavedConfirmation {
  id: string;
  name: string;
  /** Bytes of the saved file. */
  size: number;
  /** Time taken to serialise and store, ms. */
  ms: number;
}

/** The library store's state and actions. */
export interface LibraryState {
  /** The open dialog, or null. */
  panel: SharePanel | null;
  /** Library entries, newest first (after the first `refresh`). */
  entries: LibraryEntry[];
  /** True once the list was read at least once. */
  loaded: boolean;
  /** Last library failure (IndexedDB unavailable, damaged entry …), or null. */
  error: string | null;
  openPanel(p: SharePanel): void;
  closePanel(): void;
  /** Reads the list again. */
  refresh(): Promise<void>;
  /** Serialises `a` into the library; resolves to its confirmation. */
  save(a: SavedAnalysis): Promise<SavedConfirmation>;
  /** Reads back entry `id` (its library name wins); undefined when it is gone. */
  open(id: string): Promise<SavedAnalysis | undefined>;
  rename(id: string, name: string): Promise<void>;
  remove(id: string): Promise<void>;
}

let libraryPromise: Promise<Library> | null = null;
let libraryName: string | undefined;

/** The library database, opened on first use (tests may name their own with `useLibraryDatabase`). */
function library(): Promise<Library> {
  if (!libraryPromise) {
    libraryPromise = openLibrary(libraryName).catch((e: unknown) => {
      libraryPromise = null;
      throw new Error(`the local library cannot be opened (IndexedDB): ${(e as Error).message}`);
    });
  }
  return libraryPromise;
}

/** Uses database `name` from now on (tests); closes the one open before. */
export function useLibraryDatabase(name: string): void {
  void libraryPromise?.then((l) => l.close()).catch(() => undefined);
  libraryPromise = null;
  libraryName = name;
}

/**
 * The name a new saved analysis gets: its inputs' file names joined by ` + `
 * (at most three, then `+ N more`), or `analysis` when there are none.
 */
export function defaultAnalysisName(inputs: { name: string }[]): string {
  if (inputs.length === 0) return 'analysis';
  const names = inputs.slice(0, 3).map((i) => i.name);
  const more = inputs.length - names.length;
  return names.join(' + ') + (more > 0 ? ` + ${more} more` : '');
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Store of the library UI (see the module comment). */
export const useLibrary = create<LibraryState>((set, get) => {
  /** Runs a library action; a failure is kept in `error` and thrown again. */
  async function guarded<T>(f: (lib: Library) => Promise<T>): Promise<T> {
    try {
      const out = await f(await library());
      set({ error: null });
      return out;
    } catch (e) {
      set({ error: message(e) });
      throw e;
    }
  }
  return {
    panel: null,
    entries: [],
    loaded: false,
    error: null,
    openPanel: (panel) => {
      set({ panel });
      if (panel === 'library') void get().refresh().catch(() => undefined);
    },
    closePanel: () => set({ panel: null }),
    async refresh() {
      const entries = await guarded((lib) => lib.list());
      set({ entries, loaded: true });
    },
    async save(a) {
      const t0 = performance.now();
      const { id, bytes } = await guarded((lib) => saveToLibrary(lib, a, savedCodec.encode));
      const ms = performance.now() - t0;
      await get().refresh();
      return { id, name: a.name, size: bytes.length, ms };
    },
    async open(id) {
      return guarded((lib) => openFromLibrary(lib, id, savedCodec.decode));
    },
    async rename(id, name) {
      await guarded((lib) => lib.rename(id, name));
      await get().refresh();
    },
    async remove(id) {
      await guarded((lib) => lib.delete(id));
      await get().refresh();
    },
  };
});
