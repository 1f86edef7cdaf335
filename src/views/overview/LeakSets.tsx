/**
 * The Overview's leak panel for a core: chap's leaked / unreferenced / anchored
 * sets (counts and bytes, computed from the core alone in the core worker) and the largest leaked allocations, each opening in the inspector.
 */
import { useEffect, useState } from 'react';
import { fmtInt, fmtPct } from '../../format/numbers.ts';
import { coreApi } from '../../pipeline/workers.ts';
import type { LeakSummary } from '../../model/leaks.ts';

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

export function LeakSets({ coreId, onInspect }: { coreId: number; onInspect(row: number): void }) {
  const [got, setGot] = useState<{ id: number; s: LeakSummary | null; err: string | null } | null>(null);
  useEffect(() => {
    let live = true;
    coreApi()
      .leakSummary(coreId)
      .then((s) => live && setGot({ id: coreId, s, err: null }))
      .catch((e: Error) => live && setGot({ id: coreId, s: null, err: e.message }));
    return () => {
      live = false;
    };
  }, [coreId]);
  const s = got?.id === coreId ? got.s : null;
  const err = got?.id === coreId ? got.err : null;
  const used = s?.totals.used.bytes ?? 0;
  return (
    <section className="panel" data-testid="leak-sets">
      <h2>
        Leaks <span className="muted small">· chap's sets, from the core alone</span>
      </h2>
      {err && <p className="msg error">{err}</p>}
      {!s && !err && (
        <p className="muted" data-testid="leak-progress">
          Following references and anchors…
        </p>
      )}
      {s && (
        <>
          <table className="grid" data-testid="leak-table">
            <thead>
              <tr>
                <th>Set</th>
                <th className="num">Allocations</th>
                <th className="num">Bytes</th>
                <th className="num">% of used</th>
              </tr>
            </thead>
            <tbody>
              {SHOWN.map((n) => (
                <tr key={n} data-testid={`leak-${n}`}>
                  <td>{LABEL[n]}</td>
                  <td className="num" data-testid={`leak-${n}-count`}>
                    {fmtInt(s.totals[n].count)}
                  </td>
                  <td className="num" data-testid={`leak-${n}-bytes`}>
                    {fmtInt(s.totals[n].bytes)}
                  </td>
                  <td className="num">{fmtPct(s.totals[n].bytes, used)}</td>
                </tr>
              ))}
            </tbody>
          </table>
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
