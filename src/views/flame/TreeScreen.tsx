/**
 * The Flame graph and Treemap pages: the analysis's tree after the URL's
 * transforms (focus, merge, collapse, hide: workers/logic/transforms/, applied
 * in the aggregation worker through src/state/derived.ts), the
 * toolbar with the hide-frames box and the transform chips, actions on the
 * selected node, and the flame graph's sandwich of one function.
 */
import { useMemo } from 'react';
import { useView } from '../../state/view.ts';
import { useSandwich, useTransformedTree, type SandwichData } from '../../state/derived.ts';
import { fmtInt } from '../../format/numbers.ts';
import { namePath, searchHierarchy, type Hierarchy } from '../../model/hierarchy.ts';
import { HideFrames, NodeActions, TransformBar, TreeToolbar } from '../tree-controls.tsx';
import { metricText, useTreeNav } from '../tree-common.tsx';
import { FlameGraph } from './FlameGraph.tsx';
import { Treemap } from '../treemap/Treemap.tsx';

export function TreeScreen({ tree, kind }: { tree: Hierarchy; kind: 'flame' | 'treemap' }) {
  const transforms = useView((s) => s.transforms);
  const { value: shown, error } = useTransformedTree(tree, transforms);
  if (error) return <div className="msg error">The transforms could not be applied: {error}</div>;
  if (!shown) return <div className="muted">Applying the transforms…</div>;
  return <TreePage shown={shown} kind={kind} />;
}

function TreePage({ shown, kind }: { shown: Hierarchy; kind: 'flame' | 'treemap' }) {
  const sandwich = useView((s) => s.sandwich);
  const data = useSandwich(kind === 'flame' ? shown : null, sandwich).value;
  const q = useView((s) => s.q);
  const metric = useView((s) => s.metric);
  const search = useMemo(() => searchHierarchy(shown, q, metric), [shown, q, metric]);
  const toolbar = (
    <>
      <TreeToolbar tree={shown} search={search} showSort={kind === 'flame'}>
        <HideFrames />
      </TreeToolbar>
      <TransformBar />
    </>
  );
  const actions = (node: number) => <NodeActions tree={shown} node={node} path={namePath(shown, node)} sandwich={kind === 'flame'} />;
  if (kind === 'flame' && sandwich) {
    return (
      <div className="flame">
        {toolbar}
        {data?.name === sandwich ? <Sandwich data={data} /> : <div className="muted">Building the sandwich…</div>}
      </div>
    );
  }
  return kind === 'flame' ? <FlameGraph tree={shown} toolbar={toolbar} actions={actions} /> : <Treemap tree={shown} toolbar={toolbar} actions={actions} />;
}

/** speedscope's sandwich: the function's callers above, its callees below, over every place it appears. */
function Sandwich({ data }: { data: SandwichData }) {
  const setSandwich = useView((s) => s.setSandwich);
  const metric = useView((s) => s.metric);
  const { name, places, callers, callees } = data;
  const callersNav = useTreeNav(true);
  const calleesNav = useTreeNav(true);
  const total = metric === 'count' ? callees.totalCount[0] : metric === 'requested' ? callees.totalRequested[0] : callees.totalBytes[0];
  return (
    <div className="sandwich" data-testid="sandwich">
      <div className="sandwich-head">
        <span>
          Sandwich of <strong className="mono">{name}</strong>{' '}
          <span className="muted">
            · {places ? `${metricText(metric, total)} at ${fmtInt(places)} place${places === 1 ? '' : 's'} in the tree` : 'not in this tree (a transform removed it, or another input is shown)'}
          </span>
        </span>
        <span className="spacer" />
        <button className="small-btn" onClick={() => setSandwich('')}>
          Close sandwich
        </button>
      </div>
      {places > 0 && (
        <>
          <FlameGraph
            tree={callers}
            nav={callersNav}
            toolbar={false}
            keys={false}
            details={false}
            testId="sandwich-callers"
            title={<h3 className="side-title">Callers · each row down is one caller further out (the paths that lead to it)</h3>}
          />
          <FlameGraph tree={callees} nav={calleesNav} toolbar={false} testId="sandwich-callees" title={<h3 className="side-title">Callees · what it calls, merged over every place</h3>} />
        </>
      )}
    </div>
  );
}
