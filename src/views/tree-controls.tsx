/**
 * Controls shared by the tree views (flame graph, treemap): metric, inverted,
 * sort, search, breadcrumbs, the selected node's figures, and the transform
 * bar (Firefox Profiler's transforms: each one a chip, ✕ drops it and those after).
 */
import { useState, type ReactNode } from 'react';
import { fmtInt, fmtPct } from '../format/numbers.ts';
import { humanBytes } from '../format/units.ts';
import { Seg } from '../components/Seg.tsx';
import { useView } from '../state/view.ts';
import { pathTo, type Hierarchy } from '../model/hierarchy.ts';
import { describeTransform, type Transform } from '../model/transforms.ts';

export function TreeToolbar({
  tree,
  search,
  showSort = true,
  showInverted = true,
  children,
}: {
  tree: Hierarchy;
  search: { matched: number; total: number };
  showSort?: boolean;
  /** Off where the tree is not the URL's (the Leaks view inverts by grouping by size class first). */
  showInverted?: boolean;
  children?: ReactNode;
}) {
  const { metric, setMetric, inverted, setInverted, sort, setSort, q, setSearch } = useView();
  return (
    <div className="toolbar wrap">
      <Seg
        label="Metric"
        value={metric}
        onChange={setMetric}
        options={[{ value: 'bytes', label: 'Bytes' }, { value: 'count', label: 'Count' }, ...(tree.hasRequested ? [{ value: 'requested' as const, label: 'Requested' }] : [])]}
      />
      {showInverted && (
        <label className="check">
          <input type="checkbox" checked={inverted} onChange={(e) => setInverted(e.target.checked)} /> inverted
        </label>
      )}
      {showSort && (
        <Seg label="Order" value={sort} onChange={setSort} options={[{ value: 'size', label: 'By size' }, { value: 'name', label: 'By name' }]} />
      )}
      <input className="filter" type="search" placeholder="Search names…  (/)" aria-label="Search" value={q} onChange={(e) => setSearch(e.target.value)} />
      {q.trim() && (
        <span className="small" data-testid="search-share">
          matched: {metric === 'count' ? `${fmtInt(search.matched)} allocations` : `${fmtInt(search.matched)} bytes`} ({fmtPct(search.matched, search.total)})
        </span>
      )}
      {children}
    </div>
  );
}

/** "Hide frames matching…": a pattern box that adds a hide transform on Enter. */
export function HideFrames() {
  const transforms = useView((s) => s.transforms);
  const setTransforms = useView((s) => s.setTransforms);
  const [text, setText] = useState('');
  return (
    <form
      className="hide-form"
      onSubmit={(e) => {
        e.preventDefault();
        const pattern = text.trim();
        if (pattern) setTransforms([...transforms, { kind: 'hide', pattern }]);
        setText('');
        // Back to the graph: arrows and shortcuts work again.
        (e.currentTarget.querySelector('input') as HTMLInputElement | null)?.blur();
      }}
    >
      <input
        className="filter narrow"
        type="text"
        placeholder="Hide frames matching…"
        aria-label="Hide frames matching"
        title="Frames whose name contains this text (* matches anything) are merged into their callers, e.g. <frozen importlib._bootstrap>"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
    </form>
  );
}

/** The transforms applied, as chips; ✕ on one removes it and every one after it. */
export function TransformBar() {
  const transforms = useView((s) => s.transforms);
  const setTransforms = useView((s) => s.setTransforms);
  if (!transforms.length) return null;
  return (
    <div className="transform-bar" data-testid="transforms" aria-label="Transforms">
      <span className="muted small">Transforms:</span>
      {transforms.map((t, i) => (
        <span key={i} className="chip" title={describeTransform(t)}>
          {describeTransform(t)}
          <button className="chip-x" aria-label={`Remove ${describeTransform(t)}`} onClick={() => setTransforms(transforms.slice(0, i))}>
            ✕
          </button>
        </span>
      ))}
      <button className="small-btn" onClick={() => setTransforms([])}>
        Clear
      </button>
    </div>
  );
}

/** Buttons that transform the tree at `node`: focus, merge, collapse its group, sandwich. */
export function NodeActions({ tree, node, path, sandwich = true }: { tree: Hierarchy; node: number; path: string[]; sandwich?: boolean }) {
  const transforms = useView((s) => s.transforms);
  const setTransforms = useView((s) => s.setTransforms);
  const setSandwich = useView((s) => s.setSandwich);
  if (node <= 0) return null;
  const name = tree.names[tree.name[node]];
  const group = tree.groups[tree.group[node]];
  const add = (t: Transform) => setTransforms([...transforms, t]);
  const base = group.slice(group.lastIndexOf('/') + 1);
  return (
    <div className="node-actions" data-testid="node-actions">
      <button className="small-btn" onClick={() => add({ kind: 'focus', path })} title="Show only this subtree">
        Focus on subtree
      </button>
      <button className="small-btn" onClick={() => add({ kind: 'merge', name })} title="Remove this function from every path; its bytes go to its callers">
        {/frame|function|caller|callee/.test(tree.levels[tree.depth[node]] ?? '') ? 'Merge function' : 'Merge node'}
      </button>
      {group && (
        <button className="small-btn" onClick={() => add({ kind: 'collapse', group })} title={`Each run of ${group} becomes one node`}>
          Collapse {base || group}
        </button>
      )}
      {sandwich && (
        <button className="small-btn" onClick={() => setSandwich(name)} title="Callers and callees of this function, over every place it appears">
          Sandwich
        </button>
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

/** Exact figures of the selected node (shared by the tree views), with actions on it. */
export function SelectionDetails({ tree, node, actions }: { tree: Hierarchy; node: number; actions?(node: number): ReactNode }) {
  if (node < 0) return <div className="details muted small">Click a node to select it; its exact figures show here.</div>;
  const pct = (v: Float64Array) => fmtPct(v[node], v[0]);
  return (
    <div className="details" data-testid="selection-details">
      <div className="details-head">
        <div className="tt-name">{pathTo(tree, node).slice(1).map((n) => tree.names[tree.name[n]]).join(' › ') || tree.names[tree.name[0]]}</div>
        {actions?.(node)}
      </div>
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
            <td className="num" title={humanBytes(tree.totalBytes[node])} data-testid="sel-total-bytes">
              {fmtInt(tree.totalBytes[node])}
            </td>
            <td className="num" title={humanBytes(tree.selfBytes[node])}>
              {fmtInt(tree.selfBytes[node])}
            </td>
            <td className="num">{pct(tree.totalBytes)}</td>
          </tr>
          <tr>
            <td>allocations</td>
            <td className="num" data-testid="sel-total-count">
              {fmtInt(tree.totalCount[node])}
            </td>
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
