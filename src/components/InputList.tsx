/** The inputs of the analysis: role, progress (bytes, rate, ETA), cancel, warnings and errors. */
import { useState } from 'react';
import { fmtDuration, fmtInt, formatBytes } from '../format/numbers.ts';
import { StageProgress } from './StageProgress.tsx';
import { analysis } from '../state/analysis.ts';
import { useInputs } from '../state/inputs.ts';
import { ROLE_LABELS, type Role } from '../model/inputs.ts';


/** More files than this, all read without a problem, fold into one line. */
const FOLD_AT = 6;

export function InputList() {
  const inputs = useInputs((s) => s.entries);
  const { cancel, remove } = analysis;
  const [open, setOpen] = useState(false);
  if (inputs.length === 0) return null;
  const quiet = inputs.every((e) => e.status === 'done' && e.warnings.length === 0);
  if (quiet && inputs.length > FOLD_AT && !open) {
    const bytes = inputs.reduce((n, e) => n + e.size, 0);
    return (
      <div className="inputs-fold small" data-testid="inputs-folded">
        <span>
          {fmtInt(inputs.length)} files · {formatBytes(bytes)} · read without warnings
        </span>
        <button className="small-btn" onClick={() => setOpen(true)}>
          Show files
        </button>
      </div>
    );
  }
  return (
    <ul className="inputs" aria-label="Inputs">
      {inputs.map((e) => (
        <li key={e.id} className={`input ${e.status}`} data-testid="input">
          <div className="input-head">
            <span className="input-name" title={e.name}>
              {e.name}
            </span>
            <span className="badge">{e.status === 'done' ? ROLE_LABELS[e.format as Role] ?? e.format : e.status}</span>
            {e.status === 'done' && (
              <span className="muted small">
                {e.format === 'elf'
                  ? `symbols for a core · ${fmtInt(Number(e.info?.symbols ?? 0))} functions · build-id ${e.info?.buildId ?? 'none'}`
                  : e.format === 'mprof'
                    ? `memory timeline · ${fmtInt(Number(e.info?.samples ?? 0))} samples · ${fmtInt(Number(e.info?.funcs ?? 0))} function spans · ${fmtInt(Number(e.info?.children ?? 0))} child processes`
                    : `${fmtInt(e.rows ?? 0)} ${e.format === 'tracemalloc' ? 'traces' : e.format === 'meliae' ? 'objects' : 'allocations'}`}
                {e.format === 'core' && typeof e.info?.allocator === 'string' && <span data-testid="input-allocator"> · {e.info.allocator}</span>}{' '}
                · {formatBytes(e.size)} · {e.saved ? (e.saved === 'shared' ? 'shared' : 'saved') : fmtDuration((e.finishedAt ?? 0) - e.startedAt)}
              </span>
            )}
            <span className="spacer" />
            {e.status === 'reading' ? (
              <button className="small-btn" onClick={() => cancel(e.id)}>
                Cancel
              </button>
            ) : (
              <button className="small-btn" aria-label={`Remove ${e.name}`} onClick={() => void remove(e.id)}>
                ✕
              </button>
            )}
          </div>
          {e.status === 'reading' && <StageProgress p={e.progress ?? { stage: 'read', file: e.name, done: e.bytesRead, total: e.size, unit: 'bytes', startedAt: e.startedAt, at: e.startedAt }} />}
          {e.error && (
            // A cancelled read is the user's doing, not a fault: said plainly, not in an error's red.
            <div className={`msg ${e.status === 'cancelled' ? 'cancelled' : 'error'}`} role={e.status === 'cancelled' ? 'status' : 'alert'} data-testid="input-error">
              {e.error}
            </div>
          )}
          {e.warnings.map((w, i) => (
            <div key={i} className="msg warning" data-testid="input-warning">
              ⚠ {e.name}: {w}
            </div>
          ))}
        </li>
      ))}
    </ul>
  );
}
