/**
 * The inspector's leak part, from chap's analysis of the core: whether the
 * allocation is leaked (and unreferenced), why it is alive — the shortest chain
 * from an anchor (static memory in a mapped file, a thread's stack, a thread's
 * register) through the allocations that lead to it — and who points here
 * (each referrer with its class, the offsets of its pointers, leaked or not).
 * Every allocation named is a link that opens it in the inspector.
 */
import { AllocFlag } from '../../model/allocations.ts';
import { fmtInt } from '../../format/numbers.ts';
import type { LeakAllocation } from '../../model/leaks.ts';
import { sourcesText } from './anchor-text.ts';
import { useLeakExplanation } from '../../state/derived.ts';
import type { SnapshotState } from '../../state/snapshots.ts';

function Alloc({ d, onOpen }: { d: LeakAllocation; onOpen(addr: string): void }) {
  return (
    <button className="link small mono" onClick={() => onOpen(d.address)} title="Open in the inspector">
      0x{d.address} <span className="muted">({fmtInt(d.size)} B{d.className ? ` · ${d.className}` : ''})</span>
    </button>
  );
}


function status(flags: number): string {
  if (flags & AllocFlag.Unreferenced) return 'Leaked, and unreferenced: no anchor reaches it and no allocation points to it.';
  if (flags & AllocFlag.Leaked) return 'Leaked: no anchor reaches it; only leaked allocations point to it.';
  const how: string[] = [];
  if (flags & AllocFlag.StaticAnchored) how.push('static memory');
  if (flags & AllocFlag.StackAnchored) how.push('a thread stack');
  if (flags & AllocFlag.RegisterAnchored) how.push('a register');
  return `Anchored from ${how.join(', ')}${flags & AllocFlag.ThreadOnlyAnchored ? ' (threads only)' : ''}${flags & AllocFlag.AnchorPoint ? '; an anchor points to it directly' : ''}.`;
}

/** `snapshot` has its core open (the inspector shows this panel only then). */
export function LeakPanel({ snapshot, address, onOpen }: { snapshot: SnapshotState; address: string; onOpen(addr: string): void }) {
  const d = useLeakExplanation(snapshot, address);
  const r = d.busy ? undefined : d.value;
  if (d.error) return <p className="msg error">Leak analysis: {d.error}</p>;
  if (r === undefined) return <p className="muted small">Computing references and anchors…</p>;
  if (r === null) return <p className="muted small">No allocation of the core's heap walk holds this address.</p>;
  return (
    <section className="leak-panel" data-testid="insp-leaks">
      <p data-testid="insp-leak-status" className={r.flags & AllocFlag.Leaked ? 'msg warning' : 'small'}>
        {status(r.flags)}
      </p>
      <h4>Why is this alive</h4>
      {r.chain ? (
        <ol className="chain small" data-testid="insp-chain">
          <li data-testid="insp-chain-source">
            {sourcesText(r.chain.sources)}
          </li>
          {r.chain.steps.map((d, i) => (
            <li key={d.address}>
              → {i === r.chain!.steps.length - 1 ? <strong className="mono">0x{d.address} (this allocation)</strong> : <Alloc d={d} onOpen={onOpen} />}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted small" data-testid="insp-chain-none">
          Nothing anchors it: no chain from static memory, a stack or a register.
        </p>
      )}
      <h4>Who points here ({fmtInt(r.totalReferrers)})</h4>
      {r.referrers.length ? (
        <ul className="referrers small" data-testid="insp-referrers">
          {r.referrers.map((x) => (
            <li key={x.address}>
              <Alloc d={x} onOpen={onOpen} /> at +{x.offsets.map((o) => `0x${o.toString(16)}`).join(', +')}
              {x.leaked ? (
                <>
                  {' '}
                  <span className="badge warn">leaked</span>
                </>
              ) : null}
            </li>
          ))}
          {r.totalReferrers > r.referrers.length && <li className="muted">… {fmtInt(r.totalReferrers - r.referrers.length)} more</li>}
        </ul>
      ) : (
        <p className="muted small" data-testid="insp-referrers-none">
          No allocation points here.
        </p>
      )}
    </section>
  );
}
