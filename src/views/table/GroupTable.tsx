/** Sortable, filterable, virtualized table of allocations grouped by signature/class or by size class. */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { fmtInt, fmtPct } from '../../format/numbers.ts';
import { useView } from '../../state/view.ts';
import type { AnalysisSummary } from '../../../workers/aggregate/summary.ts';
import { sortRows, type SortColumn } from './sort.ts';

type Grouping = 'type' | 'sizeClass';

const COLUMNS: { id: SortColumn; label: string; num: boolean }[] = [
  { id: 'key', label: 'Group', num: false },
  { id: 'usedCount', label: 'In use', num: true },
  { id: 'usedBytes', label: 'In-use bytes', num: true },
  { id: 'freeCount', label: 'Free', num: true },
  { id: 'freeBytes', label: 'Free bytes', num: true },
  { id: 'totalBytes', label: '% of bytes', num: true },
  { id: 'maxSize', label: 'Largest', num: true },
];

const ROW_H = 30;

export function GroupTable({ summary }: { summary: AnalysisSummary }) {
  const inverted = useView((s) => s.inverted);
  const selected = useView((s) => s.node);
  const select = useView((s) => s.select);
  const [grouping, setGrouping] = useState<Grouping>(inverted ? 'sizeClass' : 'type');
  // The tree's first level is what this grouping groups by: a row click selects that node everywhere.
  const linked = (grouping === 'type') !== inverted;
  const [sort, setSort] = useState<{ c: SortColumn; desc: boolean }>({ c: 'usedBytes', desc: true });
  const [filter, setFilter] = useState('');
  const source = grouping === 'type' ? summary.byType : summary.bySizeClass;
  const rows = useMemo(() => sortRows(source, sort.c, sort.desc, filter), [source, sort, filter]);
  const all = summary.totals.inUse.bytes + summary.totals.free.bytes;
  const scroller = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_H, overscan: 12 });
  const onSort = (c: SortColumn) => setSort((s) => ({ c, desc: s.c === c ? !s.desc : c !== 'key' }));
  return (
    <div className="group-table">
      <div className="toolbar">
        <div className="seg" role="group" aria-label="Group by">
          <button className={grouping === 'type' ? 'on' : ''} onClick={() => setGrouping('type')}>
            By signature / class
          </button>
          <button className={grouping === 'sizeClass' ? 'on' : ''} onClick={() => setGrouping('sizeClass')}>
            By size class
          </button>
        </div>
        <input
          className="filter"
          type="search"
          placeholder="Filter groups…"
          aria-label="Filter groups"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <span className="muted small" data-testid="group-count">
          {fmtInt(rows.length)} of {fmtInt(source.length)} groups
        </span>
      </div>
      <div className="vtable" role="table" aria-label="Grouped allocations" data-testid="group-table">
        <div className="vrow vhead" role="row">
          {COLUMNS.map((col) => (
            <div
              key={col.id}
              role="columnheader"
              className={`vcell ${col.num ? 'num' : 'name'} sortable`}
              aria-sort={sort.c === col.id ? (sort.desc ? 'descending' : 'ascending') : 'none'}
              onClick={() => onSort(col.id)}
            >
              {col.label}
              {sort.c === col.id ? (sort.desc ? ' ▼' : ' ▲') : ''}
            </div>
          ))}
        </div>
        <div className="vbody" ref={scroller}>
          <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
            {virt.getVirtualItems().map((vi) => {
              const r = rows[vi.index];
              return (
                <div
                  key={vi.key}
                  role="row"
                  className={`vrow ${selected.includes(r.key) ? 'selected' : ''}`}
                  data-testid="group-row"
                  data-clickable={linked || undefined}
                  aria-selected={selected.includes(r.key)}
                  onClick={() => linked && select([r.key])}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_H, transform: `translateY(${vi.start}px)` }}
                >
                  <div role="cell" className="vcell name" title={r.key}>
                    {r.key}
                  </div>
                  <div role="cell" className="vcell num">
                    {fmtInt(r.usedCount)}
                  </div>
                  <div role="cell" className="vcell num">
                    {fmtInt(r.usedBytes)}
                  </div>
                  <div role="cell" className="vcell num">
                    {fmtInt(r.freeCount)}
                  </div>
                  <div role="cell" className="vcell num">
                    {fmtInt(r.freeBytes)}
                  </div>
                  <div role="cell" className="vcell num">
                    {fmtPct(r.usedBytes + r.freeBytes, all)}
                  </div>
                  <div role="cell" className="vcell num">
                    {fmtInt(r.maxSize)}
                  </div>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
