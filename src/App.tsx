import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { canCompare, useCompareOptions } from './state/compare.ts';
import { SnapshotBar } from './components/SnapshotBar.tsx';
import { ConfirmDialog } from './components/ConfirmDialog.tsx';
import { LostFiles } from './components/LostFiles.tsx';
import type { SnapshotKind } from './model/snapshot.ts';
import { useInputs } from './state/inputs.ts';
import { useCurrentSnapshot, type SnapshotState } from './state/snapshots.ts';
import { useSummary, useSnapshotTree } from './state/derived.ts';
import { currentFilters, usePython } from './state/python.ts';
import { CompareView } from './views/compare/CompareView.tsx';
import { EmptyState } from './components/EmptyState.tsx';
import { useFilePicker } from './components/FilePicker.tsx';
import { HelpDialog } from './components/HelpDialog.tsx';
import { InputList } from './components/InputList.tsx';
import { IsolationCheck } from './components/IsolationCheck.tsx';
import { useFileDrop } from './components/useFileDrop.ts';
import { analysis } from './state/analysis.ts';
import type { ViewId } from './state/url.ts';
import { syncViewWithUrl, useTheme, useThemeName, useView, type ThemeChoice } from './state/view.ts';
import { TreeScreen } from './views/flame/TreeScreen.tsx';
import { Histogram } from './views/histogram/Histogram.tsx';
import { Menu } from './components/Menu.tsx';
import { Seg } from './components/Seg.tsx';
import { ignoreShortcut } from './components/keys.ts';
import { useLibrary } from './state/library.ts';
import { ObjectsView } from './views/objects/ObjectsView.tsx';
import { CallersView } from './views/callers/CallersView.tsx';
import { Inspector } from './views/inspector/Inspector.tsx';
import { HeapMapView } from './views/heap-map/HeapMapView.tsx';
import { TracemallocView } from './views/tracemalloc/TracemallocView.tsx';
import { Overview } from './views/overview/Overview.tsx';
import { GroupTable } from './views/table/GroupTable.tsx';
import { PythonView } from './views/python/PythonView.tsx';
import { TimelineView } from './views/timeline/TimelineView.tsx';
import { LeaksView } from './views/leaks/LeaksView.tsx';
import { leakSetsOf } from './state/leaks.ts';
import { ShareButtons, ShareOverlays, shareKey } from './views/share/ShareUi.tsx';

interface ViewDef {
  id: ViewId;
  label: string;
  key: string;
  /** The kinds of snapshot the view means something for (Compare: when two snapshots of one kind exist). */
  kinds: SnapshotKind[];
  /** A further condition on the current snapshot. */
  when?: (s: SnapshotState) => boolean;
}

const ALL: SnapshotKind[] = ['process', 'tracemalloc', 'meliae'];

const VIEWS: ViewDef[] = [
  { id: 'overview', label: 'Overview', key: '1', kinds: ALL },
  { id: 'flame', label: 'Flame graph', key: '2', kinds: ALL },
  { id: 'treemap', label: 'Treemap', key: '3', kinds: ALL },
  { id: 'table', label: 'Table', key: '4', kinds: ['process', 'meliae'] },
  { id: 'histogram', label: 'Histogram', key: '5', kinds: ALL },
  { id: 'python', label: 'tracemalloc', key: '6', kinds: ['tracemalloc'] },
  { id: 'objects', label: 'Objects', key: '7', kinds: ['meliae'] },
  { id: 'callers', label: 'Callers', key: '8', kinds: ['process'], when: (s) => s.snap.core !== null || !!s.attribution },
  { id: 'heap', label: 'Heap map', key: '9', kinds: ['process'] },
  { id: 'leaks', label: 'Leaks', key: 'k', kinds: ['process'], when: (s) => leakSetsOf(s).length > 0 },
  { id: 'compare', label: 'Compare', key: '0', kinds: [] },
  { id: 'pyobjects', label: 'Python', key: 'y', kinds: ['process'], when: (s) => !!s.layout?.python },
];

/** memory_profiler timelines are no snapshot: the tab shows whenever an mprof run is loaded. */
const TIMELINE: ViewDef = { id: 'timeline', label: 'Timeline', key: 'm', kinds: [] };

/** The tabs that mean something for the current snapshot. */
function viewsFor(s: SnapshotState | null, comparable: boolean): ViewDef[] {
  return VIEWS.filter((v) => (v.id === 'compare' ? comparable : !!s && v.kinds.includes(s.snap.kind) && (!v.when || v.when(s))));
}

