/** A question over the app before something is replaced: confirm or cancel (Escape and a click outside cancel). */
import { useEffect, type ReactNode } from 'react';

export function ConfirmDialog({ title, confirm, onConfirm, onCancel, children }: { title: string; confirm: string; onConfirm(): void; onCancel(): void; children: ReactNode }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  return (
    <div className="modal-back" onClick={onCancel}>
      <div className="modal confirm-modal" role="alertdialog" aria-label={title} data-testid="confirm" onClick={(e) => e.stopPropagation()}>
        <h2>{title}</h2>
        <p>{children}</p>
        <div className="modal-actions">
          <button onClick={onCancel}>Cancel</button>
          <button className="primary" autoFocus onClick={onConfirm}>
            {confirm}
          </button>
        </div>
      </div>
    </div>
  );
}
