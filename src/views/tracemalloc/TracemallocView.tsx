/**
 * tracemalloc: CPython's `statistics(key)` of snapshot B and `B.compare_to(A, key)`,
 * exactly as CPython computes them, with `cumulative`, filters and a choice of snapshots.
 */
import { useMemo } from 'react';
import { fmtInt } from '../../format/numbers.ts';
import { usePyRows } from '../../state/derived.ts';
import { currentFilters, olderSnapshot, usePython } from '../../state/python.ts';
import { useCurrentSnapshot, useSnapshots } from '../../state/snapshots.ts';
import { useView } from '../../state/view.ts';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { Seg, type SegOption } from '../../components/Seg.tsx';
import type { KeyType } from '../../../workers/logic/python/filters-types.ts';
import type { PyRow } from '../../../workers/logic/python/views.ts';

function signed(n: number): string {
  return n > 0 ? `+${fmtInt(n)}` : n < 0 ? `−${fmtInt(-n)}` : '0';
}

/** The three keys of CPython's `statistics()` / `compare_to()`. */
export const KEY_OPTIONS: SegOption<KeyType>[] = [
  { value: 'filename', label: 'File' },
  { value: 'lineno', label: 'Line' },
  { value: 'traceback', label: 'Traceback' },
];

function columns(diff: boolean): Column<PyRow>[] {
  const cols: Column<PyRow>[] = [
    { id: 'key', label: 'Key', value: (r) => r.key },
    { id: 'size', label: 'Size (bytes)', num: true, value: (r) => r.size },
  ];
  if (diff) cols.push({ id: 'sizeDiff', label: 'Δ size', num: true, value: (r) => r.sizeDiff ?? 0, render: (r) => <span className={(r.sizeDiff ?? 0) > 0 ? 'grow' : (r.sizeDiff ?? 0) < 0 ? 'shrink' : ''}>{signed(r.sizeDiff ?? 0)}</span> });
  cols.push({ id: 'count', label: 'Count', num: true, value: (r) => r.count });
  if (diff) cols.push({ id: 'countDiff', label: 'Δ count', num: true, value: (r) => r.countDiff ?? 0, render: (r) => signed(r.countDiff ?? 0) });
  cols.push({ id: 'avg', label: 'Average (bytes)', num: true, value: (r) => (r.count ? Math.round(r.size / r.count) : 0) });
  return cols;
}

export function TracemallocView() {
  const list = useSnapshots((s) => s.list);
  const current = useCurrentSnapshot();
  const setSnapshot = useView((s) => s.setSnapshot);
  const py = usePython();
  // B is the snapshot the views show; A the one it is compared with (by default the one before it).
  const newer = current?.snap.tracemalloc ? current : null;
  const older = olderSnapshot(list, newer, py.olderKey === 'none' ? '' : py.olderKey);
  const all = list.filter((s) => s.snap.kind === 'tracemalloc');
  const mode = py.olderKey === 'none' || !older ? 'stats' : 'diff';
  const setMode = (m: 'stats' | 'diff') => py.set({ olderKey: m === 'stats' ? 'none' : '' });
  const { hideImports, patterns, domain } = py;
  const filters = useMemo(() => currentFilters({ hideImports, patterns, domain }), [hideImports, patterns, domain]);
  const showDiff = mode === 'diff' && !!older;
  const result = usePyRows(newer, showDiff ? older : null, py.key, py.cumulative, filters);
  const rows = result.value;
  const busy = result.busy;

  if (!newer) return null;
  const domains = [...new Set([...(newer.snap.tracemalloc?.domains ?? []), ...(older?.snap.tracemalloc?.domains ?? [])])].sort((x, y) => x - y);
  const cols = columns(showDiff);
  const totalSize = rows?.reduce((n, r) => n + r.size, 0) ?? 0;
  const totalDiff = rows?.reduce((n, r) => n + (r.sizeDiff ?? 0), 0) ?? 0;
  return (
    <div className="python">
      <div className="toolbar wrap">
        <Seg
          label="Mode"
          value={mode}
          onChange={setMode}
          options={[
            { value: 'stats', label: 'Statistics' },
            { value: 'diff', label: 'Compare', disabled: !older, title: older ? '' : 'Drop a second snapshot to compare' },
          ]}
        />
        <Seg label="Group by" value={py.key} onChange={(key) => py.set({ key })} options={KEY_OPTIONS} />
        <label className="check">
          <input type="checkbox" checked={py.cumulative} disabled={py.key === 'traceback'} onChange={(e) => py.set({ cumulative: e.target.checked })} /> cumulative
        </label>
        <label className="check">
          <input type="checkbox" checked={py.hideImports} onChange={(e) => py.set({ hideImports: e.target.checked })} /> hide <code>&lt;frozen importlib._bootstrap&gt;</code> and{' '}
          <code>&lt;unknown&gt;</code>
        </label>
        {domains.length > 1 && (
          <label className="check">
            domain
            <select aria-label="Domain" value={py.domain ?? ''} onChange={(e) => py.set({ domain: e.target.value === '' ? null : Number(e.target.value) })}>
              <option value="">all</option>
              {domains.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
        )}
        <input
          className="filter patterns"
          aria-label="Filename patterns"
          placeholder="fnmatch: +include, -exclude"
          title="Filename patterns (fnmatch), comma separated: +pattern (or a bare one) keeps the traces of files that match, -pattern leaves them out"
          defaultValue={py.patterns.split('\n').join(', ')}
          onBlur={(e) => py.set({ patterns: e.target.value.split(',').map((x) => x.trim()).filter(Boolean).join('\n') })}
          onKeyDown={(e) => {
            if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          }}
        />
      </div>
      <div className="toolbar">
        <label className="check">
          B (new):
          <select aria-label="Snapshot B" value={newer.snap.key} onChange={(e) => setSnapshot(e.target.value)}>
            {all.map((e) => (
              <option key={e.snap.key} value={e.snap.key}>
                {e.snap.name}
              </option>
            ))}
          </select>
        </label>
        {older && (
          <label className="check">
            A (old):
            <select aria-label="Snapshot A" value={older.snap.key} onChange={(e) => py.set({ olderKey: e.target.value })}>
              {all
                .filter((e) => e !== newer)
                .map((e) => (
                  <option key={e.snap.key} value={e.snap.key}>
                    {e.snap.name}
                  </option>
                ))}
            </select>
          </label>
        )}
        <span className="muted small" data-testid="py-summary">
          {busy
            ? 'computing…'
            : showDiff
              ? `${newer.snap.name} vs ${older!.snap.name}: ${fmtInt(totalSize)} bytes now, ${signed(totalDiff)} bytes`
              : `${newer.snap.name}: ${fmtInt(totalSize)} bytes in ${fmtInt(rows?.length ?? 0)} groups`}
        </span>
      </div>
      {rows && (
        <VirtualTable
          key={`${showDiff}-${py.key}`}
          rows={rows}
          columns={cols}
          filterText={(r) => r.key}
          initialSort={{ id: '', desc: false }}
          exportName={showDiff ? `tracemalloc-compare-${py.key}` : `tracemalloc-statistics-${py.key}`}
          testId={showDiff ? 'py-compare' : 'py-stats'}
          rowKey={(r) => r.key}
        />
      )}
      <p className="muted small">
        Rows in CPython's order ({showDiff ? 'largest |Δ size| first' : 'largest size first'}); click a column to sort. Numbers are exact bytes, as{' '}
        <code>{showDiff ? 'Snapshot.compare_to()' : 'Snapshot.statistics()'}</code> gives them.
      </p>
    </div>
  );
}