export function App() {
  const inputs = useInputs((s) => s.entries);
  const current = useCurrentSnapshot();
  const summary = useSummary(current).value;
  const view = useView((s) => s.view);
  const setView = useView((s) => s.setView);
  const inverted = useView((s) => s.inverted);
  const { hideImports, patterns, domain } = usePython();
  const filters = useMemo(() => currentFilters({ hideImports, patterns, domain }), [hideImports, patterns, domain]);
  const tree = useSnapshotTree(current, inverted, filters).value;
  const compareOptions = useCompareOptions();
  const comparable = useMemo(() => canCompare(compareOptions), [compareOptions]);
  const hasMprof = inputs.some((i) => i.status === 'done' && i.format === 'mprof');
  const views = useMemo(() => (hasMprof ? [...viewsFor(current, comparable), TIMELINE] : viewsFor(current, comparable)), [hasMprof, current, comparable]);
  const [help, setHelp] = useState(false);
  const [demoError, setDemoError] = useState<string | null>(null);
  const [confirmDemo, setConfirmDemo] = useState(false);
  const picker = useFilePicker((files) => void analysis.addFiles(files), 'file-input');
  const openPicker = picker.open;
  const onFiles = useCallback((files: File[]) => void analysis.addFiles(files), []);
  const dragging = useFileDrop(onFiles);
  const loadDemo = useCallback(() => analysis.openDemo().catch((e: Error) => setDemoError(`The demo could not be loaded: ${e.message}`)), []);
  // The demo replaces the analysis: with one open, ask first.
  const demo = useCallback(() => {
    setDemoError(null);
    if (useInputs.getState().entries.some((e) => e.status === 'done')) setConfirmDemo(true);
    else void loadDemo();
  }, [loadDemo]);

  // The key handler reads the views of the latest render without subscribing again each render.
  const viewsRef = useRef(views);
  useEffect(() => {
    viewsRef.current = views;
  }, [views]);
  useEffect(() => syncViewWithUrl(), []);
  // A URL that names the demo reopens it (reload, shared link); no error is shown yet at start-up.
  useEffect(() => {
    if (useView.getState().src === 'demo' && useInputs.getState().entries.length === 0) void loadDemo();
  }, [loadDemo]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (ignoreShortcut(e)) return;
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
        setConfirmDemo(false);
        analysis.cancelAll();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView, demo, openPicker]);

  const theme = useThemeName();
  const themeChoice = useTheme((s) => s.choice);
  const setThemeChoice = useTheme((s) => s.setChoice);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);

  const hasData = !!current;
  // A view that means nothing for this snapshot shows the overview instead.
  const shown = views.some((v) => v.id === view) ? view : hasData ? 'overview' : 'timeline';
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
        {(hasData || hasMprof) && (
          <nav className="tabs" role="tablist">
            {views.map((v) => (
              <button key={v.id} role="tab" aria-selected={shown === v.id} className={shown === v.id ? 'on' : ''} onClick={() => setView(v.id)}>
                {v.label}
              </button>
            ))}
          </nav>
        )}
        <span className="spacer" />
        <button onClick={picker.open}>Open files…</button>
        {!hasData && <button onClick={demo}>Open demo</button>}
        <ShareButtons loaded={hasData} library={false} />
        <Menu label="⋯" title="More">
          {(close) => (
            <>
              {hasData && (
                <button role="menuitem" onClick={() => (close(), demo())}>
                  Open demo
                </button>
              )}
              {inputs.length > 0 && (
                <button role="menuitem" onClick={() => (close(), analysis.clear())}>
                  New analysis
                </button>
              )}
              <button role="menuitem" onClick={() => (close(), useLibrary.getState().openPanel('library'))}>
                Library… <kbd>l</kbd>
              </button>
              <button role="menuitem" onClick={() => (close(), setHelp(true))}>
                Keyboard shortcuts <kbd>?</kbd>
              </button>
              <div className="menu-row">
                <span className="muted small">Theme</span>
                <Seg<ThemeChoice>
                  label="Theme"
                  value={themeChoice}
                  onChange={setThemeChoice}
                  options={[
                    { value: 'system', label: 'System' },
                    { value: 'light', label: 'Light' },
                    { value: 'dark', label: 'Dark' },
                  ]}
                />
              </div>
            </>
          )}
        </Menu>
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
        <LostFiles />
        <SnapshotBar />
        {shown === 'timeline' && hasMprof ? (
          <div className="view" data-testid="view-timeline">
            <TimelineView />
          </div>
        ) : hasData ? (
          <div className="view" data-testid={`view-${shown}`}>
            {shown === 'compare' ? (
              <CompareView />
            ) : !summary ? (
              <div className="muted">Aggregating…</div>
            ) : (
              <>
                {shown === 'overview' && <Overview summary={summary} />}
                {shown === 'flame' && (tree ? <TreeScreen tree={tree} kind="flame" /> : <div className="muted">Building the tree…</div>)}
                {shown === 'treemap' && (tree ? <TreeScreen tree={tree} kind="treemap" /> : <div className="muted">Building the tree…</div>)}
                {shown === 'histogram' && <Histogram buckets={summary.histogram} />}
                {shown === 'table' && <GroupTable summary={summary} />}
                {shown === 'python' && <TracemallocView />}
                {shown === 'objects' && <ObjectsView />}
                {shown === 'callers' && <CallersView />}
                {shown === 'heap' && <HeapMapView />}
                {shown === 'pyobjects' && <PythonView />}
                {shown === 'leaks' && <LeaksView />}
              </>
            )}
          </div>
        ) : (
          // The format guidance stays after a failed input: nothing loaded yet.
          !inputs.some((i) => i.status === 'done' || i.status === 'reading') && <EmptyState onOpen={picker.open} onDemo={demo} />
        )}
      </main>
      {dragging && <div className="drop-overlay">Drop to add to the analysis</div>}
      {help && <HelpDialog onClose={() => setHelp(false)} />}
      {confirmDemo && (
        <ConfirmDialog
          title="Open the demo?"
          confirm="Replace with the demo"
          onConfirm={() => {
            setConfirmDemo(false);
            void loadDemo();
          }}
          onCancel={() => setConfirmDemo(false)}
        >
          The demo replaces the current analysis ({inputs.length} file{inputs.length === 1 ? '' : 's'}). Save it first (s) to keep it in the library.
        </ConfirmDialog>
      )}
      <Inspector />
    </div>
  );
}
