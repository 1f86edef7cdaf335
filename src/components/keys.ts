/**
 * Keyboard helpers shared by the app's shortcuts and the views' arrow keys.
 * Shortcuts work whatever has the focus — a checkbox, a button, a canvas — except
 * where a key types text or moves a control's value (text boxes, selects).
 */
import { useEffect } from 'react';

const TEXT_INPUTS = new Set(['text', 'search', 'number', 'email', 'password', 'url', 'tel']);

/** True when `target` takes typed characters (so a letter or digit is not a shortcut there). */
export function isTextTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && TEXT_INPUTS.has(target.type);
}

/** True when an arrow key on `target` belongs to it (text boxes, selects, range sliders, radio groups). */
export function ownsArrows(target: EventTarget | null): boolean {
  if (isTextTarget(target)) return true;
  return target instanceof HTMLInputElement && (target.type === 'range' || target.type === 'radio');
}

/** True when a shortcut should not fire: typing in a field, or with Ctrl / Meta / Alt held. */
export function ignoreShortcut(e: KeyboardEvent): boolean {
  return isTextTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey;
}

/** Calls `onEscape` when Escape is pressed anywhere on the page (a dialog, the inspector). */
export function useEscape(onEscape: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onEscape();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onEscape]);
}
