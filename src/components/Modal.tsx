/** A dialog over the app (the theme's `.modal-back` / `.modal`): closes on Escape and on a click outside. */
import type { ReactNode } from 'react';
import { useEscape } from './keys.ts';

/** Props of `Modal`: its accessible label, the close action, extra class names, its role. */
export interface ModalProps {
  label: string;
  onClose: () => void;
  className?: string;
  testId?: string;
  /** `alertdialog` for a question that needs an answer. */
  role?: 'dialog' | 'alertdialog';
  children: ReactNode;
}

/** Renders `children` in a modal dialog named `label`. */
export function Modal({ label, onClose, className, testId, role = 'dialog', children }: ModalProps) {
  useEscape(onClose);
  return (
    <div className="modal-back" onClick={onClose}>
      <div className={`modal ${className ?? ''}`} role={role} aria-label={label} data-testid={testId} onClick={(e) => e.stopPropagation()}>
        {children}
      </div>
    </div>
  );
}
