/**
 * The save / library / share user interface as the app mounts it: the header
 * buttons (`ShareButtons`), the dialogs and the shared-URL status banner
 * (`ShareOverlays`, which also starts the shared-URL loader), and the keyboard
 * shortcuts `s` (save) and `l` (library) (`shareKey`).
 */
import { useEffect } from 'react';
import { fmtDuration, fmtInt } from '../../format/numbers.ts';
import { doneInputs } from '../../state/inputs.ts';
import { useLibrary } from '../../state/library.ts';
import { LibraryPanel } from './LibraryPanel.tsx';
import { retryShared, startSharedUrlLoader, useSharedOpen } from '../../state/open-shared.ts';
import { SaveDialog } from './SaveDialog.tsx';
import { ShareDialog } from './ShareDialog.tsx';

const hasAnalysis = (): boolean => doneInputs().length > 0;

/** Handles the keys `s` (save, when an analysis is loaded) and `l` (library); true when `key` was one of them. */
export function shareKey(key: string): boolean {
  const { openPanel } = useLibrary.getState();
  if (key === 's' && hasAnalysis()) openPanel('save');
  else if (key === 'l') openPanel('library');
  else return false;
  return true;
}

/** Header buttons: Save and Share… (with an analysis loaded) and Library (unless `library` is false: the app has it in its menu). */
export function ShareButtons({ loaded, library = true }: { loaded: boolean; library?: boolean }) {
  const openPanel = useLibrary((s) => s.openPanel);
  return (
    <>
      {loaded && (
        <>
          <button onClick={() => openPanel('save')} title="Save to the library (s)">
            Save
          </button>
          <button onClick={() => openPanel('share')} title="Upload and get a link">
            Share…
          </button>
        </>
      )}
      {library && (
        <button onClick={() => openPanel('library')} title="Saved analyses (l)">
          Library
        </button>
      )}
    </>
  );
}

/** Progress and failures of opening a share URL; the note about a `cmp=` analysis loaded as B. */
function SharedStatus() {
  const { status, message, note, bytes, fetchMs, ms, id, dismiss } = useSharedOpen();
  if (status === 'loading')
    return (
      <div className="banner share-banner" role="status" data-testid="shared-status">
        <span className="share-spinner" aria-hidden="true" /> {message}
      </div>
    );
  if (status === 'error')
    return (
      <div className="banner error share-banner" role="alert" data-testid="shared-error">
        {message}
        <span className="spacer" />
        <button className="small-btn" onClick={retryShared}>
          Try again
        </button>
        <button className="small-btn" onClick={dismiss} aria-label="Dismiss">
          ✕
        </button>
      </div>
    );
  if (status === 'done')
    return (
      <div className="banner share-banner share-ok" role="status" data-testid="shared-loaded" title={id}>
        Opened shared analysis {id.slice(0, 12)}… ({fmtInt(bytes)} bytes fetched and decoded in {fmtDuration(fetchMs)}, shown in {fmtDuration(ms)}).
        {note && ` ${note}`}
        <span className="spacer" />
        <button className="small-btn" onClick={dismiss} aria-label="Dismiss">
          ✕
        </button>
      </div>
    );
  return null;
}

/** The open dialog (save, library or share) and the shared-URL banner; starts the shared-URL loader once. */
export function ShareOverlays() {
  const panel = useLibrary((s) => s.panel);
  const close = useLibrary((s) => s.closePanel);
  useEffect(() => startSharedUrlLoader(), []);
  return (
    <>
      <SharedStatus />
      {panel === 'save' && <SaveDialog onClose={close} />}
      {panel === 'library' && <LibraryPanel onClose={close} />}
      {panel === 'share' && <ShareDialog onClose={close} />}
    </>
  );
}
