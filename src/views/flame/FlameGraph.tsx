/**
 * Flame graph (icicle, root on top) on a canvas: click to zoom, breadcrumbs,
 * hover tooltip, search with the matched share, inverted mode, sort by size or
 * name, keyboard navigation. Selection and zoom live in the view store (URL).
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { fmtInt, fmtPct, formatBytes } from '../../format/numbers.ts';
import { useView } from '../../state/view.ts';
import { namePath, nodeByNames, searchHierarchy, selfOf, totalOf, type Hierarchy, type Metric } from '../../model/hierarchy.ts';
import { DIMMED, groupColor, MERGED, ROOT } from './colors.ts';
import { hitTest, indexRects, layoutFlame, type FlameRect } from '../../layout/flame.ts';
import { timed } from '../perf.ts';
import { prepareCanvas, useContainerWidth } from '../canvas.ts';
import { Breadcrumbs, SelectionDetails, TreeToolbar } from '../tree-controls.tsx';

const ROW_H = 20;
const FONT = '12px ui-monospace, "DejaVu Sans Mono", Menlo, monospace';

export function metricValue(metric: Metric, v: number): string {
  return metric === 'count' ? `${fmtInt(v)} allocations` : `${fmtInt(v)} bytes`;
}

interface Hover {
  rect: FlameRect;
  x: number;
  y: number;
}

export interface TreeViewProps {
  tree: Hierarchy;
  /** Colour of a node instead of its group's (differential views colour by growth). */
  colorOf?(node: number): string;
  /** More tooltip lines for a node (the differential views show A, B and Δ). */
  extra?(node: number): ReactNode;
  /** Test id of the canvas (side-by-side views have two). */
  testId?: string;
  /** Show the metric/search toolbar (off for the second graph of a side-by-side pair). */
  toolbar?: boolean;
  title?: ReactNode;
}

