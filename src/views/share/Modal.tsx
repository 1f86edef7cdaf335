/** A dialog over the app (the theme's `.modal-back` / `.modal`): closes on Escape and on a click outside. */
import { useEffect, type ReactNode } from 'react';

/** Props of `Modal`: its accessible label, the close action, extra class names. */
export interface ModalProps {
  label: string;
  onClose: () => void;
  className?: string;
  testId?: string;
  children: ReactNode;
}

/** Renders `children` in a modal dialog named `label`. */
export function Modal({ label, onClose, className, testId, children }: ModalProps) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-back" onClick={onClose}>
      <div className={`modal share-modal ${className ?? ''}`} role="dialog" aria-label={label} data-testid={testId} onClick={(e) => e.stopPropagation()}>
        {children}
      </div>
    </div>
  );
}
