/**
 * A virtualized table: sort by any column, filter text, CSV/JSON export of the
 * rows shown (after filter and sort), optional row selection.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { fmtInt } from '../format/numbers.ts';
import { download, toCsv, toJson } from './export.ts';

export interface Column<R> {
  id: string;
  label: string;
  num?: boolean;
  /** Sort value, and export value unless `exportValue` is given. */
  value(r: R): number | string;
  /** What CSV / JSON export writes when it differs from the sort value (it equals what the cell shows). */
  exportValue?(r: R): number | string;
  /** Cell content; defaults to the value (integers with separators). */
  render?(r: R): ReactNode;
  width?: string;
}

export interface VirtualTableProps<R> {
  rows: R[];
  columns: Column<R>[];
  /** Text searched by the filter box. */
  filterText(r: R): string;
  initialSort?: { id: string; desc: boolean };
  exportName: string;
  testId: string;
  rowKey(r: R, i: number): string;
  selectedKey?: string | null;
  onSelect?(r: R): void;
  height?: string;
  toolbar?: ReactNode;
}

const ROW_H = 30;

export function VirtualTable<R>(p: VirtualTableProps<R>) {
  const [sort, setSort] = useState(p.initialSort ?? { id: p.columns[0].id, desc: false });
  const [filter, setFilter] = useState('');
  const { rows, columns, filterText } = p;
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const kept = f ? rows.filter((r) => filterText(r).toLowerCase().includes(f)) : rows.slice();
    const col = columns.find((c) => c.id === sort.id);
    if (col) {
      const dir = sort.desc ? -1 : 1;
      kept.sort((a, b) => {
        const va = col.value(a);
        const vb = col.value(b);
        return (typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb))) * dir;
      });
    }
    return kept;
  }, [rows, columns, filterText, filter, sort]);
  const scroller = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_H, overscan: 12 });
  const template = p.columns.map((c) => c.width ?? (c.num ? 'minmax(90px, 1fr)' : 'minmax(200px, 3fr)')).join(' ');
  const exportCols = p.columns.map((c) => ({ label: c.label, value: c.exportValue ?? c.value }));
  return (
    <div className="group-table">
      <div className="toolbar">
        {p.toolbar}
        <input className="filter" type="search" placeholder="Filter rows…" aria-label="Filter rows" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="muted small" data-testid={`${p.testId}-count`}>
          {fmtInt(shown.length)} of {fmtInt(p.rows.length)} rows
        </span>
        <span className="spacer" />
        <button className="small-btn" onClick={() => download(`${p.exportName}.csv`, toCsv(shown, exportCols), 'text/csv')}>
          CSV
        </button>
        <button className="small-btn" onClick={() => download(`${p.exportName}.json`, toJson(shown, exportCols), 'application/json')}>
          JSON
        </button>
      </div>
      <div className="vtable" role="table" data-testid={p.testId}>
        <div className="vrow vhead" role="row" style={{ gridTemplateColumns: template }}>
          {p.columns.map((c) => (
            <div
              key={c.id}
              role="columnheader"
              className={`vcell ${c.num ? 'num' : 'name'} sortable`}
              aria-sort={sort.id === c.id ? (sort.desc ? 'descending' : 'ascending') : 'none'}
              onClick={() => setSort((s) => ({ id: c.id, desc: s.id === c.id ? !s.desc : !!c.num }))}
            >
              {c.label}
              {sort.id === c.id ? (sort.desc ? ' ▼' : ' ▲') : ''}
            </div>
          ))}
        </div>
        <div className="vbody" ref={scroller} style={p.height ? { height: p.height } : undefined}>
          <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
            {virt.getVirtualItems().map((vi) => {
              const r = shown[vi.index];
              const key = p.rowKey(r, vi.index);
              const sel = p.selectedKey === key;
              return (
                <div
                  key={vi.key}
                  role="row"
                  className={`vrow ${sel ? 'selected' : ''}`}
                  data-testid={`${p.testId}-row`}
                  aria-selected={sel}
                  data-clickable={p.onSelect ? true : undefined}
                  onClick={() => p.onSelect?.(r)}
                  style={{ gridTemplateColumns: template, position: 'absolute', top: 0, left: 0, right: 0, height: ROW_H, transform: `translateY(${vi.start}px)` }}
                >
                  {p.columns.map((c) => {
                    const v = c.value(r);
                    return (
                      <div key={c.id} role="cell" className={`vcell ${c.num ? 'num' : 'name'}`} title={c.num ? undefined : String(v)}>
                        {c.render ? c.render(r) : typeof v === 'number' ? fmtInt(v) : v}
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
