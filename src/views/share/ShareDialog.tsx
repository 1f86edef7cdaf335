/**
 * Share…: shows exactly what would leave the browser (`describeForUpload`), with
 * optional path redaction and the upload size; Upload sends it to the share
 * server and shows the share URL (current view state included) with Copy, and
 * puts that URL in the address bar.
 */
import { useMemo, useRef, useState } from 'react';
import { fmtDuration, fmtInt, formatBytes } from '../../format/numbers.ts';
import type { SavedAnalysis } from '../../model/saved.ts';
import { analysis } from '../../state/analysis.ts';
import { doneInputs } from '../../state/inputs.ts';
import { defaultAnalysisName } from '../../state/library.ts';
import { snapshot as viewSnapshot, useView } from '../../state/view.ts';
import { uploadAnalysis } from '../../storage/share.ts';
import { useUploadPreview } from '../../state/derived.ts';
import { Modal } from '../../components/Modal.tsx';
import { markShared } from '../../state/open-shared.ts';
import { appBase, shareUrl, uploadErrorMessage } from '../../state/share-link.ts';
import { UploadPreview } from './UploadPreview.tsx';

interface Uploaded {
  id: string;
  url: string;
  bytes: number;
  ms: number;
}

/** The share dialog (header's Share… button). */
export function ShareDialog({ onClose }: { onClose: () => void }) {
  // The analysis as it is when the dialog opens (view state included).
  const original = useMemo<SavedAnalysis>(() => {
    return analysis.toSaved(defaultAnalysisName(doneInputs()));
  }, []);
  const [redact, setRedact] = useState(false);
  const [noAddresses, setNoAddresses] = useState(false);
  // Redaction, the preview and serialisation run in the aggregation worker (millions of rows take ~0.5 s).
  // The other option's preview stays on screen while this one is prepared; the bytes count only once they match it.
  const now = useUploadPreview(original, redact, noAddresses);
  const other = useUploadPreview(original, !redact, noAddresses);
  const bytes = now.value?.bytes ?? null;
  const description = now.value?.description ?? other.value?.description ?? null;
  const prepError = now.error ? `The analysis cannot be serialised: ${now.error}` : null;
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Uploaded | null>(null);
  const [copied, setCopied] = useState(false);
  const urlBox = useRef<HTMLInputElement>(null);

  const onUpload = async () => {
    if (!bytes) return;
    setUploading(true);
    setError(null);
    const t0 = performance.now();
    try {
      const id = await uploadAnalysis(bytes);
      const ms = performance.now() - t0;
      const cmp = useView.getState().cmp;
      markShared(id, cmp);
      useView.getState().setShared(id, cmp);
      setDone({ id, url: shareUrl(appBase(location), id, viewSnapshot(useView.getState())), bytes: bytes.length, ms });
    } catch (e) {
      setError(uploadErrorMessage(e, bytes.length));
    } finally {
      setUploading(false);
    }
  };

  const onCopy = async () => {
    if (!done) return;
    try {
      await navigator.clipboard.writeText(done.url);
      setCopied(true);
    } catch {
      // No clipboard permission: select the text so the user can copy it.
      urlBox.current?.select();
    }
  };

  return (
    <Modal label="Share analysis" onClose={onClose} className="share-modal share" testId="share-dialog">
      <h2>Share this analysis</h2>
      {!done && (
        <>
          <p className="muted small">
            Nothing has left this browser yet. An upload sends the tables listed below to this Heapscope server, which keeps them under a
            link anyone with the link can open.
          </p>
          <label className="check share-redact">
            <input type="checkbox" checked={redact} onChange={(e) => setRedact(e.target.checked)} disabled={uploading} />
            <span>
              Redact directory names in paths (keep base names only: <code>/home/me/src/app.py</code> → <code>…/app.py</code>)
            </span>
          </label>
          <label className="check share-redact">
            <input type="checkbox" checked={noAddresses} onChange={(e) => setNoAddresses(e.target.checked)} disabled={uploading} />
            <span>
              Leave addresses out (allocation and return addresses become 0, functions known only by an address read “(address left out)”, and
              the addresses in heap facts, warnings and the view go too; the heap map and inspector of the shared copy then have nothing to place)
            </span>
          </label>
          {description ? <UploadPreview d={description} bytes={bytes?.length ?? null} /> : <p className="muted">Preparing the upload…</p>}
          {prepError && (
            <div className="msg error" role="alert">
              {prepError}
            </div>
          )}
        </>
      )}
      {error && (
        <div className="msg error" role="alert" data-testid="share-error">
          {error}
        </div>
      )}
      {done && (
        <div className="share-done" data-testid="share-done">
          <div className="msg share-ok" role="status">
            Uploaded {fmtInt(done.bytes)} bytes ({formatBytes(done.bytes)}) in <span data-testid="upload-time">{fmtDuration(done.ms)}</span>. Anyone
            with this link sees this analysis at this view:
          </div>
          <div className="share-row">
            <input ref={urlBox} className="filter share-url mono" readOnly value={done.url} aria-label="Share URL" data-testid="share-url" onFocus={(e) => e.target.select()} />
            <button className="primary" onClick={() => void onCopy()}>
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
          <p className="muted small">The address bar shows this link too; moving around the analysis updates it.</p>
        </div>
      )}
      <div className="share-actions">
        {!done && (
          <button className="primary" disabled={!bytes || uploading} onClick={() => void onUpload()}>
            {uploading ? 'Uploading…' : bytes ? `Upload ${formatBytes(bytes.length)}` : 'Preparing…'}
          </button>
        )}
        <button onClick={onClose}>{done ? 'Close' : 'Cancel'}</button>
      </div>
    </Modal>
  );
}
