/**
 * The Leaks view: chap's sets of a snapshot (leaked, unreferenced, anchored and how; from its core alone,
 * or from chap lists of the sets), one set grouped by class, by size class, or by allocating library →
 * function → return address when malloc_tracer footers exist, as a table, a flame graph or a treemap of
 * its bytes. A row or a cell selects its allocations, listed below; each opens in the inspector (who points
 * to it, why it is alive). The maths is `workers/logic/leaks/leak-view.ts`, run in the aggregation worker
 * through `src/state/derived.ts`; the state is `src/state/leaks.ts`.
 */
import { useMemo } from 'react';
import { fmtInt, fmtPct } from '../../format/numbers.ts';
import { useLeakAllocations, useLeakTotals, useLeakTree, type LeakFlags } from '../../state/derived.ts';
import { useInspector } from '../../state/inspector.ts';
import { leakFlagsOf, leakSetsOf, leakSourceOf, useLeaks, type LeakMode } from '../../state/leaks.ts';
import { useCurrentSnapshot } from '../../state/snapshots.ts';
import { Seg } from '../../components/Seg.tsx';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { pctValue } from '../../components/table-columns.ts';
import { humanBytes } from '../../format/units.ts';
import { FlameGraph } from '../flame/FlameGraph.tsx';
import { Treemap } from '../treemap/Treemap.tsx';
import type { TreeNav } from '../tree-common.tsx';
import { TreeToolbar } from '../tree-controls.tsx';
import { searchHierarchy } from '../../model/hierarchy.ts';
import { useView } from '../../state/view.ts';
import { bytesText } from '../tree-common.tsx';
import { SET_LABELS } from './labels.ts';
import type { SetName } from '../../../workers/logic/leaks/chap-sets.ts';
import type { LeakAllocationRow, LeakGroupRow } from '../../../workers/logic/leaks/leak-view.ts';
import { canGroup, setsText, tableDepth, type LeakGroupBy } from '../../model/leaks.ts';

/** Allocations listed for a selection (the largest first); the count says how many more there are. */
const LIMIT = 2000;

/** A table as tall as its rows, up to `max` of them (30 px each), then it scrolls. */
function rowsHeight(rows: number, max: number): string {
  return `${Math.max(1, Math.min(rows, max)) * 30 + 2}px`;
}

const BY_LABELS: Record<LeakGroupBy, string> = { class: 'Class', size: 'Size class', site: 'Allocating site' };
const MODE_LABELS: Record<LeakMode, string> = { table: 'Table', flame: 'Flame graph', treemap: 'Treemap' };

function groupColumns(total: number, requested: boolean, by: LeakGroupBy): Column<LeakGroupRow>[] {
  return [
    { id: 'key', label: by === 'site' ? 'Library › function' : by === 'size' ? 'Size class' : 'Class / signature', value: (r) => r.key },
    { id: 'count', label: 'Allocations', num: true, value: (r) => r.count },
    { id: 'bytes', label: 'Bytes', num: true, value: (r) => r.bytes },
    ...(requested ? [{ id: 'requested', label: 'Requested', num: true, value: (r: LeakGroupRow) => r.requested, title: 'Bytes the program asked for (malloc_tracer footers)' }] : []),
    { id: 'share', label: '% of bytes', num: true, format: 'pct', value: (r) => pctValue(r.bytes, total) },
  ];
}

const ALLOC_COLUMNS: Column<LeakAllocationRow>[] = [
  { id: 'address', label: 'Address', value: (r) => `0x${r.address}` },
  { id: 'size', label: 'Size', num: true, value: (r) => r.size },
  { id: 'class', label: 'Class / signature', value: (r) => r.className },
  { id: 'group', label: 'Group', value: (r) => r.path.join(' › ') },
  { id: 'sets', label: 'Sets', value: (r) => setsText(r.flags) },
];

