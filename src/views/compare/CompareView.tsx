/**
 * Compare two snapshots A (before) and B (after): a diff table (deltas,
 * new / gone / grown / shrunk filters, largest |Δ| first), a differential flame
 * graph and treemap (width by the larger side, red = grown, blue = shrunk,
 * absolute or normalised to each side's total, a colour-blind-safe palette),
 * and A and B side by side with zoom, selection and search in step.
 * Sites are matched by library + function + offset (or file:line, or class),
 * never by raw address.
 */
import { useMemo } from 'react';
import { DIFF_STATUS_KEYS, type DiffRow, type DiffStatusKey } from '../../model/diff.ts';
import { fmtInt, fmtPct } from '../../format/numbers.ts';
import { useCompare, useCompareSides, type CompareMode } from '../../state/compare.ts';
import { useBuildChanges, useCompareData } from '../../state/derived.ts';
import { currentFilters, usePython } from '../../state/python.ts';
import { useThemeName, useView } from '../../state/view.ts';
import { GROWTH_STEPS, growthColor, growthSwatches, textColorOn } from '../palette.ts';
import { bytesText } from '../tree-common.tsx';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { FlameGraph } from '../flame/FlameGraph.tsx';
import { Treemap } from '../treemap/Treemap.tsx';
import { TreeToolbar } from '../tree-controls.tsx';
import { Seg } from '../../components/Seg.tsx';
import { KEY_OPTIONS } from '../tracemalloc/TracemallocView.tsx';
import { searchHierarchy } from '../../model/hierarchy.ts';
import type { CompareBy } from '../../../workers/logic/diff/compare.ts';
import type { SetName } from '../../../workers/logic/leaks/chap-sets.ts';
import { SET_LABELS } from '../leaks/labels.ts';

/** The chap sets Compare can restrict both sides to. */
/** chap's sets Compare can restrict both sides to: what leaked, and what is still anchored. */
const COMPARE_SETS: SetName[] = ['leaked', 'unreferenced', 'anchored'];

const BY_LABELS: Record<CompareBy, string> = { library: 'Library', function: 'Function', site: 'Return address', class: 'Class', sizeclass: 'Size class' };
const MODE_LABELS: Record<CompareMode, string> = { table: 'Table', flame: 'Flame graph', treemap: 'Treemap', side: 'Side by side' };
const STATUS_LABELS: Record<DiffStatusKey, string> = { same: 'same', grown: 'grown', shrunk: 'shrunk', new: 'new', gone: 'gone' };

export function signed(n: number): string {
  return n > 0 ? `+${fmtInt(n)}` : n < 0 ? `−${fmtInt(-n)}` : '0';
}

/** The diff scale's legend: one swatch per step, drawn with exactly the graph's colours. */
function GrowthLegend({ colorblind }: { colorblind: boolean }) {
  const theme = useThemeName();
  const sw = growthSwatches(colorblind, theme);
  return (
    <span className="growth-legend small" data-testid="growth-legend" aria-label="Growth colours (B − A) / max(A, B)">
      <span className="muted">shrunk</span>
      {GROWTH_STEPS.map((st, i) => (
        <i key={i} className="gsw" data-color={sw[i]} title={st.label} style={{ background: sw[i], color: textColorOn(sw[i]) }}>
          {i === 0 ? 'gone' : i === 4 ? 'same' : i === 8 ? 'new' : ''}
        </i>
      ))}
      <span className="muted">grown</span>
    </span>
  );
}

const COLUMNS: Column<DiffRow>[] = [
  { id: 'key', label: 'Key', value: (r) => r.key, text: (r) => (r.self ? `${r.key} (self)` : r.key) },
  { id: 'aBytes', label: 'A bytes', num: true, value: (r) => r.aBytes },
  { id: 'bBytes', label: 'B bytes', num: true, value: (r) => r.bBytes },
  { id: 'dBytes', label: 'Δ bytes', num: true, value: (r) => r.dBytes, render: (r) => <span className={r.dBytes > 0 ? 'grow' : r.dBytes < 0 ? 'shrink' : ''}>{signed(r.dBytes)}</span>, title: 'B − A' },
  { id: 'aCount', label: 'A count', num: true, value: (r) => r.aCount },
  { id: 'bCount', label: 'B count', num: true, value: (r) => r.bCount },
  { id: 'dCount', label: 'Δ count', num: true, value: (r) => r.dCount, render: (r) => signed(r.dCount) },
  { id: 'status', label: 'Status', value: (r) => r.status, text: (r) => STATUS_LABELS[r.status], width: '9ch', render: (r) => <span className={`status ${r.status}`}>{STATUS_LABELS[r.status]}</span> },
];

