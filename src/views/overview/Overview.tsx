/** Overview: used/free counts and bytes, per-state totals, free-to-used ratio, top types, largest allocations. */
import { STATE_LABELS } from '../../model/allocations.ts';
import { fmtInt, fmtPct } from '../../format/numbers.ts';
import { analysis } from '../../state/analysis.ts';
import type { SnapshotSummary } from '../../state/derived.ts';
import { useCurrentSnapshot } from '../../state/snapshots.ts';
import { useInspector } from '../../state/inspector.ts';
import { useView } from '../../state/view.ts';
import { useFilePicker } from '../../components/FilePicker.tsx';
import { LeakSets } from './LeakSets.tsx';
import { CountTable } from './CountTable.tsx';
import { SET_LABELS } from '../leaks/labels.ts';
import { humanBytes } from '../../format/units.ts';
import { useCallerOf } from '../use-callers.ts';

function Stat({ label, count, bytes, testId, noun = 'allocations' }: { label: string; count: number; bytes: number; testId: string; noun?: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value" title={`${fmtInt(bytes)} bytes`}>
        {humanBytes(bytes)}
      </div>
      <div className="stat-sub">
        <span data-testid={`${testId}-bytes`}>{fmtInt(bytes)}</span> bytes · <span data-testid={`${testId}-count`}>{fmtInt(count)}</span> {noun}
      </div>
    </div>
  );
}

/** "Compare with…": adds another snapshot and opens the comparison. */
function CompareWith() {
  const setView = useView((s) => s.setView);
  const picker = useFilePicker(async (files) => {
    await analysis.addFiles(files);
    setView('compare');
  }, 'compare-input');
  return (
    <>
      <button className="small-btn" onClick={picker.open} title="Open a second snapshot (core, chap list, tracemalloc) as B">
        Compare with…
      </button>
      {picker.input}
    </>
  );
}

export function Overview({ summary }: { summary: SnapshotSummary }) {
  const openInspector = useInspector((s) => s.open);
  const current = useCurrentSnapshot();
  const kind = current?.snap.kind ?? 'process';
  const freeKnown = kind === 'process' && !!current && (current.snap.core !== null || current.snap.parts.some((p) => p.as === 'free' || p.as === 'mixed'));
  // Leak sets need the core's memory: a live core snapshot (not one read back from a saved analysis).
  const leakCore = current?.live && current.snap.core !== null ? current.snap.core : null;
  const callerOf = useCallerOf();
  const { totals, byType, largest } = summary;
  const ratio = totals.inUse.bytes > 0 ? totals.free.bytes / totals.inUse.bytes : NaN;
  const topTypes = byType.filter((r) => r.usedCount + r.freeCount > 0).slice(0, 10);
  const maxTypeBytes = Math.max(1, ...topTypes.map((r) => r.usedBytes + r.freeBytes));
  const allBytes = totals.inUse.bytes + totals.free.bytes;
  return (
    <div className="overview">
      <div className="overview-actions">
        <CompareWith />
      </div>
      <section className="stats">
        <Stat
          label={kind === 'tracemalloc' ? 'Traced' : kind === 'meliae' ? 'Objects' : 'In use'}
          noun={kind === 'tracemalloc' ? 'traces' : kind === 'meliae' ? 'objects' : 'allocations'}
          count={totals.inUse.count}
          bytes={totals.inUse.bytes}
          testId="stat-used"
        />
        {freeKnown && <Stat label="Free" count={totals.free.count} bytes={totals.free.bytes} testId="stat-free" />}
        {freeKnown && (
          <div className="stat" data-testid="stat-ratio">
            <div className="stat-label">Free-to-used ratio</div>
            <div className="stat-value">{Number.isFinite(ratio) ? ratio.toFixed(3) : '–'}</div>
            <div className="stat-sub">
              free bytes per byte in use · {fmtPct(totals.free.bytes, allBytes)} of all heap bytes free
            </div>
          </div>
        )}
        {kind === 'process' && !freeKnown && (
          <div className="stat" data-testid="stat-free-unknown">
            <div className="stat-label">Free</div>
            <div className="stat-value muted">unknown</div>
            <div className="stat-sub">these chap lists hold no free allocations: add the core or its `list free`</div>
          </div>
        )}
      </section>

      {kind !== 'tracemalloc' && (
      <>
      <div className="panels">
        {kind === 'process' && (
        <section className="panel">
          <h2>By state</h2>
          <CountTable
            testId="state-table"
            first="State"
            share="% bytes"
            whole={allBytes}
            rows={[
              ...totals.byState.flatMap((v, s) => (v.count > 0 ? [{ key: `state-${s}`, label: STATE_LABELS[s], count: v.count, bytes: v.bytes }] : [])),
              ...Object.entries(summary.sets).map(([name, v]) => ({ key: `set-${name}`, label: SET_LABELS[name] ?? name, count: v.count, bytes: v.bytes, testId: `set-${name}` })),
            ]}
          />
        </section>
        )}

        <section className="panel">
          <h2>{kind === 'meliae' ? 'Top types' : 'Top signatures and classes'}</h2>
          <table className="grid" data-testid="top-types">
            <thead>
              <tr>
                <th>Type</th>
                <th className="num">Allocations</th>
                <th className="num">Bytes</th>
                <th className="bar-col" />
              </tr>
            </thead>
            <tbody>
              {topTypes.map((r) => {
                const b = r.usedBytes + r.freeBytes;
                return (
                  <tr key={r.key}>
                    <td className="name" title={r.key}>
                      {r.key}
                    </td>
                    <td className="num">{fmtInt(r.usedCount + r.freeCount)}</td>
                    <td className="num">{fmtInt(b)}</td>
                    <td className="bar-col">
                      <div className="hbar">
                        <div className="hbar-used" style={{ width: `${(100 * r.usedBytes) / maxTypeBytes}%` }} />
                        <div className="hbar-free" style={{ width: `${(100 * r.freeBytes) / maxTypeBytes}%` }} />
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      </div>

      {leakCore !== null && current && <LeakSets snapshot={current} onInspect={(row) => openInspector({ snapshot: current.snap.key, row })} />}

      <section className="panel">
        <h2>Largest allocations <span className="muted small">· click one to inspect it</span></h2>
        <table className="grid" data-testid="largest">
          <thead>
            <tr>
              <th>Address</th>
              <th className="num">Size (bytes)</th>
              <th className="num">Size (hex)</th>
              <th>State</th>
              <th>Class / signature</th>
              {callerOf && <th>Allocated by</th>}
            </tr>
          </thead>
          <tbody>
            {largest.slice(0, 20).map((r) => (
              <tr
                key={`${r.input}:${r.row}`}
                className="clickable"
                title="Inspect this allocation"
                data-testid="largest-row"
                onClick={() => current && openInspector({ snapshot: current.snap.key, row: r.row })}
              >
                <td className="mono">0x{r.address}</td>
                <td className="num">{fmtInt(r.size)}</td>
                <td className="num mono">0x{r.size.toString(16)}</td>
                <td>{STATE_LABELS[r.state]}</td>
                <td className="name" title={r.type}>
                  {r.type}
                </td>
                {callerOf && (
                  <td className="name mono" title={callerOf(r.row) ?? ''} data-testid="largest-caller">
                    {callerOf(r.row) ?? '—'}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      </>
      )}
    </div>
  );
}
