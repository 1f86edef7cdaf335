/**
 * Growth by type between two snapshots, as objgraph's `show_growth()` reports it
 * and `heapscope growth` prints it (src/model/growth.ts): the current
 * snapshot against an earlier one of the same kind — two cores of a CPython
 * process (their GC-tracked objects by `type(o).__name__`) or two meliae dumps
 * (their objects by type as dumped). Shown in the Python view and the Objects view.
 */
import { useMemo, useState } from 'react';
import type { PythonHeapInfo } from '../../model/python-heap.ts';
import { StringTable } from '../../model/strings.ts';
import { useSnapshots, type SnapshotState } from '../../state/snapshots.ts';
import { fmtInt } from '../../format/numbers.ts';
import { growth, growthText, trackedCounts, typeCounts } from '../../model/growth.ts';

type GrowthKind = 'python-core' | 'meliae';

function kindOf(s: SnapshotState): GrowthKind | null {
  if (s.snap.kind === 'meliae' && s.snap.table) return 'meliae';
  if (s.layout?.python) return 'python-core';
  return null;
}

/** Objects per type name, as `heapscope growth` counts them. */
export function growthCounts(s: SnapshotState): Map<string, number> | null {
  const kind = kindOf(s);
  if (kind === 'meliae') {
    const t = s.snap.table!;
    const strings = new StringTable(t.strings);
    return typeCounts(t, (id) => strings.get(id));
  }
  if (kind === 'python-core') return trackedCounts((s.layout!.python as PythonHeapInfo).types);
  return null;
}

const signed = (d: number): string => (d < 0 ? `−${fmtInt(-d)}` : `+${fmtInt(d)}`);

export function GrowthPanel({ current }: { current: SnapshotState }) {
  const list = useSnapshots((s) => s.list);
  const kind = kindOf(current);
  const earlier = useMemo(() => list.filter((s) => s !== current && kindOf(s) === kind), [list, current, kind]);
  const [chosen, setChosen] = useState('');
  const [all, setAll] = useState(false);
  // The user's choice, else the snapshot of the same kind just before this one.
  const at = list.indexOf(current);
  const before = earlier.find((s) => s.snap.key === chosen) ?? [...earlier].reverse().find((s) => list.indexOf(s) < at) ?? earlier[0] ?? null;
  const rows = useMemo(() => {
    if (!before) return null;
    const [a, b] = [growthCounts(before), growthCounts(current)];
    return a && b ? growth(a, b, null) : null;
  }, [before, current]);
  if (!kind) return null;
  if (!before || !rows) {
    return (
      <div className="muted small py-growth" data-testid="growth-none">
        Drop an earlier {kind === 'meliae' ? 'meliae dump' : 'core of this process'} too to see which types grew (objgraph&apos;s show_growth).
      </div>
    );
  }
  const shown = all ? rows : rows.slice(0, 10);
  return (
    <section className="py-growth" data-testid="growth">
      <div className="toolbar wrap">
        <h3>Growth since</h3>
        <select aria-label="Growth since" value={before.snap.key} onChange={(e) => setChosen(e.target.value)}>
          {earlier.map((s) => (
            <option key={s.snap.key} value={s.snap.key}>
              {s.snap.name}
            </option>
          ))}
        </select>
        <span className="muted small">
          types whose {kind === 'meliae' ? 'objects' : 'GC-tracked objects'} went past their count in {before.snap.name}, largest increase first, as objgraph&apos;s show_growth() and{' '}
          <span className="mono">heapscope growth</span> give them
        </span>
        {rows.length > 10 && (
          <label className="check">
            <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> all {fmtInt(rows.length)} (show_growth stops at 10)
          </label>
        )}
      </div>
      {rows.length === 0 ? (
        <div className="muted small" data-testid="growth-empty">
          No type has more objects than in {before.snap.name}.
        </div>
      ) : (
        <table className="grid compact" data-testid="growth-table">
          <thead>
            <tr>
              <th>Type</th>
              <th className="num">Count</th>
              <th className="num">Increase</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.type} data-testid="growth-row">
                <td className="mono">{r.type}</td>
                <td className="num">{fmtInt(r.count)}</td>
                <td className="num grow">{signed(r.delta)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows.length > 0 && (
        <details className="small">
          <summary>As show_growth() prints it</summary>
          <pre className="mono" data-testid="growth-text">
            {growthText(shown)}
          </pre>
        </details>
      )}
    </section>
  );
}
