/**
 * What the tree views (flame graph, treemap, their diff and sandwich forms)
 * share: navigation state (the URL's selection and zoom, or a local one),
 * figures in units, the tooltip body with the node's whole path, and the
 * arrow-key navigation that works wherever the focus is.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { fmtInt, fmtPct } from '../format/numbers.ts';
import { humanBytes } from '../format/units.ts';
import { ownsArrows } from '../components/keys.ts';
import { useView } from '../state/view.ts';
import { namePath, pathTo, selfOf, totalOf, type Hierarchy, type Metric } from '../model/hierarchy.ts';

/** Selection and zoom of a tree view as name paths, with their setters. */
export interface TreeNav {
  node: string[];
  zoom: string[];
  select(path: string[]): void;
  zoomTo(path: string[]): void;
}

/** The URL's selection and zoom (shared by every view), or, with `local`, a state of this view alone. */
export function useTreeNav(local = false): TreeNav {
  const node = useView((s) => s.node);
  const zoom = useView((s) => s.zoom);
  const select = useView((s) => s.select);
  const zoomTo = useView((s) => s.zoomTo);
  const [lNode, setLNode] = useState<string[]>([]);
  const [lZoom, setLZoom] = useState<string[]>([]);
  if (local) return { node: lNode, zoom: lZoom, select: setLNode, zoomTo: setLZoom };
  return { node, zoom, select, zoomTo };
}

/** A metric value in words: "3.26 MiB (3,413,480 bytes)", "2,000 allocations". */
export function metricText(metric: Metric, v: number): string {
  if (metric === 'count') return `${fmtInt(v)} allocation${v === 1 ? '' : 's'}`;
  return v >= 1024 ? `${humanBytes(v)} (${fmtInt(v)} bytes)` : `${fmtInt(v)} bytes`;
}

/** Bytes in words: "1.99 MiB (2,088,008 bytes)". */
export function bytesText(v: number): string {
  return metricText('bytes', v);
}

/** A cell's label: a path's base name (`/srv/shop/service.py:26` → `service.py:26`); the tooltip has the whole name. */
export function cellLabel(name: string): string {
  if (!name.startsWith('/')) return name;
  const i = name.lastIndexOf('/');
  return i < name.length - 1 ? name.slice(i + 1) : name;
}

/** Names from the root's child down to `node`. */
export function pathNames(tree: Hierarchy, node: number): string[] {
  return pathTo(tree, node)
    .slice(1)
    .map((n) => tree.names[tree.name[n]]);
}

/** The tooltip body of a node: its whole path, its figures in units, the level it is at. */
export function NodeTooltip({ tree, node, metric, extra }: { tree: Hierarchy; node: number; metric: Metric; extra?: ReactNode }) {
  const total = totalOf(tree, metric);
  const self = selfOf(tree, metric);
  const path = pathNames(tree, node);
  const group = tree.groups[tree.group[node]];
  return (
    <>
      <div className="tt-name">{tree.names[tree.name[node]]}</div>
      {path.length > 1 && (
        <div className="tt-path" data-testid="tt-path">
          {path.join(' → ')}
        </div>
      )}
      <table className="tt-figures">
        <tbody>
          <tr>
            <th>total</th>
            <td>
              {metricText(metric, total[node])} · {fmtPct(total[node], total[0])} of all
            </td>
          </tr>
          <tr>
            <th>self</th>
            <td>{metricText(metric, self[node])}</td>
          </tr>
          {metric !== 'count' && (
            <tr>
              <th>allocations</th>
              <td>{fmtInt(tree.totalCount[node])}</td>
            </tr>
          )}
          {metric !== 'bytes' && (
            <tr>
              <th>bytes</th>
              <td>{bytesText(tree.totalBytes[node])}</td>
            </tr>
          )}
          {tree.hasRequested && metric !== 'requested' && (
            <tr>
              <th>requested</th>
              <td>{bytesText(tree.totalRequested[node])}</td>
            </tr>
          )}
        </tbody>
      </table>
      {extra}
      <div className="muted small">
        {tree.levels[tree.depth[node]] ?? ''}
        {group && group !== tree.names[tree.name[node]] ? ` · ${group}` : ''}
      </div>
    </>
  );
}

/**
 * Arrow keys move the selection (up: parent, down: biggest child, left / right:
 * siblings), Enter zooms to it, Backspace zooms out — from anywhere on the page
 * but text boxes and selects, so they work without clicking the canvas first and
 * after clicking any checkbox or button.
 */
export function useTreeKeys(tree: Hierarchy, nav: TreeNav, current: { sel: number; zoom: number }, enabled: boolean): void {
  const ref = useRef({ tree, nav, current });
  useEffect(() => {
    ref.current = { tree, nav, current };
  });
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || ownsArrows(e.target) || document.querySelector('.modal-back')) return;
      const { tree: t, nav: n, current: c } = ref.current;
      const cur = c.sel >= 0 ? c.sel : c.zoom;
      let next = -1;
      if (e.key === 'ArrowUp') next = t.parent[cur];
      else if (e.key === 'ArrowDown') next = t.childStart[cur] < t.childStart[cur + 1] ? t.children[t.childStart[cur]] : -1;
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        const p = t.parent[cur];
        if (p >= 0) {
          const a = t.childStart[p];
          const b = t.childStart[p + 1];
          const i = t.children.subarray(a, b).indexOf(cur);
          const j = i + (e.key === 'ArrowLeft' ? -1 : 1);
          if (j >= 0 && j < b - a) next = t.children[a + j];
        }
      } else if (e.key === 'Enter') {
        if (e.target instanceof HTMLButtonElement || e.target instanceof HTMLAnchorElement) return;
        n.zoomTo(namePath(t, cur));
        e.preventDefault();
        return;
      } else if (e.key === 'Backspace') {
        if (c.zoom > 0) n.zoomTo(namePath(t, t.parent[c.zoom]));
        e.preventDefault();
        return;
      } else return;
      e.preventDefault();
      if (next >= 0) n.select(namePath(t, next));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
