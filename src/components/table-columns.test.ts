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
    // The function: no cap of its own (48ch before), all the room the row has left.
    expect(w[1]).toBe('minmax(40ch, 1fr)');
    // The library path and the address: as wide as their longest content (+2), never more.
    expect(w[0]).toBe(`${'/lib/x86_64-linux-gnu/libstdc++.so.6'.length + 2}ch`);
    expect(w[2]).toBe(`${'0x55d0c5a1b2c3 (+0x4f)'.length + 2}ch`);
    expect(columnWidths([cols[0], cols[1]], [{ ...rows[0], lib: 'l'.repeat(50) }])[0]).toBe('minmax(40ch, 52ch)');
    // Two long text columns: the second longest grows to 60ch at most, the longest takes the rest.
    const two = columnWidths([cols[0], cols[1]], [{ ...rows[0], lib: 'l'.repeat(100) }]);
    expect(two).toEqual(['minmax(40ch, 60ch)', 'minmax(40ch, 1fr)']);
  });
});
