/** The library: saved analyses, newest first — open, rename (inline), delete (with confirmation). */
import { useState } from 'react';
import { fmtInt, formatBytes } from '../../format/numbers.ts';
import { analysis } from '../../state/analysis.ts';
import { useLibrary } from '../../state/library.ts';
import type { LibraryEntry } from '../../storage/library.ts';
import { Modal } from '../../components/Modal.tsx';

/** `2025-01-02T03:04:05Z` → the user's local date and time. */
function fmtDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function inputsText(e: LibraryEntry): string {
  return e.inputs.map((i) => `${i.name} (${i.format}, ${fmtInt(i.rows)} rows)`).join(', ');
}

function Row({ e, onOpen }: { e: LibraryEntry; onOpen: (id: string) => void }) {
  const rename = useLibrary((s) => s.rename);
  const remove = useLibrary((s) => s.remove);
  const [editing, setEditing] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const commit = () => {
    const name = editing?.trim();
    setEditing(null);
    if (name && name !== e.name) void rename(e.id, name).catch(() => undefined);
  };
  return (
    <tr data-testid="library-row" data-id={e.id}>
      <td className="lib-name">
        {editing !== null ? (
          <input
            className="filter"
            aria-label={`New name for ${e.name}`}
            value={editing}
            autoFocus
            onChange={(x) => setEditing(x.target.value)}
            onBlur={commit}
            onKeyDown={(x) => {
              if (x.key === 'Enter') commit();
              if (x.key === 'Escape') {
                x.stopPropagation();
                setEditing(null);
              }
            }}
          />
        ) : (
          <span title={e.name} data-testid="library-name">
            {e.name}
          </span>
        )}
      </td>
      <td className="lib-inputs small" title={inputsText(e)}>
        {inputsText(e)}
      </td>
      <td className="small lib-date">{fmtDate(e.date)}</td>
      <td className="num small" title={`${fmtInt(e.size)} bytes`}>
        {formatBytes(e.size)}
      </td>
      <td className="lib-actions">
        {confirming ? (
          <span className="lib-confirm" role="alert">
            Delete “{e.name}”?{' '}
            <button className="small-btn danger" onClick={() => void remove(e.id).catch(() => undefined)}>
              Delete
            </button>{' '}
            <button className="small-btn" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </span>
        ) : (
          <>
            <button className="small-btn primary" onClick={() => onOpen(e.id)}>
              Open
            </button>{' '}
            <button className="small-btn" onClick={() => setEditing(e.name)} aria-label={`Rename ${e.name}`}>
              Rename
            </button>{' '}
            <button className="small-btn" onClick={() => setConfirming(true)} aria-label={`Delete ${e.name}`}>
              Delete
            </button>
          </>
        )}
      </td>
    </tr>
  );
}

/** The library dialog (header's Library button, the `l` key). */
export function LibraryPanel({ onClose }: { onClose: () => void }) {
  const entries = useLibrary((s) => s.entries);
  const loaded = useLibrary((s) => s.loaded);
  const error = useLibrary((s) => s.error);
  const open = useLibrary((s) => s.open);
  const [opening, setOpening] = useState<string | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);
  const total = entries.reduce((n, e) => n + e.size, 0);

  const onOpen = async (id: string) => {
    setOpening(id);
    setOpenError(null);
    try {
      const a = await open(id);
      if (!a) throw new Error('it is no longer in the library');
      await analysis.loadSaved(a);
      onClose();
    } catch (e) {
      setOpenError(`This analysis cannot be opened: ${(e as Error).message}`);
    } finally {
      setOpening(null);
    }
  };

  return (
    <Modal label="Library" onClose={onClose} className="share-modal library" testId="library-panel">
      <h2>Library</h2>
      <p className="muted small">
        Analyses saved in this browser — they stay here offline.
        {entries.length > 0 && ` ${fmtInt(entries.length)} saved, ${formatBytes(total)} in all.`}
      </p>
      {error && (
        <div className="msg error" role="alert">
          {error}
        </div>
      )}
      {openError && (
        <div className="msg error" role="alert">
          {openError}
        </div>
      )}
      {opening && (
        <div className="msg" role="status">
          Opening…
        </div>
      )}
      {loaded && entries.length === 0 && !error ? (
        <div className="lib-empty" data-testid="library-empty">
          No saved analyses yet. Open some inputs, then press <kbd>s</kbd> or <strong>Save</strong> to keep the analysis here.
        </div>
      ) : (
        <div className="lib-scroll">
          <table className="grid lib-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Inputs</th>
                <th>Saved</th>
                <th className="num">Size</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <Row key={e.id} e={e} onOpen={(id) => void onOpen(id)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="share-actions">
        <button onClick={onClose}>Close</button>
      </div>
    </Modal>
  );
}
