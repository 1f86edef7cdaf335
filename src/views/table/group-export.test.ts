import { expect, it } from 'vitest';
import { toCsv } from '../../components/export.ts';
import { cellValue } from '../../components/table-columns.ts';
import { groupColumns } from './GroupTable.tsx';

it('the grouped table exports what it shows: the group label and the percentage of bytes, not sort keys', () => {
  const rows = [
    { key: '40 B (0x28)', order: 40, usedCount: 3, usedBytes: 120, freeCount: 1, freeBytes: 40, maxSize: 40 },
    { key: 'widgets::Rect', order: 0, usedCount: 1, usedBytes: 72, freeCount: 0, freeBytes: 0, maxSize: 72 },
  ];
  const cols = groupColumns(1000).map((c) => ({ label: c.label, value: (r: (typeof rows)[number]) => cellValue(c, r) }));
  expect(toCsv(rows, cols)).toBe('Group,In use,In-use bytes,Free,Free bytes,% of bytes,Largest\n40 B (0x28),3,120,1,40,16,40\nwidgets::Rect,1,72,0,0,7.2,72\n');
});
