/**
 * Opening share URLs: when the app starts, or the URL changes (back/forward, a
 * pasted link), with `#/a/<id>[?…&cmp=<id2>]` naming an analysis that is not
 * the one shown, fetch it from the share server, load it (`loadSaved`) with the
 * URL's view state (view, node, zoom, search, metric … win over the state saved
 * in the analysis), and put `cmp`'s analysis in `useCompareSource` as side B.
 * Progress and failures are in `useSharedOpen` for the status banner.
 */
import { create } from 'zustand';
import type { JsonValue, SavedAnalysis } from '../model/saved.ts';
import { analysis as analysis_, setCompareSource } from './analysis.ts';
import { decodeUrlState } from './url.ts';
import { snapshot as viewSnapshot, useView } from './view.ts';
import { fetchSharedBytes } from '../storage/share.ts';
import { savedCodec } from '../pipeline/workers.ts';
import { openErrorMessage } from './share-link.ts';

/** Phase of opening a shared analysis. */
export type SharedOpenStatus = 'idle' | 'loading' | 'done' | 'error';

/** State of the last shared-URL opening (what the status banner shows). */
export interface SharedOpenState {
  status: SharedOpenStatus;
  /** The analysis id being (or last) opened. */
  id: string;
  /** Progress text while loading, the failure while in error, '' else. */
  message: string;
  /** After loading a `cmp=` analysis: a note saying it was loaded as B. */
  note: string;
  /** Bytes fetched (A + B), time to fetch and decode them, and time from request to the analysis shown, ms. */
  bytes: number;
  fetchMs: number;
  ms: number;
  dismiss(): void;
}

/** Store of the shared-URL opening. */
export const useSharedOpen = create<SharedOpenState>((set) => ({
  status: 'idle',
  id: '',
  message: '',
  note: '',
  bytes: 0,
  fetchMs: 0,
  ms: 0,
  dismiss: () => set({ status: 'idle', message: '', note: '' }),
}));

/** The shared ids the app shows (or failed to show: not retried until the URL names another). */
let current = { analysis: '', cmp: '' };
/** The pair being fetched, while a fetch runs. */
let pending: { analysis: string; cmp: string } | null = null;
let generation = 0;

/**
 * Records that the app shows shared analysis `analysis` (and `cmp`) already —
 * called after an upload, before `useView.setShared(id)`, so the new URL does
 * not fetch back what was just uploaded.
 */
export function markShared(analysis: string, cmp = ''): void {
  current = { analysis, cmp };
}

const short = (id: string): string => `${id.slice(0, 12)}…`;

/** A failure already said for the user (which of A and B failed). */
class OpenFailure extends Error {}

/** Decodes the bytes of shared analysis `id`; a failure becomes an `OpenFailure` naming `id`. */
async function decode(bytes: Uint8Array, id: string): Promise<SavedAnalysis> {
  try {
    return await savedCodec.decode(bytes, `shared analysis ${id}`);
  } catch (e) {
    throw new OpenFailure(openErrorMessage(e, id));
  }
}

/** Fetches the bytes of shared analysis `id`; a failure becomes an `OpenFailure` naming `id`. */
async function fetchBytes(id: string): Promise<Uint8Array> {
  try {
    return await fetchSharedBytes(id);
  } catch (e) {
    throw new OpenFailure(openErrorMessage(e, id));
  }
}

/** Fetches and loads `analysis` (+ `cmp` as B); the URL's view state wins over the saved one. */
async function openShared(analysis: string, cmp: string): Promise<void> {
  const gen = ++generation;
  pending = { analysis, cmp };
  const set = useSharedOpen.setState;
  const t0 = performance.now();
  // The URL as it is now: its view state is what the user was sent.
  const wanted = { ...viewSnapshot(decodeUrlState(location.hash)), analysis, cmp, src: '' };
  set({ status: 'loading', id: analysis, message: `Fetching shared analysis ${short(analysis)}${cmp ? ` and ${short(cmp)} (B)` : ''} from the server…`, note: '' });
  try {
    const [bytesA, bytesB] = await Promise.all([fetchBytes(analysis), cmp ? fetchBytes(cmp) : Promise.resolve(null)]);
    if (gen !== generation) return;
    set({ message: `Decoding ${(bytesA.length + (bytesB?.length ?? 0)).toLocaleString('en-US')} bytes…` });
    const a = await decode(bytesA, analysis);
    const b = bytesB && (await decode(bytesB, cmp));
    if (gen !== generation) return;
    const fetchMs = performance.now() - t0;
    set({ message: `Opening “${a.name}”…` });
    await analysis_.loadSaved({ ...a, view: wanted as unknown as JsonValue }, { analysis, cmp });
    // Whatever loading did to the view, the URL's state is the one to show.
    useView.getState().applyUrl(wanted);
    await setCompareSource(b, b ? cmp : '');
    if (gen !== generation) return;
    set({
      status: 'done',
      message: '',
      note: b ? `Shared analysis “${b.name}” (${short(cmp)}) was loaded as B for comparison.` : '',
      bytes: bytesA.length + (bytesB?.length ?? 0),
      fetchMs,
      ms: performance.now() - t0,
    });
  } catch (e) {
    if (gen !== generation) return;
    set({ status: 'error', message: e instanceof OpenFailure ? e.message : openErrorMessage(e, analysis) });
  } finally {
    if (gen === generation) {
      current = { analysis, cmp };
      pending = null;
    }
  }
}

/** Fetches B alone when only the URL's `cmp` changed; clears B when `cmp` went away. */
async function openCompareOnly(cmp: string): Promise<void> {
  current = { ...current, cmp };
  if (!cmp) {
    await setCompareSource(null);
    return;
  }
  try {
    const b = await decode(await fetchBytes(cmp), cmp);
    await setCompareSource(b, cmp);
    useSharedOpen.setState({ note: `Shared analysis “${b.name}” (${short(cmp)}) was loaded as B for comparison.` });
  } catch (e) {
    useSharedOpen.setState({ status: 'error', message: e instanceof OpenFailure ? e.message : openErrorMessage(e, cmp) });
  }
}

/** Tries again to open the shared analysis the URL names (after a failure). */
export function retryShared(): void {
  const s = useView.getState();
  if (s.analysis) void openShared(s.analysis, s.cmp);
}

function check(analysis: string, cmp: string): void {
  if (pending) {
    if (pending.analysis === analysis && pending.cmp === cmp) return;
    // Loading the analysis clears the view store for a moment: ignore that.
    if (!analysis) return;
  }
  if (!analysis) {
    current = { analysis: '', cmp: '' };
    return;
  }
  if (analysis !== current.analysis) void openShared(analysis, cmp);
  else if (cmp !== current.cmp) void openCompareOnly(cmp);
}

/**
 * Starts watching the view store's `analysis` / `cmp` (initialised from the URL
 * at start-up, replaced on back/forward); opens what they name. Returns the
 * unsubscribe function. Call once, from the app's root (an effect).
 */
export function startSharedUrlLoader(): () => void {
  const unsub = useView.subscribe((s, prev) => {
    if (s.analysis !== prev.analysis || s.cmp !== prev.cmp) check(s.analysis, s.cmp);
  });
  const s = useView.getState();
  check(s.analysis, s.cmp);
  return unsub;
}
