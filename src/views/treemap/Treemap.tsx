/**
 * Treemap (squarified, canvas), the full width of the page: click a cell to
 * drill down, breadcrumbs to go up; parents show as labelled header strips.
 * Colours and labels as the flame graph's (palette.ts); the tooltip names the
 * whole path. The selection is shared with the flame graph and the tables
 * through the view store.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useThemeName, useView } from '../../state/view.ts';
import { namePath, nodeByNames, searchHierarchy } from '../../model/hierarchy.ts';
import { groupColor, textColorOn, TREE_COLORS } from '../palette.ts';
import type { TreeViewProps } from '../flame/FlameGraph.tsx';
import { Breadcrumbs, SelectionDetails, TreeToolbar } from '../tree-controls.tsx';
import { cellLabel, NodeTooltip, useTreeKeys, useTreeNav } from '../tree-common.tsx';
import { Tooltip } from '../../components/Tooltip.tsx';
import { cellAt, layoutTreemap, type TreemapCell } from '../../layout/treemap.ts';
import { timed } from '../perf.ts';
import { prepareCanvas, useContainerWidth } from '../canvas.ts';

const FONT = '12px system-ui, sans-serif';

/** Height for a width: about 3:2 wide, within what a screen shows. */
export function treemapHeight(width: number): number {
  return Math.round(Math.max(380, Math.min(860, width * 0.5)));
}

export function Treemap({ tree, colorOf, extra, testId = 'treemap-canvas', toolbar = true, title, nav: given, keys = true, actions, details = true }: TreeViewProps) {
  const { metric, q } = useView();
  const own = useTreeNav(false);
  const nav = given ?? own;
  const theme = useThemeName();
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useContainerWidth(wrap);
  const height = treemapHeight(width);
  const [hover, setHover] = useState<{ cell: TreemapCell; x: number; y: number } | null>(null);
  const zoomNode = useMemo(() => nodeByNames(tree, nav.zoom), [tree, nav.zoom]);
  const selNode = useMemo(() => (nav.node.length ? nodeByNames(tree, nav.node) : -1), [tree, nav.node]);
  const search = useMemo(() => searchHierarchy(tree, q, metric), [tree, q, metric]);
  const cells = useMemo(() => timed('treemap-layout', () => layoutTreemap(tree, metric, zoomNode, width, height)), [tree, metric, zoomNode, width, height]);
  useTreeKeys(tree, nav, { sel: selNode, zoom: zoomNode }, keys);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const start = performance.now();
    const ctx = prepareCanvas(c, width, height, FONT);
    ctx.textBaseline = 'top';
    const searching = q.trim().length > 0;
    const fixed = TREE_COLORS[theme];
    const charW = ctx.measureText('m').width;
    for (const cell of cells) {
      if (cell.depth === 0) continue;
      const w = cell.x1 - cell.x0;
      const h = cell.y1 - cell.y0;
      let fill = cell.merged ? fixed.merged : colorOf ? colorOf(cell.node) : groupColor(tree.groups[tree.group[cell.node]], theme, cell.depth, tree.name[cell.node]);
      if (searching && !cell.merged && !search.matches[cell.node]) fill = fixed.dimmed;
      ctx.fillStyle = fill;
      ctx.fillRect(cell.x0, cell.y0, w, h);
      // A 1 px gap of the page's colour around each cell keeps neighbours of one colour apart.
      ctx.strokeStyle = fixed.gap;
      ctx.lineWidth = 1;
      ctx.strokeRect(cell.x0 + 0.5, cell.y0 + 0.5, w - 1, h - 1);
      if (w > 40 && h > 14) {
        const label = cell.merged ? 'other' : cellLabel(tree.names[tree.name[cell.node]]);
        const fit = Math.floor((w - 6) / charW);
        ctx.fillStyle = textColorOn(fill);
        ctx.fillText(label.length > fit ? label.slice(0, Math.max(1, fit - 1)) + '…' : label, cell.x0 + 3, cell.y0 + 2);
      }
      if (cell.node === selNode && !cell.merged) {
        ctx.strokeStyle = fixed.outline;
        ctx.lineWidth = 2;
        ctx.strokeRect(cell.x0 + 1, cell.y0 + 1, w - 2, h - 2);
      }
    }
    performance.measure('heapscope:treemap-draw', { start, end: performance.now() });
  }, [cells, width, height, tree, q, search, selNode, colorOf, theme]);

  const at = (e: React.MouseEvent) => {
    const box = canvas.current!.getBoundingClientRect();
    return cellAt(cells, e.clientX - box.left, e.clientY - box.top);
  };
  const hn = hover?.cell.node ?? -1;
  return (
    <div className="treemap">
      {toolbar === true ? <TreeToolbar tree={tree} search={search} showSort={false} /> : toolbar || null}
      {title}
      <Breadcrumbs tree={tree} node={zoomNode} onPick={(n) => nav.zoomTo(namePath(tree, n))} />
      <div className="tree-area">
        <div className="treemap-canvas" ref={wrap}>
          <canvas
            ref={canvas}
            style={{ width, height }}
            role="img"
            aria-label="Treemap"
            data-testid={testId}
            onMouseMove={(e) => {
              const cell = at(e);
              const box = wrap.current!.getBoundingClientRect();
              setHover(cell && cell.depth > 0 ? { cell, x: e.clientX - box.left, y: e.clientY - box.top } : null);
            }}
            onMouseLeave={() => setHover(null)}
            onClick={(e) => {
              const cell = at(e);
              if (!cell || cell.depth === 0) return;
              nav.select(namePath(tree, cell.node));
              if (!cell.merged && tree.childStart[cell.node] < tree.childStart[cell.node + 1]) nav.zoomTo(namePath(tree, cell.node));
            }}
          />
        </div>
        {hover && (
          <Tooltip x={hover.x} y={hover.y} width={width} testId={testId === 'treemap-canvas' ? 'treemap-tooltip' : `${testId}-tooltip`}>
            {hover.cell.merged ? <div>Smaller items of {tree.names[tree.name[hn]]}, merged</div> : <NodeTooltip tree={tree} node={hn} metric={metric} extra={extra?.(hn)} />}
          </Tooltip>
        )}
      </div>
      {details && <SelectionDetails tree={tree} node={selNode} actions={actions} />}
    </div>
  );
}
