/**
 * A virtualized table: sort by any column, filter text, CSV/JSON export of the
 * rows shown (after filter and sort) with exactly the values the cells show,
 * columns sized to their content (numbers never cut; a long name cut by the
 * column's width, with an ellipsis, whole in its title, its text and a copy),
 * as tall as its rows up to the page, optional row selection (the selected
 * row's whole text under the table, with Copy), an optional note under the
 * toolbar. See src/views/README.md.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { fmtInt } from '../format/numbers.ts';
import { download, toCsv, toJson } from './export.ts';
import { cellText, cellValue, columnWidths, type ColumnSpec } from './table-columns.ts';

export interface Column<R> extends ColumnSpec<R> {
  /** Cell content (styling) of the shown value; it must show `text` (or `value`), which is what export writes. */
  render?(r: R): ReactNode;
  /** Header tooltip: what the column means. */
  title?: string;
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
  /** The body's largest height (CSS; default: the page's height less the chrome above); fewer rows take less. */
  height?: string;
  /** The selected row's whole text, shown under the table and copied by its Copy button (default: its text cells, ` · ` between). */
  selectionText?(r: R): string;
  toolbar?: ReactNode;
  /** A line under the toolbar (what the columns mean, why a click does what it does). */
  note?: ReactNode;
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
  const template = useMemo(() => columnWidths(p.columns, p.rows).join(' '), [p.columns, p.rows]);
  const exportCols = p.columns.map((c) => ({ label: c.label, value: (r: R) => cellValue(c, r) }));
  const { rowKey, selectedKey, selectionText } = p;
  const selectedRow = useMemo(() => (selectedKey == null ? undefined : rows.find((r, i) => rowKey(r, i) === selectedKey)), [rows, rowKey, selectedKey]);
  const selection =
    selectedRow === undefined
      ? null
      : selectionText
        ? selectionText(selectedRow)
        : columns
            .filter((c) => !c.num)
            .map((c) => cellText(c, selectedRow))
            .filter((t) => t !== '')
            .join(' · ');
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
      {p.note && <p className="muted small table-note">{p.note}</p>}
      <div className="vtable" role="table" data-testid={p.testId}>
        <div className="vinner">
        <div className="vrow vhead" role="row" style={{ gridTemplateColumns: template }}>
          {p.columns.map((c) => (
            <div
              key={c.id}
              role="columnheader"
              className={`vcell ${c.num ? 'num' : 'name'} sortable`}
              title={c.title}
              aria-sort={sort.id === c.id ? (sort.desc ? 'descending' : 'ascending') : 'none'}
              onClick={() => setSort((s) => ({ id: c.id, desc: s.id === c.id ? !s.desc : !!c.num }))}
            >
              {c.label}
              {sort.id === c.id ? (sort.desc ? ' ▼' : ' ▲') : ''}
            </div>
          ))}
        </div>
        <div className="vbody" ref={scroller} style={p.height ? { maxHeight: p.height } : undefined}>
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
                    const text = cellText(c, r);
                    return (
                      <div key={c.id} role="cell" className={`vcell ${c.num ? 'num' : 'name'}`} title={c.num ? undefined : text}>
                        {c.render ? c.render(r) : text}
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
        </div>
        </div>
        {shown.length === 0 && <div className="vempty muted small">{rows.length ? 'No row matches the filter.' : 'No rows.'}</div>}
      </div>
      {selection !== null && (
        <div className="table-selection small" data-testid={`${p.testId}-selection`}>
          <span className="muted">Selected:</span> <span className="table-selection-text mono">{selection}</span>
          <button className="small-btn" onClick={() => void navigator.clipboard?.writeText(selection)} aria-label="Copy the selected row's name">
            Copy
          </button>
        </div>
      )}
    </div>
  );
}
