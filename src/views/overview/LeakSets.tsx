/**
 * The Overview's leak panel for a core: chap's leaked / unreferenced / anchored
 * sets (counts and bytes, computed from the core alone in the core worker, the last stage of the snapshot's
 * pipeline) and the largest leaked allocations, each opening in the inspector.
 */
import { useMemo } from 'react';
import { fmtInt } from '../../format/numbers.ts';
import { StringTable } from '../../model/strings.ts';
import { rowTypeName } from '../../format/names.ts';
import { useCallerOf } from '../use-callers.ts';
import { CountTable } from './CountTable.tsx';
import type { SnapshotState } from '../../state/snapshots.ts';

const SHOWN = ['leaked', 'unreferenced', 'anchored', 'staticanchored', 'stackanchored', 'registeranchored', 'threadonlyanchored'] as const;
const LABEL: Record<string, string> = {
  leaked: 'Leaked',
  unreferenced: 'Unreferenced',
  anchored: 'Anchored',
  staticanchored: '… from static memory',
  stackanchored: '… from a stack',
  registeranchored: '… from a register',
  threadonlyanchored: '… by threads only',
};

/** The sets are the last stage of the snapshot's pipeline (`src/state/core-stages.ts`): its progress line is in the snapshot bar. */
export function LeakSets({ snapshot, onInspect }: { snapshot: SnapshotState; onInspect(row: number): void }) {
  const s = snapshot.leaks ?? null;
  const err = snapshot.error ?? null;
  const waiting = snapshot.stage?.stage === 'leaks' ? 'Following references and anchors…' : snapshot.cancelled ? snapshot.cancelled : 'Following references and anchors once classes and footers are done…';
  const used = s?.totals.used.bytes ?? 0;
  const callerOf = useCallerOf();
  // The class of a listed row, from the snapshot's table (named from vtables by the stage before the leak sets).
  const table = snapshot.snap.table;
  const strings = useMemo(() => (table ? new StringTable(table.strings) : null), [table]);
  const className = (row: number): string => (table && strings ? rowTypeName(table, strings, row) : '');
  return (
    <section className="panel" data-testid="leak-sets">
      <h2>
        Leaks <span className="muted small">· chap's sets, from the core alone</span>
      </h2>
      {err && <p className="msg error">{err}</p>}
      {!s && !err && (
        <p className="muted" data-testid="leak-progress">
          {waiting}
        </p>
      )}
      {s && (
        <div className="leak-cols">
          <div>
            <CountTable
              testId="leak-table"
              first="Set"
              share="% of used"
              whole={used}
              rows={SHOWN.map((n) => ({ key: n, label: LABEL[n], count: s.totals[n].count, bytes: s.totals[n].bytes, testId: `leak-${n}` }))}
            />
            {s.warnings.map((w) => (
              <p key={w} className="msg warning small">
                {w}
              </p>
            ))}
          </div>
          {s.largestLeaked.length > 0 && (
            <div>
              <h3 className="small">
                Largest leaked allocations <span className="muted">· unreferenced first, then those only leaked ones point to · click one to see who points to it</span>
              </h3>
              <table className="grid" data-testid="leaked-table">
                <thead>
                  <tr>
                    <th>Address</th>
                    <th className="num">Size (bytes)</th>
                    <th>Class / signature</th>
                    {callerOf && <th>Allocated by</th>}
                    <th>Leaked</th>
                  </tr>
                </thead>
                <tbody>
                  {s.largestLeaked.map((l) => {
                    const type = className(l.row);
                    const caller = callerOf?.(l.row) ?? null;
                    return (
                      <tr key={l.row} className="clickable" data-testid="leaked-row" onClick={() => onInspect(l.row)} title="Inspect this allocation">
                        <td className="mono">0x{l.address}</td>
                        <td className="num">{fmtInt(l.size)}</td>
                        <td className="name" title={type} data-testid="leaked-class">
                          {type}
                        </td>
                        {callerOf && (
                          <td className="name mono" title={caller ?? ''} data-testid="leaked-caller">
                            {caller ?? '—'}
                          </td>
                        )}
                        <td>{l.unreferenced ? 'unreferenced' : 'referenced by leaked'}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