export function FlameGraph({ tree, colorOf, extra, testId = 'flame-canvas', toolbar = true, title }: TreeViewProps) {
  const { metric, q, sort, node: selPath, zoom: zoomPath, select, zoomTo } = useView();
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useContainerWidth(wrap);
  const [hover, setHover] = useState<Hover | null>(null);

  const zoomNode = useMemo(() => nodeByNames(tree, zoomPath), [tree, zoomPath]);
  const selNode = useMemo(() => (selPath.length ? nodeByNames(tree, selPath) : -1), [tree, selPath]);
  const search = useMemo(() => searchHierarchy(tree, q, metric), [tree, q, metric]);
  const rects = useMemo(() => timed('flame-layout', () => layoutFlame(tree, metric, zoomNode, width, sort)), [tree, metric, zoomNode, width, sort]);
  const rows = useMemo(() => indexRects(rects), [rects]);
  const height = (tree.maxDepth + 2) * ROW_H;

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const start = performance.now();
    const ctx = prepareCanvas(c, width, height, FONT);
    ctx.textBaseline = 'middle';
    const charW = ctx.measureText('M').width;
    const searching = q.trim().length > 0;
    for (const r of rects) {
      const y = r.depth * ROW_H;
      const w = Math.max(0.5, r.w - (r.w > 3 ? 1 : 0));
      let fill: string;
      if (r.merged) fill = MERGED;
      else if (r.node === 0) fill = ROOT;
      else fill = colorOf ? colorOf(r.node) : groupColor(tree.groups[tree.group[r.node]], r.depth, tree.name[r.node]);
      if (searching && !r.merged && !search.matches[r.node]) fill = DIMMED;
      ctx.fillStyle = fill;
      ctx.fillRect(r.x, y, w, ROW_H - 1);
      if (r.w > charW * 3 + 6) {
        const label = r.merged ? '…' : tree.names[tree.name[r.node]];
        const fit = Math.floor((r.w - 6) / charW);
        const text = label.length > fit ? label.slice(0, Math.max(1, fit - 1)) + '…' : label;
        ctx.fillStyle = '#f4f6fb';
        ctx.fillText(text, r.x + 3, y + ROW_H / 2);
      }
    }
    if (selNode >= 0) {
      const r = rects.find((x) => x.node === selNode && !x.merged);
      if (r) {
        ctx.strokeStyle = '#ffffff';
        ctx.lineWidth = 2;
        ctx.strokeRect(r.x + 1, r.depth * ROW_H + 1, Math.max(2, r.w - 3), ROW_H - 3);
      }
    }
    performance.measure('heapscope:flame-draw', { start, end: performance.now() });
  }, [rects, width, height, tree, q, search, selNode, colorOf]);

  const pick = (e: React.MouseEvent): FlameRect | null => {
    const box = canvas.current!.getBoundingClientRect();
    const x = e.clientX - box.left;
    const depth = Math.floor((e.clientY - box.top) / ROW_H);
    return hitTest(rows, x, depth);
  };

  const onKey = (e: React.KeyboardEvent) => {
    const cur = selNode >= 0 ? selNode : zoomNode;
    let next = -1;
    if (e.key === 'ArrowUp') next = tree.parent[cur];
    else if (e.key === 'ArrowDown') next = tree.childStart[cur] < tree.childStart[cur + 1] ? tree.children[tree.childStart[cur]] : -1;
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      const p = tree.parent[cur];
      if (p >= 0) {
        const a = tree.childStart[p];
        const b = tree.childStart[p + 1];
        const i = tree.children.subarray(a, b).indexOf(cur);
        const j = i + (e.key === 'ArrowLeft' ? -1 : 1);
        if (j >= 0 && j < b - a) next = tree.children[a + j];
      }
    } else if (e.key === 'Enter') {
      zoomTo(namePath(tree, cur));
      e.preventDefault();
      return;
    } else if (e.key === 'Backspace') {
      if (zoomNode > 0) zoomTo(namePath(tree, tree.parent[zoomNode]));
      e.preventDefault();
      return;
    } else return;
    e.preventDefault();
    if (next >= 0) select(namePath(tree, next));
  };

  const total = totalOf(tree, metric);
  const self = selfOf(tree, metric);
  const hv = hover && !hover.rect.merged ? hover.rect.node : -1;
  return (
    <div className="flame">
      {toolbar && <TreeToolbar tree={tree} search={search} />}
      {title}
      <Breadcrumbs tree={tree} node={zoomNode} onPick={(n) => zoomTo(namePath(tree, n))} />
      <div className="tree-area">
      <div className="flame-canvas" ref={wrap} style={{ height: Math.max(160, Math.min(height + 2, 640)) }}>
        <canvas
          ref={canvas}
          style={{ width, height }}
          tabIndex={0}
          role="img"
          aria-label="Flame graph"
          data-testid={testId}
          onMouseMove={(e) => {
            const r = pick(e);
            const box = wrap.current!.getBoundingClientRect();
            setHover(r ? { rect: r, x: e.clientX - box.left, y: e.clientY - box.top } : null);
          }}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => {
            const r = pick(e);
            if (!r) return;
            const n = r.merged ? r.node : r.node;
            select(namePath(tree, n));
            if (!r.merged) zoomTo(namePath(tree, n));
            canvas.current?.focus();
          }}
          onKeyDown={onKey}
        />
      </div>
        {hover && (
          <div className="tooltip" data-testid={`${testId === 'flame-canvas' ? 'flame' : testId}-tooltip`} style={{ left: Math.min(hover.x + 14, width - 320), top: hover.y + 14 }}>
            {hover.rect.merged ? (
              <div>
                Small children of <strong>{tree.names[tree.name[hover.rect.node]]}</strong> merged (each under a pixel)
              </div>
            ) : (
              <>
                <div className="tt-name">{tree.names[tree.name[hv]]}</div>
                <div>
                  total: {metricValue(metric, total[hv])} ({fmtPct(total[hv], total[0])} of all)
                </div>
                <div>self: {metricValue(metric, self[hv])}</div>
                {metric !== 'count' && <div>allocations: {fmtInt(tree.totalCount[hv])}</div>}
                {metric !== 'bytes' && <div>bytes: {fmtInt(tree.totalBytes[hv])} ({formatBytes(tree.totalBytes[hv])})</div>}
                {tree.hasRequested && metric !== 'requested' && <div>requested: {fmtInt(tree.totalRequested[hv])} bytes</div>}
                {extra?.(hv)}
                <div className="muted">{tree.levels[tree.depth[hv]] ?? ''}</div>
              </>
            )}
          </div>
        )}
      </div>
      <SelectionDetails tree={tree} node={selNode} />
      <div className="muted small">
        Click to zoom · <kbd>↑</kbd> <kbd>↓</kbd> <kbd>←</kbd> <kbd>→</kbd> move the selection · <kbd>Enter</kbd> zooms to it ·{' '}
        <kbd>Backspace</kbd> zooms out
      </div>
    </div>
  );
}
