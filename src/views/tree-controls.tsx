/** Controls shared by the tree views (flame graph, treemap): metric, inverted, sort, search, breadcrumbs. */
import { fmtInt, fmtPct } from '../format/numbers.ts';
import { Seg } from '../components/Seg.tsx';
import { useView } from '../state/view.ts';
import { pathTo, type Hierarchy } from '../model/hierarchy.ts';

export function TreeToolbar({ tree, search, showSort = true }: { tree: Hierarchy; search: { matched: number; total: number }; showSort?: boolean }) {
  const { metric, setMetric, inverted, setInverted, sort, setSort, q, setSearch } = useView();
  return (
    <div className="toolbar">
      <Seg
        label="Metric"
        value={metric}
        onChange={setMetric}
        options={[{ value: 'bytes', label: 'Bytes' }, { value: 'count', label: 'Count' }, ...(tree.hasRequested ? [{ value: 'requested' as const, label: 'Requested' }] : [])]}
      />
      <label className="check">
        <input type="checkbox" checked={inverted} onChange={(e) => setInverted(e.target.checked)} /> inverted
      </label>
      {showSort && (
        <Seg label="Order" value={sort} onChange={setSort} options={[{ value: 'size', label: 'By size' }, { value: 'name', label: 'By name' }]} />
      )}
      <input className="filter" type="search" placeholder="Search names…  (/)" aria-label="Search" value={q} onChange={(e) => setSearch(e.target.value)} />
      {q.trim() && (
        <span className="small" data-testid="search-share">
          matched: {metric === 'count' ? `${fmtInt(search.matched)} allocations` : `${fmtInt(search.matched)} bytes`} ({fmtPct(search.matched, search.total)})
        </span>
      )}
    </div>
  );
}

export function Breadcrumbs({ tree, node, onPick }: { tree: Hierarchy; node: number; onPick(n: number): void }) {
  const path = pathTo(tree, node);
  return (
    <nav className="crumbs" aria-label="Breadcrumbs" data-testid="breadcrumbs">
      {path.map((n, i) => (
        <span key={n}>
          {i > 0 && <span className="sep">›</span>}
          <button className="crumb" onClick={() => onPick(n)} disabled={n === node}>
            {tree.names[tree.name[n]]}
          </button>
        </span>
      ))}
    </nav>
  );
}

/** Exact figures of the selected node (shared by the tree views). */
export function SelectionDetails({ tree, node }: { tree: Hierarchy; node: number }) {
  if (node < 0) return <div className="details muted small">Click a node to select it; its exact figures show here.</div>;
  const pct = (v: Float64Array) => fmtPct(v[node], v[0]);
  return (
    <div className="details" data-testid="selection-details">
      <div className="tt-name">{pathTo(tree, node).slice(1).map((n) => tree.names[tree.name[n]]).join(' › ') || tree.names[tree.name[0]]}</div>
      <table className="grid compact">
        <thead>
          <tr>
            <th />
            <th className="num">total</th>
            <th className="num">self</th>
            <th className="num">% of all</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>bytes</td>
            <td className="num" data-testid="sel-total-bytes">{fmtInt(tree.totalBytes[node])}</td>
            <td className="num">{fmtInt(tree.selfBytes[node])}</td>
            <td className="num">{pct(tree.totalBytes)}</td>
          </tr>
          <tr>
            <td>allocations</td>
            <td className="num" data-testid="sel-total-count">{fmtInt(tree.totalCount[node])}</td>
            <td className="num">{fmtInt(tree.selfCount[node])}</td>
            <td className="num">{pct(tree.totalCount)}</td>
          </tr>
          {tree.hasRequested && (
            <tr>
              <td>requested bytes</td>
              <td className="num">{fmtInt(tree.totalRequested[node])}</td>
              <td className="num">{fmtInt(tree.selfRequested[node])}</td>
              <td className="num">{pct(tree.totalRequested)}</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
