/**
 * After a reload, local files are gone (the browser never keeps them): when the
 * page showed an analysis of files of your own, it names them (name and size)
 * so they can be dropped again, and offers the library of saved analyses.
 */
import { useState } from 'react';
import { formatBytes } from '../format/numbers.ts';
import { rememberedFiles, rememberFiles, useInputs } from '../state/inputs.ts';
import { useLibrary } from '../state/library.ts';
import { useView } from '../state/view.ts';

export function LostFiles() {
  const [files] = useState(rememberedFiles);
  const [dismissed, setDismissed] = useState(false);
  const inputs = useInputs((s) => s.entries.length);
  const shared = useView((s) => s.analysis || s.src);
  const openLibrary = useLibrary((s) => s.openPanel);
  if (dismissed || inputs > 0 || shared || files.length === 0) return null;
  return (
    <div className="banner info" role="status" data-testid="lost-files">
      <div>
        The page was reloaded and the browser does not keep dropped files: drop them again to see this analysis —{' '}
        {files.map((f, i) => (
          <span key={i}>
            {i > 0 && ', '}
            <strong>{f.name}</strong> ({formatBytes(f.size)})
          </span>
        ))}
        . Saved analyses are in the library.
      </div>
      <div className="banner-actions">
        <button onClick={() => openLibrary('library')}>Open the library</button>
        <button
          onClick={() => {
            rememberFiles([]);
            setDismissed(true);
          }}
        >
          Dismiss
        </button>
      </div>
    </div>
  );
}
