/** A question over the app before something is replaced: confirm or cancel (Escape and a click outside cancel). */
import type { ReactNode } from 'react';
import { Modal } from './Modal.tsx';

export function ConfirmDialog({ title, confirm, onConfirm, onCancel, children }: { title: string; confirm: string; onConfirm(): void; onCancel(): void; children: ReactNode }) {
  return (
    <Modal label={title} onClose={onCancel} className="confirm-modal" role="alertdialog" testId="confirm">
      <h2>{title}</h2>
      <p>{children}</p>
      <div className="modal-actions">
        <button onClick={onCancel}>Cancel</button>
        <button className="primary" autoFocus onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </Modal>
  );
}
