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
          <h3>Core dump (+ binaries)</h3>
          <p>
            A <code>gcore</code> or kernel core (also <code>.gz</code>, <code>.bz2</code>): glibc's heap walked as chap walks it. Drop the
            executable and <code>.so</code> files too for function names; malloc_tracer footers give who allocated what.
          </p>
        </div>
        <div>
          <h3>chap list output</h3>
          <p>
            <code>redirect on</code> then <code>list used</code> / <code>list free</code> in chap. Drop it with its core to use chap's
            boundaries.
          </p>
        </div>
        <div>
          <h3>Python tracemalloc</h3>
          <p>
            <code>tracemalloc.take_snapshot().dump(path)</code>: CPython's own statistics and <code>compare_to</code>. Drop two to see what
            grew.
          </p>
        </div>
        <div>
          <h3>meliae dump</h3>
          <p>
            <code>meliae.scanner.dump_all_objects(path)</code>: meliae's summary, referrers, and a dominator tree with retained sizes.
          </p>
        </div>
        <div>
          <h3>Two snapshots</h3>
          <p>Drop two cores, two lists or two snapshots (or use “Compare with…”): what is new, gone, grown or shrunk, side by side.</p>
        </div>
        <div>
          <h3>Saved and shared</h3>
          <p>
            The Library keeps analyses in this browser; Share… uploads one (you see exactly what leaves) and gives a link that opens the
            same view.
          </p>
        </div>
      </div>
      <p className="muted small">
        Press <kbd>?</kbd> for keyboard shortcuts.
      </p>
    </div>
  );
}
