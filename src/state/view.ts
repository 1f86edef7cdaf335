/**
 * View state shared by every view (which view, metric, selected node, zoom,
 * search, inverted, sort), mirrored in the URL hash so reload and back/forward
 * restore it. Selection is a path of names, so it survives rebuilding the tree
 * (inverting, adding an input) and selects the same node in every view.
 */
import { create } from 'zustand';
import { decodeUrlState, encodeUrlState, type MetricId, type UrlState, type ViewId } from './url.ts';

interface ViewState extends UrlState {
  setView(v: ViewId): void;
  select(path: string[]): void;
  zoomTo(path: string[]): void;
  setSearch(q: string): void;
  setMetric(m: MetricId): void;
  setSort(s: 'size' | 'name'): void;
  setInverted(v: boolean): void;
  setSource(src: string): void;
  /** The shared analysis shown (and the one compared with it), '' for local files. */
  setShared(analysis: string, cmp?: string): void;
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
  setShared: (analysis, cmp = '') => set({ analysis, cmp }),
  applyUrl: (s) => set(s),
}));

export function snapshot(s: UrlState): UrlState {
  const { view, node, zoom, q, metric, sort, inverted, src, analysis, cmp } = s;
  return { view, node, zoom, q, metric, sort, inverted, src, analysis, cmp };
}

/** Keeps the URL hash and the view store in step; returns an unsubscribe function. */
export function syncViewWithUrl(): () => void {
  let applying = false;
  const unsub = useView.subscribe((s, prev) => {
    if (applying) return;
    const hash = encodeUrlState(snapshot(s));
    if (hash === location.hash || (hash === '#v=1' && location.hash === '')) return;
    // Navigation-like changes get a history entry; typing in the search box does not.
    const navigational = s.view !== prev.view || s.zoom !== prev.zoom || s.node !== prev.node || s.inverted !== prev.inverted;
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
