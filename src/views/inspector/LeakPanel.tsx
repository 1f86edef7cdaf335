/**
 * The inspector's leak part, from chap's analysis of the core: whether the
 * allocation is leaked (and unreferenced), why it is alive — the shortest chain
 * from an anchor (static memory in a mapped file, a thread's stack, a thread's
 * register) through the allocations that lead to it — and who points here
 * (each referrer with its class, the offsets of its pointers, leaked or not).
 * Every allocation named is a link that opens it in the inspector.
 */
import { useEffect, useState } from 'react';
import { AllocFlag } from '../../model/allocations.ts';
import { fmtInt } from '../../format/numbers.ts';
import { coreApi } from '../../pipeline/workers.ts';
import type { LeakAllocation, LeakAnchorSource as Source, LeakExplanation as Explained } from '../../model/leaks.ts';

function Alloc({ d, onOpen }: { d: LeakAllocation; onOpen(addr: string): void }) {
  return (
    <button className="link small mono" onClick={() => onOpen(d.address)} title="Open in the inspector">
      0x{d.address} <span className="muted">({fmtInt(d.size)} B{d.className ? ` · ${d.className}` : ''})</span>
    </button>
  );
}

function sourceText(s: Source): string {
  const thread = s.thread ? `thread ${s.thread}${s.tid ? ` (tid ${s.tid})` : ''}` : 'a stack no thread uses (cached)';
  if (s.kind === 'register') return `register ${s.register} of ${thread}`;
  if (s.kind === 'stack') return `the stack of ${thread}, at 0x${s.address}`;
  return `static memory at 0x${s.address}${s.module ? ` in ${s.module.slice(s.module.lastIndexOf('/') + 1)}` : ''}`;
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

export function LeakPanel({ coreId, address, onOpen }: { coreId: number; address: string; onOpen(addr: string): void }) {
  const key = `${coreId}:${address}`;
  const [got, setGot] = useState<{ key: string; r: Explained | null; err: string | null } | null>(null);
  useEffect(() => {
    let live = true;
    coreApi()
      .explain(coreId, address)
      .then((x) => live && setGot({ key, r: x, err: null }))
      .catch((e: Error) => live && setGot({ key, r: null, err: e.message }));
    return () => {
      live = false;
    };
  }, [coreId, address, key]);
  const r = got?.key === key ? got.r : undefined;
  const err = got?.key === key ? got.err : null;
  if (err) return <p className="msg error">Leak analysis: {err}</p>;
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
            {r.chain.sources.slice(0, 3).map(sourceText).join('; ')}
            {r.chain.sources.length > 3 ? ` (+${r.chain.sources.length - 3} more)` : ''}
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
              {x.leaked ? <span className="badge warn"> leaked</span> : null}
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
