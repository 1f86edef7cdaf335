/** What the page shows before anything is loaded: what can be dropped, the demo one click away. */
export function EmptyState({ onOpen, onDemo }: { onOpen: () => void; onDemo: () => void }) {
  return (
    <div className="empty" data-testid="empty-state">
      <h1>Where is the memory?</h1>
      <p className="lead">Drop files anywhere on this page. Everything is read in your browser; nothing is uploaded.</p>
      <div className="empty-actions">
        <button className="primary" onClick={onOpen}>
          Open files…
        </button>
        <button onClick={onDemo}>Open demo</button>
      </div>
      <div className="formats">
        <div>
          <h3>chap list output</h3>
          <p>
            <code>redirect on</code> then <code>list used</code> / <code>list free</code> in chap. Drop the used and free lists
            together to see both.
          </p>
        </div>
        <div>
          <h3>Compressed inputs</h3>
          <p>
            <code>.gz</code> files are read as they are; the role of each file is found from its content, not its name.
          </p>
        </div>
      </div>
      <p className="muted small">
        Press <kbd>?</kbd> for keyboard shortcuts.
      </p>
    </div>
  );
}
