import { describe, expect, it } from 'vitest';
import { cellText, cellValue, columnWidths, pctValue, type ColumnSpec } from './table-columns.ts';
import { toCsv } from './export.ts';

interface R {
  key: string;
  bytes: number;
}
const COLS: ColumnSpec<R>[] = [
  { id: 'key', label: 'Group', value: (r) => r.key },
  { id: 'bytes', label: 'In-use bytes', num: true, value: (r) => r.bytes },
  { id: 'share', label: '% of bytes', num: true, format: 'pct', value: (r) => r.bytes, text: (r) => pctValue(r.bytes, 3413480) },
];

describe('table columns', () => {
  it('a cell shows and exports the same value: the share column holds percentages, not bytes', () => {
    const r = { key: 'widgets::Rect', bytes: 144000 };
    expect(cellText(COLS[1], r)).toBe('144,000');
    expect(cellText(COLS[2], r)).toBe('4.2%');
    expect(cellValue(COLS[2], r)).toBe(4.2);
    const csv = toCsv([r], COLS.map((c) => ({ label: c.label, value: (x: R) => cellValue(c, x) })));
    expect(csv).toBe('Group,In-use bytes,% of bytes\nwidgets::Rect,144000,4.2\n');
    expect(pctValue(1, 0)).toBeNaN();
  });

  it('a share too small for one decimal shows and exports its two significant digits, and 0 stays 0.0%', () => {
    const tiny = { key: 'x', bytes: 41 };
    expect(cellValue(COLS[2], tiny)).toBe(0.0012);
    expect(cellText(COLS[2], tiny)).toBe('0.0012%');
    expect(cellText(COLS[2], { key: 'z', bytes: 0 })).toBe('0.0%');
    expect(cellText(COLS[2], { key: 'h', bytes: 1707 })).toBe('0.1%');
  });

  it('number columns fit their longest value and label; text columns take the rest', () => {
    const rows = [
      { key: 'a', bytes: 1_159_000_123 },
      { key: 'b'.repeat(30), bytes: 5 },
    ];
    const w = columnWidths(COLS, rows);
    expect(w[1]).toBe(`${'1,159,000,123'.length + 1 + 3}ch`);
    expect(w[0]).toBe('minmax(32ch, 1fr)');
    // a label longer than any value
    expect(columnWidths([{ id: 'm', label: 'Mean per allocation', num: true, value: () => 3 }], [{}])).toEqual([`${'Mean per allocation'.length + 2 + 3}ch`]);
    // the largest value outside a sample still fits
    const many = Array.from({ length: 10_000 }, (_, i) => ({ key: 'k', bytes: i === 7777 ? 123_456_789_012 : 1 }));
    expect(parseInt(columnWidths(COLS, many)[1])).toBeGreaterThanOrEqual('123,456,789,012'.length + 3);
  });
});
