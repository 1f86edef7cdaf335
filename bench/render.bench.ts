/**
 * Layout cost of the tree views in Node (the same functions the browser calls
 * before drawing): flame graph and treemap of 100k-node trees, wide and deep.
 * Canvas draw times come from the browser run (e2e/perf.spec.ts, see BENCHMARKS.md).
 */
import { HierarchyBuilder } from '../workers/logic/aggregate/hierarchy.ts';
import { type Hierarchy } from '../src/model/hierarchy.ts';
import { layoutFlame } from '../src/layout/flame.ts';
import { layoutTreemap } from '../src/layout/treemap.ts';
import { timeRuns } from './timing.ts';

/** ~100k nodes: 100 libraries × 100 functions × 10 sites, sizes spread over four orders of magnitude. */
function bushy(): Hierarchy {
  const b = new HierarchyBuilder('all', ['all', 'library', 'function', 'site']);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  for (let l = 0; l < 100; l++) {
    const lib = b.child(0, b.nameId(`lib${l}.so`), b.groupId(`lib${l}`));
    for (let f = 0; f < 100; f++) {
      const fn = b.child(lib, b.nameId(`func_${l}_${f}`), b.groupId(`lib${l}`));
      for (let s = 0; s < 10; s++) b.add(b.child(fn, b.nameId(`+0x${s.toString(16)}`), b.groupId(`lib${l}`)), Math.floor(10 ** (1 + 4 * rnd())), 1, 0);
    }
  }
  return b.build();
}


export async function run(): Promise<void> {
  const h = bushy();
  console.log(`tree: ${h.size.toLocaleString('en-US')} nodes`);
  const f = timeRuns(20, () => layoutFlame(h, 'bytes', 0, 1280));
  const rects = layoutFlame(h, 'bytes', 0, 1280).length;
  console.log(`flame layout, 1280 px: median ${f.median.toFixed(2)} ms, max ${f.max.toFixed(2)} ms (${rects.toLocaleString('en-US')} rectangles drawn)`);
  const t = timeRuns(20, () => layoutTreemap(h, 'bytes', 0, 1280, 560));
  const cells = layoutTreemap(h, 'bytes', 0, 1280, 560).length;
  console.log(`treemap layout, 1280×560: median ${t.median.toFixed(2)} ms, max ${t.max.toFixed(2)} ms (${cells.toLocaleString('en-US')} cells drawn)`);
  const fz = timeRuns(20, () => layoutFlame(h, 'bytes', 1, 1280));
  console.log(`flame layout zoomed to one library: median ${fz.median.toFixed(2)} ms`);
  console.log('goal: layout + draw well under 16 ms per frame (60 fps) for 100k nodes');
}
