/**
 * Which snapshot the views show, and what formed it: a picker when the inputs
 * form several snapshots (the newest is the default), the files of the current
 * one by role, the work still running on it (each core stage's progress line, with Cancel; what was cancelled,
 * with Run again), and what the assembly could not
 * decide alone (a chap list that fits several snapshots: the user picks).
 */
import { partLabel } from '../model/snapshot.ts';
import { analysis } from '../state/analysis.ts';
import { useCurrentSnapshot, useSnapshots } from '../state/snapshots.ts';
import { useView } from '../state/view.ts';
import { useInputs } from '../state/inputs.ts';
import { StageProgress } from './StageProgress.tsx';

const KIND_LABELS = { process: 'process', tracemalloc: 'tracemalloc', meliae: 'meliae' } as const;

export function SnapshotBar() {
  const list = useSnapshots((s) => s.list);
  const notes = useSnapshots((s) => s.notes);
  const assembling = useSnapshots((s) => s.assembling);
  const current = useCurrentSnapshot();
  const setSnapshot = useView((s) => s.setSnapshot);
  // Compare picks its own two snapshots (A and B): the single-snapshot picker would only confuse there.
  const comparing = useView((s) => s.view === 'compare');
  const names = useInputs((s) => s.entries);
  if (!current && !notes.length) return assembling ? <div className="muted small">Assembling snapshots…</div> : null;
  // Nothing of its own to show (Compare has its own A / B pickers): no empty box, no gap above the view.
  if (!(current && !comparing) && !current?.stage && !notes.length) return null;
  const nameOf = (id: number) => names.find((e) => e.id === id)?.name ?? `input ${id}`;
  return (
    <section className="snapshot-bar" aria-label="Snapshot">
      {current && !comparing && (
        <div className="snapshot-row">
          {list.length > 1 ? (
            <label className="snapshot-pick">
              Snapshot{' '}
              <select aria-label="Snapshot" data-testid="snapshot-picker" value={current.snap.key} onChange={(e) => setSnapshot(e.target.value)}>
                {list.map((s, i) => (
                  <option key={s.snap.key} value={s.snap.key}>
                    {i + 1}. {s.snap.name} ({KIND_LABELS[s.snap.kind]})
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <span className="snapshot-name" data-testid="snapshot-name">
              {current.snap.name}
            </span>
          )}
          <span className="snapshot-parts muted small" data-testid="snapshot-parts">
            {current.snap.parts.map((p) => `${p.name} (${partLabel(p)})`).join(' · ')}
          </span>
          {current.busy && !current.stage && (
            <span className="muted small" role="status" data-testid="snapshot-busy">
              {current.busy}
            </span>
          )}
          {current.cancelled && (
            <span className="muted small" role="status" data-testid="stage-cancelled">
              {current.cancelled}{' '}
              <button className="small-btn" onClick={() => void analysis.resume(current.snap.key)}>
                Run again
              </button>
            </span>
          )}
          {current.error && (
            <span className="msg error small" role="alert">
              {current.error}
            </span>
          )}
        </div>
      )}
      {current?.stage && <StageProgress p={current.stage} onCancel={() => analysis.cancelStage(current.snap.key)} />}
      {notes.map((n, i) => (
        <div key={i} className="msg warning" data-testid="assembly-note">
          ⚠ {n.message}
          {n.kind === 'fits-several' && n.candidates && (
            <select aria-label={`Snapshot of ${nameOf(n.input)}`} defaultValue="" onChange={(e) => e.target.value && void analysis.choose(n.input, e.target.value)}>
              <option value="">Choose…</option>
              {n.candidates.map((k) => (
                <option key={k} value={k}>
                  {list.find((s) => s.snap.key === k)?.snap.name ?? k}
                </option>
              ))}
              <option value="own">a snapshot of its own</option>
            </select>
          )}
        </div>
      ))}
    </section>
  );
}
