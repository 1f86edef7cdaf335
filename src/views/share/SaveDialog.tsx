/** Save: the current analysis into the local library (IndexedDB), with an editable name; confirms with its size. */
import { useState } from 'react';
import { fmtInt, formatBytes, fmtDuration } from '../../format/numbers.ts';
import { analysis } from '../../state/analysis.ts';
import { useInputs } from '../../state/inputs.ts';
import { defaultAnalysisName, useLibrary, type SavedConfirmation } from '../../state/library.ts';
import { Modal } from '../../components/Modal.tsx';

/** The save dialog (opened by the header's Save button and the `s` key). */
export function SaveDialog({ onClose }: { onClose: () => void }) {
  const inputs = useInputs((s) => s.entries);
  const save = useLibrary((s) => s.save);
  const openPanel = useLibrary((s) => s.openPanel);
  const [name, setName] = useState(() => defaultAnalysisName(inputs.filter((i) => i.status === 'done')));
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<SavedConfirmation | null>(null);
  const [error, setError] = useState<string | null>(null);

  const onSave = async () => {
    setBusy(true);
    setError(null);
    try {
      setDone(await save(analysis.toSaved(name.trim() || defaultAnalysisName([]))));
    } catch (e) {
      setError(`The analysis could not be saved: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal label="Save analysis" onClose={onClose} className="share-modal" testId="save-dialog">
      <h2>Save to the library</h2>
      <p className="muted small">
        Saves the derived tables and the current view in this browser (IndexedDB) — never the raw files or memory contents. Works offline.
      </p>
      <form
        className="share-row"
        onSubmit={(e) => {
          e.preventDefault();
          void onSave();
        }}
      >
        <label className="share-label">
          Name
          <input className="filter share-name" aria-label="Analysis name" value={name} onChange={(e) => setName(e.target.value)} autoFocus disabled={busy} />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </form>
      {error && (
        <div className="msg error" role="alert">
          {error}
        </div>
      )}
      {done && (
        <div className="msg share-ok" role="status" data-testid="save-confirmation">
          Saved “{done.name}” to the library: <span data-testid="saved-size">{fmtInt(done.size)}</span> bytes ({formatBytes(done.size)}) in{' '}
          {fmtDuration(done.ms)}.
        </div>
      )}
      <div className="share-actions">
        {done && (
          <button
            onClick={() => {
              openPanel('library');
            }}
          >
            Open the library
          </button>
        )}
        <button onClick={onClose}>Close</button>
      </div>
    </Modal>
  );
}