export function CompareView() {
  const cmp = useCompare();
  const py = usePython();
  const metric = useView((s) => s.metric);
  const selected = useView((s) => s.node);
  const select = useView((s) => s.select);
  const { options, a, b } = useCompareSides();
  const setSides = useView((s) => s.setCompareSides);
  const theme = useThemeName();
  const footers = !!a?.hasFooters && !!b?.hasFooters;
  const python = a?.kind === 'tracemalloc';
  const by: CompareBy = cmp.by && (footers || cmp.by === 'class' || cmp.by === 'sizeclass') ? cmp.by : footers ? 'function' : 'class';
  const { hideImports, patterns, domain } = py;
  const filters = useMemo(() => currentFilters({ hideImports, patterns, domain }), [hideImports, patterns, domain]);
  // Leaked / unreferenced only: when both sides know the set (their cores compute it, or chap lists of it).
  const leakSets = COMPARE_SETS.filter((n) => !!a?.leakSets.includes(n) && !!b?.leakSets.includes(n));
  const leakSet = cmp.leakSet && leakSets.includes(cmp.leakSet) ? cmp.leakSet : null;
  const compared = useCompareData(a, b, by, metric, cmp.normalised, py.key, filters, leakSet);
  const data = compared.value;
  const error = compared.error;
  const builds = useBuildChanges(a, b).value ?? [];

  const q = useView((s) => s.q);
  const searchB = useMemo(() => (data ? searchHierarchy(data.b, q, metric) : { matched: 0, total: 0 }), [data, q, metric]);
  const rows = useMemo(() => (data ? (cmp.statuses.length ? data.rows.filter((r) => cmp.statuses.includes(r.status)) : data.rows) : []), [data, cmp.statuses]);
  const colorOf = useMemo(() => (data ? (n: number) => growthColor(data.growth[n], cmp.colorblind, theme) : undefined), [data, cmp.colorblind, theme]);
  // Side by side: both sides in the union's order, so the same block sits in the same order.
  const sides = data?.sides ?? null;
  const extra = useMemo(() => {
    if (!data) return undefined;
    const d = data.diff;
    const Extra = (n: number) => (
      <div className="diff-tt">
        <div>
          A: {bytesText(d.a.totalBytes[n])}, {fmtInt(d.a.totalCount[n])} allocations
        </div>
        <div>
          B: {bytesText(d.b.totalBytes[n])}, {fmtInt(d.b.totalCount[n])} allocations
        </div>
        <div>
          Δ: <strong>{signed(d.b.totalBytes[n] - d.a.totalBytes[n])} bytes</strong>, {signed(d.b.totalCount[n] - d.a.totalCount[n])} allocations ({DIFF_STATUS_KEYS[d.status[n]]})
        </div>
      </div>
    );
    return Extra;
  }, [data]);

  if (!a || !b) {
    return (
      <div className="muted" data-testid="compare-empty">
        Drop two snapshots of the same kind (two cores, two chap lists or two tracemalloc snapshots) to compare them.
      </div>
    );
  }
  const sideSelect = (which: 'a' | 'b', value: string, label: string) => (
    <label className="check">
      {label}
      <select aria-label={`Snapshot ${label}`} value={value} onChange={(e) => (which === 'a' ? setSides(e.target.value, b!.id) : setSides(a!.id, e.target.value))}>
        {options
          .filter((o) => o.kind === a.kind)
          .map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
      </select>
    </label>
  );
  const d = data?.diff;
  return (
    <div className="compare">
      <div className="toolbar wrap">
        {sideSelect('a', a.id, 'A (before)')}
        <button className="small-btn" title="Swap A and B" aria-label="Swap A and B" onClick={() => setSides(b.id, a.id)}>
          ⇄
        </button>
        {sideSelect('b', b.id, 'B (after)')}
        {!python && (
          <Seg
            label="Compare by"
            value={by}
            onChange={(k) => cmp.set({ by: k })}
            options={(['library', 'function', 'site', 'class', 'sizeclass'] as const).map((k) => ({ value: k, label: BY_LABELS[k], disabled: !footers && k !== 'class' && k !== 'sizeclass' }))}
          />
        )}
        {python && <Seg label="Compare by" value={py.key} onChange={(key) => py.set({ key })} options={KEY_OPTIONS} />}
        {leakSets.length > 0 && (
          <Seg<SetName | 'all'>
            label="Compare allocations"
            value={leakSet ?? 'all'}
            onChange={(v) => cmp.set({ leakSet: v === 'all' ? null : v })}
            options={[{ value: 'all', label: 'All used' }, ...leakSets.map((n) => ({ value: n, label: SET_LABELS[n] ?? n, title: `Only the ${n} allocations of each snapshot (chap's set, from its core)` }))]}
          />
        )}
      </div>
      <div className="toolbar wrap">
        <Seg label="Compare view" value={cmp.mode} onChange={(mode) => cmp.set({ mode })} options={(['table', 'flame', 'treemap', 'side'] as const).map((m) => ({ value: m, label: MODE_LABELS[m] }))} />
        <label className="check">
          <input type="checkbox" checked={cmp.normalised} onChange={(e) => cmp.set({ normalised: e.target.checked })} /> normalised to totals
        </label>
        <label className="check">
          <input type="checkbox" checked={cmp.colorblind} onChange={(e) => cmp.set({ colorblind: e.target.checked })} /> colour-blind-safe colours
        </label>
        {cmp.mode !== 'table' && cmp.mode !== 'side' && <GrowthLegend colorblind={cmp.colorblind} />}
      </div>
      {builds.map((m) => (
        <div key={m} className="msg warning" data-testid="build-change">
          ⚠ {m}
        </div>
      ))}
      {error && <div className="msg error">{error}</div>}
      {d && (
        <div className="small" data-testid="compare-summary">
          A {a.label}: {fmtInt(d.a.totalBytes[0])} bytes in {fmtInt(d.a.totalCount[0])} allocations · B {b.label}: {fmtInt(d.b.totalBytes[0])} bytes in {fmtInt(d.b.totalCount[0])} allocations · Δ{' '}
          <strong>{signed(d.b.totalBytes[0] - d.a.totalBytes[0])} bytes</strong> ({fmtPct(d.b.totalBytes[0] - d.a.totalBytes[0], d.a.totalBytes[0])}), {signed(d.b.totalCount[0] - d.a.totalCount[0])} allocations
        </div>
      )}
      {leakSet && (
        <div className="small muted" data-testid="compare-set-note">
          Only the {SET_LABELS[leakSet]?.toLowerCase() ?? leakSet} allocations of each snapshot (chap's set): which {by === 'class' ? 'class' : by === 'sizeclass' ? 'size class' : 'site'} {leakSet === 'anchored' ? 'holds more anchored memory' : 'leaks more'} in B than in A.
        </div>
      )}
      {!data && !error && <div className="muted">Comparing…</div>}
      {data && cmp.mode === 'table' && (
        <VirtualTable
          key={`${by}-${py.key}-${leakSet ?? ''}`}
          rows={rows}
          columns={COLUMNS}
          filterText={(r) => r.key}
          initialSort={{ id: '', desc: false }}
          exportName={`compare-${python ? py.key : by}`}
          testId="diff"
          rowKey={(r) => r.key + (r.self ? ' (self)' : '')}
          selectionText={(r) => r.key + (r.self ? ' (self)' : '')}
          selectedKey={selected.join(' › ') || null}
          onSelect={(r) => select(r.path)}
          toolbar={
            <div className="seg" role="group" aria-label="Status filter">
              {(['new', 'gone', 'grown', 'shrunk'] as const).map((st) => (
                <button
                  key={st}
                  className={cmp.statuses.includes(st) ? 'on' : ''}
                  onClick={() => cmp.set({ statuses: cmp.statuses.includes(st) ? cmp.statuses.filter((x) => x !== st) : [...cmp.statuses, st] })}
                >
                  {STATUS_LABELS[st]}
                </button>
              ))}
            </div>
          }
        />
      )}
      {data && cmp.mode === 'flame' && <FlameGraph tree={data.layout} colorOf={colorOf} extra={extra} />}
      {data && cmp.mode === 'treemap' && <Treemap tree={data.layout} colorOf={colorOf} extra={extra} />}
      {data && cmp.mode === 'side' && <TreeToolbar tree={data.b} search={searchB} />}
      {sides && cmp.mode === 'side' && (
        <div className="side-by-side">
          <FlameGraph tree={sides.a} testId="flame-a" toolbar={false} title={<h3 className="side-title">A · {a.label}</h3>} />
          <FlameGraph tree={sides.b} testId="flame-b" toolbar={false} keys={false} title={<h3 className="side-title">B · {b.label}</h3>} />
        </div>
      )}
      <p className="muted small">
        Rows are {python ? "CPython's compare_to rows" : `matched by ${by === 'class' ? 'class or signature' : by === 'sizeclass' ? 'size class' : 'library, function and offset in the function'}`}, never by raw
        address; Δ = B − A. Click a row to select it in the graphs.
      </p>
    </div>
  );
}
