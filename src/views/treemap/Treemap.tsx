/**
 * Treemap (squarified, canvas), the full width of the page: click a cell to
 * drill down, breadcrumbs to go up; parents show as labelled header strips.
 * Colours and labels as the flame graph's (palette.ts, tree-paint.ts), in the
 * same frame (tree-canvas.tsx); the tooltip names the whole path. The selection
 * is shared with the flame graph and the tables through the view store.
 */
import { useCallback, useMemo } from 'react';
import { namePath } from '../../model/hierarchy.ts';
import { textColorOn, TREE_COLORS } from '../palette.ts';
import { cellLabel, NodeTooltip, useTreeKeys } from '../tree-common.tsx';
import { TreeCanvasFrame, useTreeCanvas, type TreeViewProps } from '../tree-canvas.tsx';
import { cellFill, fitLabel, outlineCell, type CellPaint } from '../tree-paint.ts';
import { cellAt, layoutTreemap, type TreemapCell } from '../../layout/treemap.ts';
import { timed } from '../perf.ts';

const FONT = '12px system-ui, sans-serif';

/** Height for a width: about 3:2 wide, within what a screen shows. */
export function treemapHeight(width: number): number {
  return Math.round(Math.max(380, Math.min(860, width * 0.5)));
}

export function Treemap(props: TreeViewProps) {
  const { tree, extra, keys = true } = props;
  const view = useTreeCanvas(tree, props.nav);
  const { metric, nav, theme, width, zoomNode, selNode } = view;
  const height = treemapHeight(width);
  const cells = useMemo(() => timed('treemap-layout', () => layoutTreemap(tree, metric, zoomNode, width, height)), [tree, metric, zoomNode, width, height]);
  useTreeKeys(tree, nav, { sel: selNode, zoom: zoomNode }, keys);

  const draw = useCallback(
    (ctx: CanvasRenderingContext2D, paint: CellPaint) => {
      ctx.textBaseline = 'top';
      const gap = TREE_COLORS[theme].gap;
      const charW = ctx.measureText('m').width;
      for (const cell of cells) {
        if (cell.depth === 0) continue;
        const w = cell.x1 - cell.x0;
        const h = cell.y1 - cell.y0;
        const fill = cellFill(tree, cell.node, cell.depth, cell.merged, paint);
        ctx.fillStyle = fill;
        ctx.fillRect(cell.x0, cell.y0, w, h);
        // A 1 px gap of the page's colour around each cell keeps neighbours of one colour apart.
        ctx.strokeStyle = gap;
        ctx.lineWidth = 1;
        ctx.strokeRect(cell.x0 + 0.5, cell.y0 + 0.5, w - 1, h - 1);
        if (w > 40 && h > 14) {
          const label = cell.merged ? 'other' : cellLabel(tree.names[tree.name[cell.node]]);
          ctx.fillStyle = textColorOn(fill);
          ctx.fillText(fitLabel(label, Math.floor((w - 6) / charW)), cell.x0 + 3, cell.y0 + 2);
        }
        if (cell.node === selNode && !cell.merged) outlineCell(ctx, theme, cell.x0 + 1, cell.y0 + 1, w - 2, h - 2);
      }
    },
    [cells, tree, selNode, theme],
  );

  return (
    <TreeCanvasFrame<TreemapCell>
      view={view}
      props={props}
      kind="treemap"
      label="Treemap"
      height={height}
      font={FONT}
      draw={draw}
      showSort={false}
      focusable={false}
      hit={(x, y) => {
        const cell = cellAt(cells, x, y);
        return cell && cell.depth > 0 ? cell : null;
      }}
      click={(cell) => {
        nav.select(namePath(tree, cell.node));
        if (!cell.merged && tree.childStart[cell.node] < tree.childStart[cell.node + 1]) nav.zoomTo(namePath(tree, cell.node));
      }}
      tooltip={(cell) =>
        cell.merged ? <div>Smaller items of {tree.names[tree.name[cell.node]]}, merged</div> : <NodeTooltip tree={tree} node={cell.node} metric={metric} extra={extra?.(cell.node)} />
      }
    />
  );
}
