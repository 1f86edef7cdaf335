/**
 * The frame both canvas tree views (flame graph, treemap) draw in: the state they share (metric, search, the
 * selection and zoom as nodes, the theme, the canvas and its width: `useTreeCanvas`), and around the canvas the
 * toolbar, breadcrumbs, the hover tooltip and the selected node's figures (`TreeCanvasFrame`). What differs —
 * the layout, the painting, what a point hits and what a click does — stays in each view.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useThemeName, useView } from '../state/view.ts';
import { namePath, nodeByNames, searchHierarchy, type Hierarchy } from '../model/hierarchy.ts';
import { Tooltip } from '../components/Tooltip.tsx';
import { prepareCanvas, useContainerWidth } from './canvas.ts';
import type { CellPaint } from './tree-paint.ts';
import { useTreeNav, type TreeNav } from './tree-common.tsx';
import { Breadcrumbs, SelectionDetails, TreeToolbar } from './tree-controls.tsx';

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

/** The state a canvas tree view starts from: the view's metric, search and sort, its nav and nodes, the canvas. */
export function useTreeCanvas(tree: Hierarchy, given: TreeNav | undefined) {
  const { metric, q, sort } = useView();
  const own = useTreeNav(false);
  const nav = given ?? own;
  const theme = useThemeName();
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useContainerWidth(wrap);
  const zoomNode = useMemo(() => nodeByNames(tree, nav.zoom), [tree, nav.zoom]);
  const selNode = useMemo(() => (nav.node.length ? nodeByNames(tree, nav.node) : -1), [tree, nav.node]);
  const search = useMemo(() => searchHierarchy(tree, q, metric), [tree, q, metric]);
  return { metric, q, sort, nav, theme, wrap, canvas, width, zoomNode, selNode, search };
}

export type TreeCanvas = ReturnType<typeof useTreeCanvas>;

interface FrameProps<T> {
  view: TreeCanvas;
  props: TreeViewProps;
  /** The frame's class; its canvas's wrapper is `<kind>-canvas`, its default test id too. */
  kind: 'flame' | 'treemap';
  /** The canvas's accessible name. */
  label: string;
  height: number;
  font: string;
  /**
   * Paints the cleared canvas (in CSS pixels, `font` set); `paint` says how cells are filled. Memoized by the view
   * (`useCallback`): the canvas is painted again when it, the size or the paint change.
   */
  draw(ctx: CanvasRenderingContext2D, paint: CellPaint): void;
  showSort: boolean;
  /** The canvas takes the focus (the flame graph's arrow keys). */
  focusable: boolean;
  /** What the point (x, y) of the canvas hits, or null (nothing to hover or click). */
  hit(x: number, y: number): T | null;
  click(item: T): void;
  tooltip(item: T): ReactNode;
  /** Below the figures. */
  footer?: ReactNode;
}

/** The toolbar, breadcrumbs, canvas with its hover tooltip, and the selected node's figures of a tree view. */
export function TreeCanvasFrame<T>({ view, props, kind, label, height, font, draw, showSort, focusable, hit, click, tooltip, footer }: FrameProps<T>) {
  const { tree, colorOf, toolbar = true, title, actions, details = true } = props;
  const testId = props.testId ?? `${kind}-canvas`;
  const { canvas, wrap, width, search, zoomNode, selNode, nav, theme, q } = view;
  const [hover, setHover] = useState<{ item: T; x: number; y: number } | null>(null);
  const searching = q.trim().length > 0;
  const paint = useMemo((): CellPaint => ({ theme, colorOf, matches: searching ? search.matches : null }), [theme, colorOf, searching, search]);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const start = performance.now();
    draw(prepareCanvas(c, width, height, font), paint);
    performance.measure(`heapscope:${kind}-draw`, { start, end: performance.now() });
  }, [canvas, kind, draw, paint, width, height, font]);

  const at = (e: React.MouseEvent): T | null => {
    const box = canvas.current!.getBoundingClientRect();
    return hit(e.clientX - box.left, e.clientY - box.top);
  };
  return (
    <div className={kind}>
      {toolbar === true ? <TreeToolbar tree={tree} search={search} showSort={showSort} /> : toolbar || null}
      {title}
      <Breadcrumbs tree={tree} node={zoomNode} onPick={(n) => nav.zoomTo(namePath(tree, n))} />
      <div className="tree-area">
        <div className={`${kind}-canvas`} ref={wrap}>
          <canvas
            ref={canvas}
            style={{ width, height }}
            tabIndex={focusable ? 0 : undefined}
            role="img"
            aria-label={label}
            data-testid={testId}
            onMouseMove={(e) => {
              const item = at(e);
              const box = wrap.current!.getBoundingClientRect();
              setHover(item ? { item, x: e.clientX - box.left, y: e.clientY - box.top } : null);
            }}
            onMouseLeave={() => setHover(null)}
            onClick={(e) => {
              const item = at(e);
              if (item) click(item);
            }}
          />
        </div>
        {hover && (
          <Tooltip x={hover.x} y={hover.y} width={width} testId={testId === `${kind}-canvas` ? `${kind}-tooltip` : `${testId}-tooltip`}>
            {tooltip(hover.item)}
          </Tooltip>
        )}
      </div>
      {details && <SelectionDetails tree={tree} node={selNode} actions={actions} />}
      {footer}
    </div>
  );
}
