/**
 * Pure parts of the shared table (VirtualTable): what a cell shows and exports,
 * and column widths sized to their content so no number is ever cut.
 * Tested in table-columns.test.ts.
 */
import { fmtInt } from '../format/numbers.ts';

export interface ColumnSpec<R> {
  id: string;
  label: string;
  num?: boolean;
  /** Sort key. */
  value(r: R): number | string;
  /** What the cell shows and what CSV / JSON export write (defaults to `value`): a number, or text. */
  text?(r: R): number | string;
  /** How a number is shown when the column has no `render`: integer with separators (default) or a percentage with one decimal. */
  format?: 'int' | 'pct';
  /** A fixed CSS grid width instead of the content's. */
  width?: string;
}

/** The cell's value as shown (and exported). */
export function cellValue<R>(c: ColumnSpec<R>, r: R): number | string {
  return c.text ? c.text(r) : c.value(r);
}

/** The cell's text as shown: numbers with separators (or as a percentage), text as it is. */
export function cellText<R>(c: ColumnSpec<R>, r: R): string {
  const v = cellValue(c, r);
  if (typeof v !== 'number') return v;
  if (c.format === 'pct') {
    if (!Number.isFinite(v)) return '–';
    // A share too small for one decimal shows its two significant digits (pctValue's), as export writes it.
    if (v > 0 && v < 0.05) return `${v}%`;
    return `${v.toFixed(1)}%`;
  }
  return fmtInt(v);
}

/**
 * A share as the percentage a table shows and exports: 12.3 for 12.34…% (NaN when the whole is 0). A non-zero
 * share under 0.05% keeps two significant digits (0.0012), so it neither shows, exports nor sorts as 0; the cell
 * shows it as 0.0012%.
 */
export function pctValue(part: number, whole: number): number {
  if (whole === 0) return NaN;
  const rounded = Math.round((1000 * part) / whole) / 10;
  if (rounded === 0 && part > 0) return Number(((100 * part) / whole).toPrecision(2));
  return rounded;
}

/** Rows examined for widths: all of them up to this many, else this many spread over the rows. */
const SAMPLE = 3000;

/** A text column other than the widest grows to its content up to this many ch (the widest takes the rest). */
const TEXT_MAX = 60;

/** The least width of the text column that takes the rest (the name column), in ch: it gives way down to this. */
const NAME_MIN = 30;

/** The least width of another text column (a library path, an address), in ch: it gives way down to this. */
const TEXT_MIN = 16;

/** Another text column grows to its content only up to this share of the row (%), so the name keeps its room. */
const TEXT_SHARE = 25;

/** Header labels are set at 12px over the body's 14px: a label's characters in the body's ch. */
const HEAD_SCALE = 12 / 14;

/**
 * CSS grid widths from content: a number column is as wide as its longest
 * shown value or its label (in `ch`, digits are 1ch in tabular figures; the
 * label, with room for the sort arrow, at the header's smaller size), never
 * cut. A text column is at least its label and 12ch; the text column
 * with the longest content takes the rest of the row (`1fr`: a long C++ name
 * shows as far as the row allows, then the cell cuts it with an ellipsis and
 * its title holds it whole), the other text columns grow to their content (up
 * to 60ch, and to 25% of the row) before it, so a library path does not take
 * half the row from the function beside it. Where the row is short of room the text columns give
 * way, the name down to 30ch and the others down to 16ch (never below their
 * label; cut with an ellipsis, whole in their titles), so the numbers stay in
 * the window: at 1280 px the Callers table by return address with the
 * plugin's sizes fits.
 * Every row is its own grid, so no width depends on one row's content: fixed
 * and `fr` only.
 */
export function columnWidths<R>(cols: ColumnSpec<R>[], rows: R[]): string[] {
  const step = rows.length > SAMPLE ? rows.length / SAMPLE : 1;
  // A label with the sort arrow (" ▼"), at the header's size.
  const label = cols.map((c) => Math.ceil((c.label.length + 2) * HEAD_SCALE));
  const longest = label.slice();
  const numMax = cols.map(() => 0);
  for (let k = 0; k < Math.min(rows.length, SAMPLE); k++) {
    const r = rows[Math.floor(k * step)];
    cols.forEach((c, i) => {
      longest[i] = Math.max(longest[i], cellText(c, r).length);
    });
  }
  // Every row's magnitude: the largest number may lie outside the sample.
  cols.forEach((c, i) => {
    if (!c.num || c.format === 'pct') return;
    let m = 0;
    for (const r of rows) {
      const v = cellValue(c, r);
      if (typeof v === 'number' && Math.abs(v) > m) m = Math.abs(v);
    }
    numMax[i] = m;
  });
  // The text column that takes the rest: the one with the longest content (the first of equals).
  let widest = -1;
  cols.forEach((c, i) => {
    if (!c.num && !c.width && (widest < 0 || longest[i] > longest[widest])) widest = i;
  });
  return cols.map((c, i) => {
    if (c.width) return c.width;
    if (c.num) {
      // The largest magnitude: its digits, separators and a sign.
      const digits = numMax[i] >= 1 ? Math.floor(Math.log10(numMax[i])) + 1 : 1;
      const len = Math.max(longest[i], digits + Math.floor((digits - 1) / 3) + 1);
      return `${len + 3}ch`;
    }
    // What it needs, and what it gives way down to (never less than its label on one line).
    const least = Math.max(12, longest[i] + 2);
    const min = Math.max(label[i] + 3, Math.min(i === widest ? NAME_MIN : TEXT_MIN, least));
    if (i === widest) return `minmax(${min}ch, 1fr)`;
    const max = Math.max(min, Math.min(TEXT_MAX, longest[i] + 2));
    return max === min ? `${min}ch` : `minmax(${min}ch, min(${max}ch, ${TEXT_SHARE}%))`;
  });
}
