/**
 * Treemap (squarified, canvas): click a cell to drill down, breadcrumbs to go up;
 * the selection is shared with the flame graph and the table through the view store.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { fmtInt, fmtPct } from '../../format/numbers.ts';
import { useView } from '../../state/view.ts';
import { namePath, nodeByNames, searchHierarchy, totalOf } from '../../model/hierarchy.ts';
import { DIMMED, groupColor, MERGED } from '../flame/colors.ts';
import { metricValue, type TreeViewProps } from '../flame/FlameGraph.tsx';
import { Breadcrumbs, SelectionDetails, TreeToolbar } from '../tree-controls.tsx';
import { cellAt, layoutTreemap, type TreemapCell } from '../../layout/treemap.ts';
import { timed } from '../perf.ts';
import { prepareCanvas, useContainerWidth } from '../canvas.ts';

const HEIGHT = 560;
const FONT = '12px system-ui, sans-serif';

export function Treemap({ tree, colorOf, extra, testId = 'treemap-canvas', toolbar = true, title }: TreeViewProps) {
  const { metric, q, node: selPath, zoom: zoomPath, select, zoomTo } = useView();
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useContainerWidth(wrap);
  const [hover, setHover] = useState<{ cell: TreemapCell; x: number; y: number } | null>(null);
  const zoomNode = useMemo(() => nodeByNames(tree, zoomPath), [tree, zoomPath]);
  const selNode = useMemo(() => (selPath.length ? nodeByNames(tree, selPath) : -1), [tree, selPath]);
  const search = useMemo(() => searchHierarchy(tree, q, metric), [tree, q, metric]);
  const cells = useMemo(() => timed('treemap-layout', () => layoutTreemap(tree, metric, zoomNode, width, HEIGHT)), [tree, metric, zoomNode, width]);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const start = performance.now();
    const ctx = prepareCanvas(c, width, HEIGHT, FONT);
    ctx.textBaseline = 'top';
    const searching = q.trim().length > 0;
    for (const cell of cells) {
      if (cell.depth === 0) continue;
      const w = cell.x1 - cell.x0;
      const h = cell.y1 - cell.y0;
      let fill = cell.merged ? MERGED : colorOf ? colorOf(cell.node) : groupColor(tree.groups[tree.group[cell.node]], cell.depth, tree.name[cell.node]);
      if (searching && !cell.merged && !search.matches[cell.node]) fill = DIMMED;
      ctx.fillStyle = fill;
      ctx.globalAlpha = cell.leaf ? 1 : 0.55;
      ctx.fillRect(cell.x0, cell.y0, w, h);
      ctx.globalAlpha = 1;
      if (w > 40 && h > 14) {
        const label = cell.merged ? 'other' : tree.names[tree.name[cell.node]];
        const fit = Math.floor((w - 6) / 6.5);
        ctx.fillStyle = '#f4f6fb';
        ctx.fillText(label.length > fit ? label.slice(0, Math.max(1, fit - 1)) + '…' : label, cell.x0 + 3, cell.y0 + 2);
      }
      if (cell.node === selNode && !cell.merged) {
        ctx.strokeStyle = '#fff';
        ctx.lineWidth = 2;
        ctx.strokeRect(cell.x0 + 1, cell.y0 + 1, w - 2, h - 2);
      }
    }
    performance.measure('heapscope:treemap-draw', { start, end: performance.now() });
  }, [cells, width, tree, q, search, selNode, colorOf]);

  const total = totalOf(tree, metric);
  const at = (e: React.MouseEvent) => {
    const box = canvas.current!.getBoundingClientRect();
    return cellAt(cells, e.clientX - box.left, e.clientY - box.top);
  };
  const hn = hover?.cell.node ?? -1;
  return (
    <div className="treemap">
      {toolbar && <TreeToolbar tree={tree} search={search} showSort={false} />}
      {title}
      <Breadcrumbs tree={tree} node={zoomNode} onPick={(n) => zoomTo(namePath(tree, n))} />
      <div className="tree-area">
      <div className="treemap-canvas" ref={wrap}>
        <canvas
          ref={canvas}
          style={{ width, height: HEIGHT }}
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
            select(namePath(tree, cell.node));
            if (!cell.merged && tree.childStart[cell.node] < tree.childStart[cell.node + 1]) zoomTo(namePath(tree, cell.node));
          }}
        />
      </div>
        {hover && (
          <div className="tooltip" data-testid="treemap-tooltip" style={{ left: Math.min(hover.x + 14, width - 320), top: hover.y + 14 }}>
            {hover.cell.merged ? (
              <div>Smaller items of {tree.names[tree.name[hn]]}, merged</div>
            ) : (
              <>
                <div className="tt-name">{tree.names[tree.name[hn]]}</div>
                <div>
                  {metricValue(metric, total[hn])} ({fmtPct(total[hn], total[0])} of all)
                </div>
                {metric !== 'count' && <div>allocations: {fmtInt(tree.totalCount[hn])}</div>}
                {extra?.(hn)}
              </>
            )}
          </div>
        )}
      </div>
      <SelectionDetails tree={tree} node={selNode} />
    </div>
  );
}
