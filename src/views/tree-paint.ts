/**
 * How the canvas tree views (flame graph, treemap, and their diff and sandwich forms) paint a cell: its fill, its
 * label cut to the room it has, the selected cell's outline. Plain functions (tree-paint.test.ts).
 */
import type { Hierarchy } from '../model/hierarchy.ts';
import { groupColor, TREE_COLORS, type Theme } from './palette.ts';

/** What a cell's fill depends on besides the cell. */
export interface CellPaint {
  theme: Theme;
  /** Colour of a node instead of its group's (differential views colour by growth). */
  colorOf?(node: number): string;
  /** While a search is on: per node, non-zero when its name matches (the others are dimmed). */
  matches: ArrayLike<number> | null;
}

/** The fill of `node`'s cell at `depth` (`merged`: the sliver standing for small children of `node`). */
export function cellFill(tree: Hierarchy, node: number, depth: number, merged: boolean, paint: CellPaint): string {
  const fixed = TREE_COLORS[paint.theme];
  if (merged) return fixed.merged;
  if (paint.matches && !paint.matches[node]) return fixed.dimmed;
  if (node === 0) return fixed.root;
  return paint.colorOf ? paint.colorOf(node) : groupColor(tree.groups[tree.group[node]], paint.theme, depth, tree.name[node]);
}

/** `label` in at most `room` characters: cut with an ellipsis (never below one character and the ellipsis). */
export function fitLabel(label: string, room: number): string {
  return label.length > room ? label.slice(0, Math.max(1, room - 1)) + '…' : label;
}

/** Outlines the selected cell (a 2 px line of the theme's outline colour). */
export function outlineCell(ctx: CanvasRenderingContext2D, theme: Theme, x: number, y: number, w: number, h: number): void {
  ctx.strokeStyle = TREE_COLORS[theme].outline;
  ctx.lineWidth = 2;
  ctx.strokeRect(x, y, w, h);
}
