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
    // 30ch of content and more would take 32ch: the name gives way down to 30ch.
    expect(w[0]).toBe('minmax(30ch, 1fr)');
    // a label longer than any value, at the header's 12px (its characters 12/14 of the body's ch) with the sort arrow
    expect(columnWidths([{ id: 'm', label: 'Mean per allocation', num: true, value: () => 3 }], [{}])).toEqual([`${Math.ceil(('Mean per allocation'.length + 2) * (12 / 14)) + 3}ch`]);
    // the largest value outside a sample still fits
    const many = Array.from({ length: 10_000 }, (_, i) => ({ key: 'k', bytes: i === 7777 ? 123_456_789_012 : 1 }));
    expect(parseInt(columnWidths(COLS, many)[1])).toBeGreaterThanOrEqual('123,456,789,012'.length + 3);
  });

  it('the text column with the longest content takes the rest of the row; the others grow to their content first', () => {
    interface C {
      lib: string;
      func: string;
      site: string;
      user: number;
    }
    // A Callers row of heapgen's core by return address (the name as heap_total.txt prints it).
    const func =
      'std::__detail::_Map_base<long, std::pair<long const, std::vector<char, std::allocator<char> > >, std::allocator<std::pair<long const, std::vector<char, std::allocator<char> > > >, std::__detail::_Select1st, std::equal_to<long>, std::hash<long>, std::__detail::_Mod_range_hashing, std::__detail::_Default_ranged_hash, std::__detail::_Prime_rehash_policy, std::__detail::_Hashtable_traits<false, false, true>, true>::operator[](long const&)';
    const rows: C[] = [
      { lib: '/lib/x86_64-linux-gnu/libstdc++.so.6', func, site: '0x55d0c5a1b2c3 (+0x4f)', user: 31_250 },
      { lib: '/srv/heapgen/heapgen', func: 'main', site: '0x55d0c5a1b000 (+0x1a)', user: 96 },
    ];
    const cols: ColumnSpec<C>[] = [
      { id: 'lib', label: 'Library', value: (r) => r.lib },
      { id: 'func', label: 'Function', value: (r) => r.func },
      { id: 'site', label: 'Return address', value: (r) => r.site },
      { id: 'user', label: 'User', num: true, value: (r) => r.user },
    ];
    const w = columnWidths(cols, rows);
    // The function: no cap of its own (48ch before), all the room the row has left; short of room, down to 30ch.
    expect(w[1]).toBe('minmax(30ch, 1fr)');
    // The library path and the address: as wide as their longest content (+2) up to 25% of the row, never more; short
    // of room, down to 16ch.
    expect(w[0]).toBe(`minmax(16ch, min(${'/lib/x86_64-linux-gnu/libstdc++.so.6'.length + 2}ch, 25%))`);
    // ("Return address" on one line at the header's size, with the arrow: 17ch.)
    expect(w[2]).toBe(`minmax(17ch, min(${'0x55d0c5a1b2c3 (+0x4f)'.length + 2}ch, 25%))`);
    expect(columnWidths([cols[0], cols[1]], [{ ...rows[0], lib: 'l'.repeat(50) }])[0]).toBe('minmax(16ch, min(52ch, 25%))');
    // Two long text columns: the second longest grows to 60ch at most, the longest takes the rest.
    const two = columnWidths([cols[0], cols[1]], [{ ...rows[0], lib: 'l'.repeat(100) }]);
    expect(two).toEqual(['minmax(16ch, min(60ch, 25%))', 'minmax(30ch, 1fr)']);
    // A text column gives way no further than its label on one line (at the header's size, with the sort arrow).
    const label = 'A library path with a long label';
    expect(columnWidths([{ ...cols[0], label }, cols[1]], rows)[0]).toBe(`minmax(${Math.ceil((label.length + 2) * (12 / 14)) + 3}ch, min(38ch, 25%))`);
  });

  it("Callers by return address with the plugin's sizes gives way to fit 1280 px: its least widths add up to less than the row", () => {
    interface C {
      lib: string;
      func: string;
      site: string;
      count: number;
      user: string;
      mean: string;
    }
    // heapgen phase 1's widest rows, as the Callers view shows them with "sizes as the gdb plugin prints them".
    const rows: C[] = [
      { lib: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', func: 'std::__detail::_Map_base<long, …>::operator[](long const&)'.repeat(6), site: '0x55d0c5a1b2c3 (+0x4f)', count: 10_332, user: '1.11MB', mean: '22528.00b' },
      { lib: '/srv/heapgen/heapgen', func: 'main', site: '0x55d0c5a1b000 (+0x1a)', count: 1, user: '218.75KB', mean: '37.33b' },
    ];
    const bytes = (id: string, label: string): ColumnSpec<C> => ({ id, label, num: true, value: (r) => r.user });
    const cols: ColumnSpec<C>[] = [
      { id: 'lib', label: 'Library', value: (r) => r.lib },
      { id: 'func', label: 'Function', value: (r) => r.func },
      { id: 'site', label: 'Return address', value: (r) => r.site },
      { id: 'count', label: 'Count', num: true, value: (r) => r.count },
      bytes('user', 'User'),
      bytes('mem', 'Mem'),
      bytes('chunk', 'Chunk'),
      { id: 'mean', label: 'PerAllocMean', num: true, value: (r) => r.mean },
    ];
    const least = columnWidths(cols, rows).map((w) => Number(/^(?:minmax\()?(\d+)ch/.exec(w)![1]));
    // The table's row at 1280 px: 1280 less the page's 24px padding each side and the table's border, 1230 px; a ch
    // (a digit of the body's 14px DejaVu Sans) is 8.9 px: 138ch. The old least widths (40ch for each text column,
    // PerAllocMean's label at the body's size) came to 151ch: PerAllocMean lay past the window's edge.
    expect(least.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(138);
    expect(least.slice(0, 3)).toEqual([16, 30, 17]);
  });
});
