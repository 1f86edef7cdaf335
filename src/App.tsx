import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { canCompare, useCompareOptions } from './state/compare.ts';
import { CompareView } from './views/compare/CompareView.tsx';
import { EmptyState } from './components/EmptyState.tsx';
import { useFilePicker } from './components/FilePicker.tsx';
import { HelpDialog } from './components/HelpDialog.tsx';
import { InputList } from './components/InputList.tsx';
import { IsolationCheck } from './components/IsolationCheck.tsx';
import { useFileDrop } from './components/useFileDrop.ts';
import { useAnalysis } from './state/analysis.ts';
import { useTree } from './state/tree.ts';
import type { ViewId } from './state/url.ts';
import { syncViewWithUrl, useView } from './state/view.ts';
import { FlameGraph } from './views/flame/FlameGraph.tsx';
import { Histogram } from './views/histogram/Histogram.tsx';
import { Treemap } from './views/treemap/Treemap.tsx';
import { ObjectsView } from './views/objects/ObjectsView.tsx';
import { CallersView } from './views/callers/CallersView.tsx';
import { Inspector } from './views/inspector/Inspector.tsx';
import { HeapView } from './views/heap/HeapView.tsx';
import { TracemallocView } from './views/python/TracemallocView.tsx';
import { Overview } from './views/overview/Overview.tsx';
import { GroupTable } from './views/table/GroupTable.tsx';
import { ShareButtons, ShareOverlays, shareKey } from './views/share/ShareUi.tsx';

interface ViewDef {
  id: ViewId;
  label: string;
  key: string;
  /** Shown only when an input of this kind is loaded. */
  needs?: 'tracemalloc' | 'objects' | 'core' | 'compare';
}

const VIEWS: ViewDef[] = [
  { id: 'overview', label: 'Overview', key: '1' },
  { id: 'flame', label: 'Flame graph', key: '2' },
  { id: 'treemap', label: 'Treemap', key: '3' },
  { id: 'table', label: 'Table', key: '4' },
  { id: 'histogram', label: 'Histogram', key: '5' },
  { id: 'python', label: 'tracemalloc', key: '6', needs: 'tracemalloc' },
  { id: 'objects', label: 'Objects', key: '7', needs: 'objects' },
  { id: 'callers', label: 'Callers', key: '8', needs: 'core' },
  { id: 'heap', label: 'Heap map', key: '9' },
  { id: 'compare', label: 'Compare', key: '0', needs: 'compare' },
];

export function App() {
  const { inputs, summary, summarizing, addFiles, openDemo, clear, cancel } = useAnalysis();
  const view = useView((s) => s.view);
  const setView = useView((s) => s.setView);
  const tree = useTree((s) => s.tree);
  const compareOptions = useCompareOptions().options;
  const comparable = useMemo(() => canCompare(compareOptions), [compareOptions]);
  const views = VIEWS.filter(
    (v) =>
      !v.needs ||
      (v.needs === 'compare'
        ? comparable
        : inputs.some((i) => i.status === 'done' && (v.needs === 'tracemalloc' ? i.tracemalloc : v.needs === 'objects' ? i.objects : i.format === 'core'))),
  );
  const coreBusy = useAnalysis((s) => s.coreBusy);
  const [help, setHelp] = useState(false);
  const [demoError, setDemoError] = useState<string | null>(null);
  const picker = useFilePicker((files) => void addFiles(files), 'file-input');
  const openPicker = picker.open;
  const onFiles = useCallback((files: File[]) => void addFiles(files), [addFiles]);
  const dragging = useFileDrop(onFiles);
  const loadDemo = useCallback(() => openDemo().catch((e: Error) => setDemoError(`The demo could not be loaded: ${e.message}`)), [openDemo]);
  const demo = useCallback(() => {
    setDemoError(null);
    void loadDemo();
  }, [loadDemo]);

  // The key handler reads the views of the latest render without subscribing again each render.
  const viewsRef = useRef(views);
  useEffect(() => {
    viewsRef.current = views;
  }, [views]);
  useEffect(() => syncViewWithUrl(), []);
  // A URL that names the demo reopens it (reload, shared link); no error is shown yet at start-up.
  useEffect(() => {
    if (useView.getState().src === 'demo' && useAnalysis.getState().inputs.length === 0) void loadDemo();
  }, [loadDemo]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '/') {
        const box = document.querySelector<HTMLInputElement>('input[type=search]');
        if (box) {
          e.preventDefault();
          box.focus();
        }
        return;
      }
      const v = viewsRef.current.find((x) => x.key === e.key);
      if (v) setView(v.id);
      else if (e.key === '?') setHelp((h) => !h);
      else if (e.key === 'o') openPicker();
      else if (e.key === 'd') demo();
      else if (shareKey(e.key)) e.preventDefault();
      else if (e.key === 'Escape') {
        setHelp(false);
        for (const i of useAnalysis.getState().inputs) if (i.status === 'reading') cancel(i.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView, demo, cancel, openPicker]);

  const hasData = !!summary && summary.totals.rows >= 0 && inputs.some((i) => i.status === 'done');
  return (
    <div className={`app ${dragging ? 'dragging' : ''}`}>
      <header className="topbar">
        <div className="brand">
          <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
            <rect x="5" y="18" width="5" height="9" fill="#4cc9f0" />
            <rect x="12" y="11" width="5" height="16" fill="#4361ee" />
            <rect x="19" y="6" width="5" height="21" fill="#f72585" />
          </svg>
          Heapscope
        </div>
        {hasData && (
          <nav className="tabs" role="tablist">
            {views.map((v) => (
              <button key={v.id} role="tab" aria-selected={view === v.id} className={view === v.id ? 'on' : ''} onClick={() => setView(v.id)}>
                {v.label}
              </button>
            ))}
          </nav>
        )}
        <span className="spacer" />
        <button onClick={picker.open}>Open files…</button>
        <button onClick={demo}>Open demo</button>
        {inputs.length > 0 && <button onClick={clear}>New analysis</button>}
        <ShareButtons loaded={hasData} />
        <button aria-label="Keyboard shortcuts" onClick={() => setHelp(true)}>
          ?
        </button>
        {picker.input}
      </header>
      <IsolationCheck />
      <ShareOverlays />
      {demoError && (
        <div className="banner error" role="alert">
          {demoError}
        </div>
      )}
      <main>
        <InputList />
        {summarizing && <div className="muted small">Aggregating…</div>}
        {coreBusy && (
          <div className="muted small" role="status">
            {coreBusy}
          </div>
        )}
        {hasData && summary ? (
          <div className="view" data-testid={`view-${view}`}>
            {view === 'overview' && <Overview summary={summary} />}
            {view === 'flame' && (tree ? <FlameGraph tree={tree} /> : <div className="muted">Building the tree…</div>)}
            {view === 'treemap' && (tree ? <Treemap tree={tree} /> : <div className="muted">Building the tree…</div>)}
            {view === 'histogram' && <Histogram buckets={summary.histogram} />}
            {view === 'table' && <GroupTable summary={summary} />}
            {view === 'python' && <TracemallocView />}
            {view === 'objects' && <ObjectsView />}
            {view === 'callers' && <CallersView />}
            {view === 'heap' && <HeapView />}
            {view === 'compare' && <CompareView />}
          </div>
        ) : (
          inputs.length === 0 && <EmptyState onOpen={picker.open} onDemo={demo} />
        )}
      </main>
      {dragging && <div className="drop-overlay">Drop to add to the analysis</div>}
      {help && <HelpDialog onClose={() => setHelp(false)} />}
      <Inspector />
    </div>
  );
}
