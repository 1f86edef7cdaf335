/**
 * One stage's progress line (a file's read, a core's heap walk, class naming, attribution, leak sets): a bar, the
 * stage's name, what is done of the total in the stage's unit, the rate and the time left — an estimate that only
 * counts down within the stage (`EtaClock`). The name shows from the stage's first moment; the rate and the time
 * left only once known (nothing done yet: neither "0/s" nor "starting"), each in a place kept for it from the start
 * (`stageLine`'s slots), so the bar does not jump when they appear. A stage whose size is not known yet says
 * "sizing…".
 */
import { useEffect, useState } from 'react';
import { EtaClock } from '../format/eta.ts';
import { STAGES } from '../model/stages.ts';
import type { StageState } from '../state/snapshots.ts';
import { stageLine } from './stage-line.ts';

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(performance.now()), 200);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

/**
 * A figure that changes as the stage runs, in a place as wide as its widest text in this stage (laid out invisibly
 * under it, in the same font: exact whatever the font), so what follows it does not move; `end`: aligned right.
 */
function Figure({ text, widest, end }: { text: string; widest: string; end?: boolean }) {
  return (
    <span className={`stage-fig${end ? ' end' : ''}`} data-widest={widest}>
      <span>{text}</span>
    </span>
  );
}

export function StageProgress({ p, onCancel }: { p: StageState; onCancel?: () => void }) {
  // The interval counts the time left down between reports; a report's redraw is at its own time at least (the
  // interval's last tick may be 200 ms older, even before the stage started).
  const now = Math.max(useNow(true), p.at);
  // One clock per line (the estimate's deadline); updating it twice with the same sample changes nothing.
  const [clock] = useState(() => new EtaClock());
  const info = STAGES[p.stage];
  const known = p.total > 0;
  const frac = known ? Math.min(1, p.done / p.total) : 0;
  const left = known ? clock.update({ key: `${p.stage}:${p.file}:${p.startedAt}`, done: p.done, total: p.total, startedAt: p.startedAt, now }) : null;
  const line = stageLine(p, left);
  const label = `${info.title} ${p.file}`;
  return (
    <div className="progress-row" data-testid="stage-progress" data-stage={p.stage}>
      <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)}>
        <div className="progress-fill" style={{ transform: `scaleX(${frac.toFixed(3)})` }} />
      </div>
      <span className="muted small stage-text" data-testid="stage-text">
        <span className="stage-name">{line.name}</span>
        {' · '}
        {line.done === null ? (
          'sizing…'
        ) : (
          <>
            <Figure text={line.done} widest={line.total!} end />
            {` of ${line.total}${line.unit}`}
          </>
        )}
        <Figure text={line.rate === null ? '' : ` · ${line.rate}`} widest={` · ${line.rateMax}`} />
        {line.eta !== null && <span data-testid="stage-eta"> · {line.eta}</span>}
      </span>
      {onCancel && (
        <button className="small-btn" onClick={onCancel} aria-label={`Cancel ${info.doing} ${p.file}`}>
          Cancel
        </button>
      )}
    </div>
  );
}
