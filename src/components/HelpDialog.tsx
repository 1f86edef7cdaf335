/** Keyboard shortcut help, opened with `?`. */
import { Modal } from './Modal.tsx';

export const SHORTCUTS: [string, string][] = [
  ['o', 'Open files…'],
  ['d', 'Open the demo analysis'],
  ['s / l', 'Save the analysis to the library / open the library'],
  ['1 … 9, 0', 'Overview / Flame graph / Treemap / Table / Histogram / tracemalloc / Objects / Callers / Heap map / Compare'],
  ['k', "Leaks (chap's sets of a core)"],
  ['/', 'Search names'],
  ['↑ ↓ ← →', 'Flame graph: move the selection (parent, child, siblings)'],
  ['Enter / Backspace', 'Flame graph: zoom to the selection / zoom out'],
  ['Esc', 'Cancel reading, close the inspector or this help'],
  ['?', 'Show this help'],
];

export function HelpDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal label="Keyboard shortcuts" onClose={onClose}>
      <h2>Keyboard shortcuts</h2>
      <table className="grid">
        <tbody>
          {SHORTCUTS.map(([k, v]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button onClick={onClose}>Close</button>
    </Modal>
  );
}
