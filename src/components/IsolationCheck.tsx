/** Explains, at start-up, when the page is not cross-origin isolated (SharedArrayBuffer unavailable). */
export function IsolationCheck() {
  if (typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated) return null;
  return (
    <div className="banner error" role="alert" data-testid="isolation-error">
      <strong>This page is not cross-origin isolated.</strong> Heapscope shares its tables between workers and views through
      SharedArrayBuffer, which browsers only allow when the server sends{' '}
      <code>Cross-Origin-Opener-Policy: same-origin</code> and <code>Cross-Origin-Embedder-Policy: require-corp</code>. Serve
      the app with <code>npm start</code>, <code>npm run dev</code> or <code>npm run preview</code> (they send both headers), or
      add them to your own server. Until then inputs are copied between threads, which is slower and cannot be cancelled.
    </div>
  );
}
