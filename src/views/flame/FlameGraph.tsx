/**
 * Flame graph (icicle, root on top) on a canvas, the full width of the page and
 * as tall as the tree is deep: click to zoom, breadcrumbs, a tooltip with the
 * node's whole path and figures in units, search with the matched share,
 * arrow-key navigation from anywhere. Cells are coloured by group (library,
 * module, file, type: palette.ts) with dark or light labels, whichever
 * contrasts more. Selection and zoom live in the view store (URL) unless the
 * graph has a local `nav` (sandwich, side by side). The frame around the
 * canvas is the treemap's too (`../tree-canvas.tsx`).
 */
import { useCallback, useMemo } from 'react';
import { namePath } from '../../model/hierarchy.ts';
import { textColorOn } from '../palette.ts';
import { hitTest, indexRects, layoutFlame, type FlameRect } from '../../layout/flame.ts';
import { timed } from '../perf.ts';
import { cellLabel, NodeTooltip, useTreeKeys } from '../tree-common.tsx';
import { TreeCanvasFrame, useTreeCanvas, type TreeViewProps } from '../tree-canvas.tsx';
import { cellFill, fitLabel, outlineCell, type CellPaint } from '../tree-paint.ts';

export const ROW_H = 20;
const FONT = '12px ui-monospace, "DejaVu Sans Mono", Menlo, monospace';

export function FlameGraph(props: TreeViewProps) {
  const { tree, extra, keys = true, details = true } = props;
  const view = useTreeCanvas(tree, props.nav);
  const { metric, sort, nav, theme, canvas, width, zoomNode, selNode } = view;
  const rects = useMemo(() => timed('flame-layout', () => layoutFlame(tree, metric, zoomNode, width, sort)), [tree, metric, zoomNode, width, sort]);
  const rows = useMemo(() => indexRects(rects), [rects]);
  // As tall as the laid-out tree is deep (never a 3-row graph in a tall empty box).
  const height = Math.max(1, rows.length) * ROW_H;
  useTreeKeys(tree, nav, { sel: selNode, zoom: zoomNode }, keys);

  const draw = useCallback(
    (ctx: CanvasRenderingContext2D, paint: CellPaint) => {
      ctx.textBaseline = 'middle';
      const charW = ctx.measureText('M').width;
      for (const r of rects) {
        const y = r.depth * ROW_H;
        const w = Math.max(0.5, r.w - (r.w > 3 ? 1 : 0));
        const fill = cellFill(tree, r.node, r.depth, r.merged, paint);
        ctx.fillStyle = fill;
        ctx.fillRect(r.x, y, w, ROW_H - 1);
        if (r.w > charW * 3 + 6) {
          const label = r.merged ? '…' : cellLabel(tree.names[tree.name[r.node]]);
          ctx.fillStyle = textColorOn(fill);
          ctx.fillText(fitLabel(label, Math.floor((r.w - 6) / charW)), r.x + 3, y + ROW_H / 2);
        }
      }
      const sel = selNode >= 0 ? rects.find((x) => x.node === selNode && !x.merged) : undefined;
      if (sel) outlineCell(ctx, theme, sel.x + 1, sel.depth * ROW_H + 1, Math.max(2, sel.w - 3), ROW_H - 3);
    },
    [rects, tree, selNode, theme],
  );

  return (
    <TreeCanvasFrame<FlameRect>
      view={view}
      props={props}
      kind="flame"
      label="Flame graph"
      height={height}
      font={FONT}
      draw={draw}
      showSort
      focusable
      hit={(x, y) => hitTest(rows, x, Math.floor(y / ROW_H))}
      click={(r) => {
        nav.select(namePath(tree, r.node));
        if (!r.merged) nav.zoomTo(namePath(tree, r.node));
        canvas.current?.focus();
      }}
      tooltip={(r) =>
        r.merged ? (
          <div>
            Small children of <strong>{tree.names[tree.name[r.node]]}</strong> merged (each under a pixel)
          </div>
        ) : (
          <NodeTooltip tree={tree} node={r.node} metric={metric} extra={extra?.(r.node)} />
        )
      }
      footer={
        keys &&
        details && (
          <div className="muted small">
            Click to zoom · <kbd>↑</kbd> <kbd>↓</kbd> <kbd>←</kbd> <kbd>→</kbd> move the selection · <kbd>Enter</kbd> zooms to it ·{' '}
            <kbd>Backspace</kbd> zooms out
          </div>
        )
      }
    />
  );
}
