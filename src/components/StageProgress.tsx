/**
 * One stage's progress line (a file's read, a core's heap walk, class naming, attribution, leak sets): a bar, what
 * is done of the total in the stage's unit, the rate and the time left — an estimate that only counts down within
 * the stage (`EtaClock`). A stage whose size is not known yet shows its name alone; one that has done nothing yet
 * says "starting" rather than a rate of 0.
 */
import { useEffect, useState } from 'react';
import { EtaClock, FINISHING_MS } from '../format/eta.ts';
import { fmtDuration, fmtInt, formatBytes } from '../format/numbers.ts';
import { STAGES } from '../model/stages.ts';
import type { StageState } from '../state/snapshots.ts';

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(performance.now()), 200);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

export function StageProgress({ p, onCancel }: { p: StageState; onCancel?: () => void }) {
  const now = useNow(true);
  // One clock per line (the estimate's deadline); updating it twice with the same sample changes nothing.
  const [clock] = useState(() => new EtaClock());
  const info = STAGES[p.stage];
  const known = p.total > 0;
  const elapsed = Math.max(1, now - p.startedAt);
  const frac = known ? Math.min(1, p.done / p.total) : 0;
  const rate = p.done / (elapsed / 1000);
  const left = known ? clock.update({ key: `${p.stage}:${p.file}:${p.startedAt}`, done: p.done, total: p.total, startedAt: p.startedAt, now }) : null;
  const amount = (n: number) => (p.unit === 'bytes' ? formatBytes(Math.round(n)) : fmtInt(Math.round(n)));
  const label = `${info.title} ${p.file}`;
  return (
    <div className="progress-row" data-testid="stage-progress" data-stage={p.stage}>
      <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
        <div className="progress-fill" style={{ width: `${(frac * 100).toFixed(1)}%` }} />
      </div>
      <span className="muted small" data-testid="stage-text">
        {p.stage !== 'read' && <span className="stage-name">{label} · </span>}
        {known ? (
          <>
            {amount(p.done)} of {amount(p.total)}
            {p.unit === 'items' && info.items ? ` ${info.items}` : ''}
            {/* No rate before the first item: "0/s" read as stuck (a core without footers, the moment a stage starts). */}
            {p.done > 0 ? ` · ${amount(rate)}/s` : ' · starting'}
            {left !== null && <span data-testid="stage-eta"> · {left < FINISHING_MS ? 'finishing' : `${fmtDuration(left)} left`}</span>}
          </>
        ) : (
          'sizing…'
        )}
      </span>
      {onCancel && (
        <button className="small-btn" onClick={onCancel} aria-label={`Cancel ${info.doing} ${p.file}`}>
          Cancel
        </button>
      )}
    </div>
  );
}
