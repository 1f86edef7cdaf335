/**
 * Flame graph (icicle, root on top) on a canvas, the full width of the page and
 * as tall as the tree is deep: click to zoom, breadcrumbs, a tooltip with the
 * node's whole path and figures in units, search with the matched share,
 * arrow-key navigation from anywhere. Cells are coloured by group (library,
 * module, file, type: palette.ts) with dark or light labels, whichever
 * contrasts more. Selection and zoom live in the view store (URL) unless the
 * graph has a local `nav` (sandwich, side by side).
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useThemeName } from '../../state/view.ts';
import { namePath, nodeByNames, searchHierarchy, type Hierarchy } from '../../model/hierarchy.ts';
import { groupColor, textColorOn, TREE_COLORS } from '../palette.ts';
import { hitTest, indexRects, layoutFlame, type FlameRect } from '../../layout/flame.ts';
import { timed } from '../perf.ts';
import { prepareCanvas, useContainerWidth } from '../canvas.ts';
import { Tooltip } from '../../components/Tooltip.tsx';
import { cellLabel, NodeTooltip, useTreeKeys, useTreeNav, type TreeNav } from '../tree-common.tsx';
import { Breadcrumbs, SelectionDetails, TreeToolbar } from '../tree-controls.tsx';
import { useView } from '../../state/view.ts';

export const ROW_H = 20;
const FONT = '12px ui-monospace, "DejaVu Sans Mono", Menlo, monospace';

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
  toolbar?: ReactNode | boolean;
  title?: ReactNode;
  /** Selection and zoom; defaults to the URL's (shared with every view). */
  nav?: TreeNav;
  /** This graph answers the arrow keys (one graph per page). */
  keys?: boolean;
  /** Actions on the selected node under its figures (transforms). */
  actions?(node: number): ReactNode;
  /** Show the selected node's figures below the graph. */
  details?: boolean;
}

export function FlameGraph({ tree, colorOf, extra, testId = 'flame-canvas', toolbar = true, title, nav: given, keys = true, actions, details = true }: TreeViewProps) {
  const { metric, q, sort } = useView();
  const own = useTreeNav(false);
  const nav = given ?? own;
  const theme = useThemeName();
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useContainerWidth(wrap);
  const [hover, setHover] = useState<Hover | null>(null);

  const zoomNode = useMemo(() => nodeByNames(tree, nav.zoom), [tree, nav.zoom]);
  const selNode = useMemo(() => (nav.node.length ? nodeByNames(tree, nav.node) : -1), [tree, nav.node]);
  const search = useMemo(() => searchHierarchy(tree, q, metric), [tree, q, metric]);
  const rects = useMemo(() => timed('flame-layout', () => layoutFlame(tree, metric, zoomNode, width, sort)), [tree, metric, zoomNode, width, sort]);
  const rows = useMemo(() => indexRects(rects), [rects]);
  // As tall as the laid-out tree is deep (never a 3-row graph in a tall empty box).
  const height = Math.max(1, rows.length) * ROW_H;
  useTreeKeys(tree, nav, { sel: selNode, zoom: zoomNode }, keys);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const start = performance.now();
    const ctx = prepareCanvas(c, width, height, FONT);
    ctx.textBaseline = 'middle';
    const charW = ctx.measureText('M').width;
    const searching = q.trim().length > 0;
    const fixed = TREE_COLORS[theme];
    for (const r of rects) {
      const y = r.depth * ROW_H;
      const w = Math.max(0.5, r.w - (r.w > 3 ? 1 : 0));
      let fill: string;
      if (r.merged) fill = fixed.merged;
      else if (r.node === 0) fill = fixed.root;
      else fill = colorOf ? colorOf(r.node) : groupColor(tree.groups[tree.group[r.node]], theme, r.depth, tree.name[r.node]);
      if (searching && !r.merged && !search.matches[r.node]) fill = fixed.dimmed;
      ctx.fillStyle = fill;
      ctx.fillRect(r.x, y, w, ROW_H - 1);
      if (r.w > charW * 3 + 6) {
        const label = r.merged ? '…' : cellLabel(tree.names[tree.name[r.node]]);
        const fit = Math.floor((r.w - 6) / charW);
        const text = label.length > fit ? label.slice(0, Math.max(1, fit - 1)) + '…' : label;
        ctx.fillStyle = textColorOn(fill);
        ctx.fillText(text, r.x + 3, y + ROW_H / 2);
      }
    }
    if (selNode >= 0) {
      const r = rects.find((x) => x.node === selNode && !x.merged);
      if (r) {
        ctx.strokeStyle = fixed.outline;
        ctx.lineWidth = 2;
        ctx.strokeRect(r.x + 1, r.depth * ROW_H + 1, Math.max(2, r.w - 3), ROW_H - 3);
      }
    }
    performance.measure('heapscope:flame-draw', { start, end: performance.now() });
  }, [rects, width, height, tree, q, search, selNode, colorOf, theme]);

  const pick = (e: React.MouseEvent): FlameRect | null => {
    const box = canvas.current!.getBoundingClientRect();
    const x = e.clientX - box.left;
    const depth = Math.floor((e.clientY - box.top) / ROW_H);
    return hitTest(rows, x, depth);
  };

  const hv = hover && !hover.rect.merged ? hover.rect.node : -1;
  return (
    <div className="flame">
      {toolbar === true ? <TreeToolbar tree={tree} search={search} /> : toolbar || null}
      {title}
      <Breadcrumbs tree={tree} node={zoomNode} onPick={(n) => nav.zoomTo(namePath(tree, n))} />
      <div className="tree-area">
        <div className="flame-canvas" ref={wrap}>
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
              nav.select(namePath(tree, r.node));
              if (!r.merged) nav.zoomTo(namePath(tree, r.node));
              canvas.current?.focus();
            }}
          />
        </div>
        {hover && (
          <Tooltip x={hover.x} y={hover.y} width={width} testId={`${testId === 'flame-canvas' ? 'flame' : testId}-tooltip`}>
            {hover.rect.merged ? (
              <div>
                Small children of <strong>{tree.names[tree.name[hover.rect.node]]}</strong> merged (each under a pixel)
              </div>
            ) : (
              <NodeTooltip tree={tree} node={hv} metric={metric} extra={extra?.(hv)} />
            )}
          </Tooltip>
        )}
      </div>
      {details && <SelectionDetails tree={tree} node={selNode} actions={actions} />}
      {keys && details && (
        <div className="muted small">
          Click to zoom · <kbd>↑</kbd> <kbd>↓</kbd> <kbd>←</kbd> <kbd>→</kbd> move the selection · <kbd>Enter</kbd> zooms to it ·{' '}
          <kbd>Backspace</kbd> zooms out
        </div>
      )}
    </div>
  );
}
