/**
 * The Overview's leak panel for a core: chap's leaked / unreferenced / anchored
 * sets (counts and bytes, computed from the core alone in the core worker, the last stage of the snapshot's
 * pipeline) and the largest leaked allocations, each opening in the inspector.
 */
import { fmtInt } from '../../format/numbers.ts';
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
        <>
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
          {s.largestLeaked.length > 0 && (
            <>
              <h3 className="small">Largest leaked allocations (unreferenced first, then those only leaked ones point to) · click one to see who points to it</h3>
              <table className="grid compact">
                <tbody>
                  {s.largestLeaked.map((l) => (
                    <tr key={l.row} className="clickable" data-testid="leaked-row" onClick={() => onInspect(l.row)} title="Inspect this allocation">
                      <td className="mono">0x{l.address}</td>
                      <td className="num">{fmtInt(l.size)}</td>
                      <td>{l.unreferenced ? 'unreferenced' : 'referenced by leaked'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}
