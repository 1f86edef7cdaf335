/**
 * View state shared by every view (which view, metric, selected node, zoom,
 * search, inverted, sort), mirrored in the URL hash so reload and back/forward
 * restore it. Selection is a path of names, so it survives rebuilding the tree
 * (inverting, adding an input) and selects the same node in every view.
 */
import { create } from 'zustand';
import type { Transform } from '../model/transforms.ts';
import { decodeUrlState, encodeUrlState, type MetricId, type UrlState, type ViewId } from './url.ts';

/** The Leaks view's part of the URL state. */
export type LeaksUrlState = Pick<UrlState, 'lset' | 'lby' | 'lmode' | 'lnode' | 'lzoom'>;

interface ViewState extends UrlState {
  setView(v: ViewId): void;
  select(path: string[]): void;
  zoomTo(path: string[]): void;
  setSearch(q: string): void;
  setMetric(m: MetricId): void;
  setSort(s: 'size' | 'name'): void;
  setInverted(v: boolean): void;
  setSource(src: string): void;
  /** Replaces the transform list (selection and zoom reset: node paths change). */
  setTransforms(t: Transform[]): void;
  /** Shows the sandwich of a function in the flame graph ('' to close it). */
  setSandwich(name: string): void;
  /** The shared analysis shown (and the one compared with it), '' for local files. */
  setShared(analysis: string, cmp?: string): void;
  /** Shows snapshot `key` in the single-snapshot views (selection and zoom reset: another tree). */
  setSnapshot(key: string): void;
  /** The snapshots Compare shows as A and B. */
  setCompareSides(a: string, b: string): void;
  /** Changes the Leaks view's state; another set or grouping drops its selection and zoom (another tree). */
  patchLeaks(p: Partial<LeaksUrlState>): void;
  /** Replaces the whole state from a URL (popstate, load). */
  applyUrl(s: UrlState): void;
}

export const useView = create<ViewState>((set) => ({
  ...decodeUrlState(typeof location !== 'undefined' ? location.hash : ''),
  setView: (view) => set({ view }),
  select: (node) => set({ node }),
  zoomTo: (zoom) => set({ zoom }),
  setSearch: (q) => set({ q }),
  setMetric: (metric) => set({ metric }),
  setSort: (sort) => set({ sort }),
  setInverted: (inverted) => set({ inverted, node: [], zoom: [] }),
  setSource: (src) => set({ src }),
  setTransforms: (transforms) => set({ transforms, node: [], zoom: [] }),
  setSandwich: (sandwich) => set({ sandwich }),
  setShared: (analysis, cmp = '') => set({ analysis, cmp }),
  setSnapshot: (snap) => set({ snap, node: [], zoom: [], lnode: [], lzoom: [] }),
  setCompareSides: (ca, cb) => set({ ca, cb }),
  patchLeaks: (p) => set((s) => ({ ...p, ...((p.lset !== undefined && p.lset !== s.lset) || (p.lby !== undefined && p.lby !== s.lby) ? { lnode: p.lnode ?? [], lzoom: [] } : {}) })),
  applyUrl: (s) => set(s),
}));

export function snapshot(s: UrlState): UrlState {
  const { view, node, zoom, q, metric, sort, inverted, src, analysis, cmp, transforms, sandwich, snap, ca, cb, lset, lby, lmode, lnode, lzoom } = s;
  return { view, node, zoom, q, metric, sort, inverted, src, analysis, cmp, transforms, sandwich, snap, ca, cb, lset, lby, lmode, lnode, lzoom };
}

/** Keeps the URL hash and the view store in step; returns an unsubscribe function. */
export function syncViewWithUrl(): () => void {
  let applying = false;
  const unsub = useView.subscribe((s, prev) => {
    if (applying) return;
    const hash = encodeUrlState(snapshot(s));
    if (hash === location.hash || (hash === '#v=1' && location.hash === '')) return;
    // Navigation-like changes get a history entry; typing in the search box does not.
    const navigational =
      s.view !== prev.view || s.zoom !== prev.zoom || s.node !== prev.node || s.inverted !== prev.inverted || s.transforms !== prev.transforms || s.sandwich !== prev.sandwich || s.snap !== prev.snap ||
      s.lset !== prev.lset || s.lby !== prev.lby || s.lmode !== prev.lmode || s.lnode !== prev.lnode || s.lzoom !== prev.lzoom;
    if (navigational) history.pushState(null, '', hash);
    else history.replaceState(null, '', hash);
  });
  const onPop = () => {
    applying = true;
    useView.getState().applyUrl(decodeUrlState(location.hash));
    applying = false;
  };
  window.addEventListener('popstate', onPop);
  return () => {
    unsub();
    window.removeEventListener('popstate', onPop);
  };
}

/** Colour theme: the system's (`prefers-color-scheme`) unless the user picked one (kept in localStorage). */
export type ThemeChoice = 'system' | 'light' | 'dark';

interface ThemeState {
  choice: ThemeChoice;
  /** The system's preference now. */
  system: 'light' | 'dark';
  setChoice(c: ThemeChoice): void;
}

const THEME_KEY = 'heapscope.theme';

function storedChoice(): ThemeChoice {
  try {
    const v = typeof localStorage !== 'undefined' ? localStorage.getItem(THEME_KEY) : null;
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

const darkQuery = typeof matchMedia !== 'undefined' ? matchMedia('(prefers-color-scheme: dark)') : null;

export const useTheme = create<ThemeState>((set) => ({
  choice: storedChoice(),
  system: darkQuery?.matches ? 'dark' : 'light',
  setChoice: (choice) => {
    try {
      if (choice === 'system') localStorage.removeItem(THEME_KEY);
      else localStorage.setItem(THEME_KEY, choice);
    } catch {
      // storage unavailable: the choice lasts for this page
    }
    set({ choice });
  },
}));
darkQuery?.addEventListener('change', (e) => useTheme.setState({ system: e.matches ? 'dark' : 'light' }));

/** The theme in effect: 'light' or 'dark'. */
export function themeOf(s: Pick<ThemeState, 'choice' | 'system'>): 'light' | 'dark' {
  return s.choice === 'system' ? s.system : s.choice;
}

/** React hook: the theme in effect. */
export function useThemeName(): 'light' | 'dark' {
  return useTheme(themeOf);
}