export function LeaksView() {
  const s = useCurrentSnapshot();
  const src = leakSourceOf(s);
  const sets = useMemo(() => leakSetsOf(s), [s]);
  const st = useLeaks();
  // A core's sets are its pipeline's last stage (progress and Cancel in the snapshot bar); else the table's flags.
  const known = leakFlagsOf(s);
  const leaks = s?.leaks;
  const flags: LeakFlags | null = useMemo(
    () => (known ? { flags: known, warnings: src === 'core' ? (leaks?.warnings ?? []) : [], computed: src === 'core' ? leaks?.computed : undefined } : null),
    [known, src, leaks],
  );
  const totals = useLeakTotals(s, flags).value;
  const footers = !!s?.attribution?.detected;
  const by: LeakGroupBy = st.by && canGroup(st.by, s?.attribution) ? st.by : footers ? 'site' : 'class';
  const set = sets.includes(st.set) ? st.set : (sets[0] ?? 'leaked');
  const treeD = useLeakTree(s, flags, set, by);
  const tree = treeD.value;
  const allocs = useLeakAllocations(s, flags, set, by, st.node, LIMIT).value;
  const openInspector = useInspector((x) => x.open);
  const { node: stNode, zoom: stZoom, patch } = st;
  const nav: TreeNav = useMemo(() => ({ node: stNode, zoom: stZoom, select: (p) => patch({ node: p }), zoomTo: (p) => patch({ zoom: p }) }), [stNode, stZoom, patch]);
  const q = useView((x) => x.q);
  const metric = useView((x) => x.metric);
  const search = useMemo(() => (tree ? searchHierarchy(tree.tree, q, metric) : { matched: 0, total: 0 }), [tree, q, metric]);
  const toolbar = tree ? <TreeToolbar tree={tree.tree} search={search} showInverted={false} /> : null;
  const groupCols = useMemo(() => groupColumns(tree?.tree.totalBytes[0] ?? 0, !!tree?.tree.hasRequested, by), [tree, by]);

  if (!s || !src) return <div className="muted">This snapshot has no leak sets: they are computed from a core (and kept when an analysis of one is saved), or read from chap's lists of them (a file chap's redirect named <code>….list_leaked</code>, <code>….list_unreferenced</code>, …).</div>;
  if (!flags || !totals) {
    if (s.error && !flags) return <div className="msg error">The leak sets could not be computed: {s.error}</div>;
    return (
      <div className="muted" data-testid="leaks-progress">
        {flags
          ? 'Counting the sets…'
          : s.stage?.stage === 'leaks'
            ? 'Following references and anchors in the core…'
            : s.cancelled
              ? `${s.cancelled}: the sets are computed when it runs again (Run again, above).`
              : 'Following references and anchors in the core once classes and footers are done…'}
      </div>
    );
  }
  const used = totals.used.bytes;
  // The headline sets, each a card that shows its allocations.
  const stat = (name: SetName, label: string) =>
    sets.includes(name) && (
      <button
        className={`stat stat-button ${set === name ? 'on' : ''}`}
        data-testid={`leaks-${name}`}
        onClick={() => st.patch({ set: name })}
        aria-pressed={set === name}
        title={`Show the ${label.toLowerCase()} allocations`}
      >
        <div className="stat-label">{label}</div>
        <div className="stat-value" title={`${fmtInt(totals[name].bytes)} bytes`}>
          {humanBytes(totals[name].bytes)}
        </div>
        <div className="stat-sub">
          <span data-testid={`leaks-${name}-bytes`}>{fmtInt(totals[name].bytes)}</span> bytes · <span data-testid={`leaks-${name}-count`}>{fmtInt(totals[name].count)}</span> allocation{totals[name].count === 1 ? '' : 's'} ·{' '}
          <span title="Share of the used allocations' bytes">{fmtPct(totals[name].bytes, used)} of used</span>
        </div>
      </button>
    );
  const selected = st.node.length ? st.node.join(' › ') : null;
  return (
    <div className="leaks" data-testid="leaks-view">
      <section className="stats">
        {stat('leaked', 'Leaked')}
        {stat('unreferenced', 'Unreferenced')}
        {stat('anchored', 'Anchored')}
      </section>
      {flags.warnings.map((w) => (
        <p key={w} className="msg warning small">
          {w}
        </p>
      ))}
      <div className="toolbar wrap">
        <label className="check">
          Set
          <select aria-label="Set" value={set} onChange={(e) => st.patch({ set: e.target.value as SetName })} data-testid="leaks-set">
            {sets.map((n) => (
              <option key={n} value={n}>
                {SET_LABELS[n] ?? n} ({fmtInt(totals[n].count)})
              </option>
            ))}
          </select>
        </label>
        <Seg
          label="Group by"
          value={by}
          onChange={(b) => st.patch({ by: b })}
          options={(['class', 'size', 'site'] as const).map((b) => ({ value: b, label: BY_LABELS[b], disabled: !canGroup(b, s.attribution), title: b === 'site' && !footers ? 'Needs malloc_tracer footers in the core' : undefined }))}
        />
        <Seg label="Leaks view" value={st.mode} onChange={(mode) => st.patch({ mode })} options={(['table', 'flame', 'treemap'] as const).map((m) => ({ value: m, label: MODE_LABELS[m] }))} />
      </div>
      {treeD.error && <div className="msg error">{treeD.error}</div>}
      {!tree && !treeD.error && <div className="muted">Grouping the {SET_LABELS[set]?.toLowerCase() ?? set} allocations…</div>}
      {tree && tree.tree.totalCount[0] === 0 && (
        <p className="muted" data-testid="leaks-empty">
          No allocation is in this set.
        </p>
      )}
      {tree && tree.tree.totalCount[0] > 0 && st.mode === 'table' && (
        <VirtualTable
          key={`${set}-${by}`}
          rows={tree.rows}
          columns={groupCols}
          filterText={(r) => r.key}
          initialSort={{ id: 'bytes', desc: true }}
          exportName={`leaks-${set}-by-${by}`}
          testId="leak-groups"
          rowKey={(r) => r.key}
          selectedKey={selected && st.node.length <= tableDepth(by) ? selected : null}
          onSelect={(r) => st.patch({ node: selected === r.key ? [] : r.path })}
          height={rowsHeight(tree.rows.length, 10)}
          note={`${SET_LABELS[set] ?? set} allocations by ${BY_LABELS[by].toLowerCase()} · click a row to list its allocations below`}
        />
      )}
      {tree && tree.tree.totalCount[0] > 0 && st.mode === 'flame' && <FlameGraph tree={tree.tree} nav={nav} toolbar={toolbar} />}
      {tree && tree.tree.totalCount[0] > 0 && st.mode === 'treemap' && <Treemap tree={tree.tree} nav={nav} toolbar={toolbar} />}
      {tree && tree.tree.totalCount[0] > 0 && (
        <section className="leak-allocs" data-testid="leak-allocs-section">
          <h3 className="small">
            {allocs ? (
              <>
                <span data-testid="leak-allocs-total">{fmtInt(allocs.total)}</span> {SET_LABELS[set]?.toLowerCase() ?? set} allocation{allocs.total === 1 ? '' : 's'}
                {st.node.length ? (
                  <>
                    {' '}
                    in <strong>{st.node.join(' › ')}</strong>
                  </>
                ) : null}{' '}
                · {bytesText(allocs.bytes)}
                {allocs.total > allocs.rows.length ? ` · the ${fmtInt(allocs.rows.length)} largest shown` : ''} · click one to inspect it (who points to it, why it is alive)
              </>
            ) : (
              'Listing the allocations…'
            )}
            {st.node.length > 0 && (
              <button className="small-btn" onClick={() => st.patch({ node: [] })}>
                Show all
              </button>
            )}
          </h3>
          {allocs && (
            <VirtualTable
              key={`${set}-${by}`}
              rows={allocs.rows}
              columns={ALLOC_COLUMNS}
              filterText={(r) => `0x${r.address} ${r.className} ${r.path.join(' ')}`}
              initialSort={{ id: 'size', desc: true }}
              exportName={`leaks-${set}-allocations`}
              testId="leak-allocs"
              rowKey={(r) => String(r.row)}
              onSelect={(r) => openInspector({ snapshot: s.snap.key, row: r.row })}
              height={rowsHeight(allocs.rows.length, 14)}
            />
          )}
        </section>
      )}
      {flags.computed && (
        <p className="muted small" data-testid="leaks-timing">
          From the core alone, as chap computes them: {fmtInt(flags.computed.edges)} reference{flags.computed.edges === 1 ? '' : 's'} between allocations; the core worker took {fmtMs(flags.computed.claims + flags.computed.graph + flags.computed.anchors + flags.computed.sets)}{' '}
          (allocator claims and stacks {fmtMs(flags.computed.claims)}, reference graph {fmtMs(flags.computed.graph)}, anchors {fmtMs(flags.computed.anchors)}, sets {fmtMs(flags.computed.sets)}).
        </p>
      )}
    </div>
  );
}

function fmtMs(ms: number): string {
  return `${fmtInt(Math.round(ms))} ms`;
}
