/**
 * Comparison engine: two 2.6M-allocation snapshots → diff rows.
 *
 * - chap-list style: two allocation tables generated in memory (different seeds,
 *   B with more of one class and a shifted size mix), by class and by size class:
 *   typeSizeTree ×2 + diffHierarchies + diffRows;
 * - footer style: two synthetic attributions of 2.6M allocations over 40,000
 *   return addresses in 400 functions of 20 libraries (B: some sites gone, some
 *   new), by function and by site: attributionHierarchy ×2 (its `(no footer)`
 *   pass reads every row) + diffHierarchies + diffRows;
 * - tracemalloc (when ../shared is there): the service.py snapshots by traceback,
 *   compare_to rows and the stack-tree diff.
 */
import { AllocationTableBuilder, AllocState, type AllocationTable } from '../src/model/allocations.ts';
import type { Attribution } from '../workers/logic/formats/malloc-tracer/attribution.ts';
import type { FunctionNode, LibraryNode, Sizes } from '../src/model/attribution.ts';
import { stackTree, typeSizeTree } from '../workers/logic/aggregate/trees.ts';
import { diffHierarchies } from '../workers/logic/diff/diff-hierarchies.ts';
import { diffRows, pythonDiffRows } from '../workers/logic/diff/rows.ts';
import { attributionHierarchy } from '../workers/logic/diff/site-keys.ts';
import { readTracemalloc } from '../workers/logic/formats/tracemalloc/tracemalloc.ts';
import { NodeFileSource } from '../cli/node-source.ts';
import type { ModuleMap } from '../workers/logic/symbols/modules.ts';
import { hasShared, sharedPath } from '../test-support/shared.ts';
import { timeRuns } from './timing.ts';
import { xorshift32 } from '../test-support/rng.ts';

const N = 2_600_000;


/** A chap-list-like table: glibc-like usable sizes, 20% of rows with one of a few classes (B: more of the last one). */
function genTable(seed: number, skew: number): AllocationTable {
  const rnd = xorshift32(seed);
  const b = new AllocationTableBuilder({ expectedRows: N });
  const classes = ['widgets::Rect', 'widgets::Circle', 'std::_Sp_counted_ptr<Session*>', 'app::CacheEntry', 'app::Session'].map((c) => b.strings.intern(c));
  let addr = 0x5574cccbc010;
  for (let i = 0; i < N; i++) {
    const r = rnd();
    const size = r < 0.97 ? 0x18 + 16 * Math.floor(rnd() * (24 + skew)) : 0x18 + 16 * Math.floor(rnd() * 4096);
    const t = r < 0.2 ? classes[Math.floor(rnd() * (classes.length - 1 + skew))] : 0;
    b.add(Math.floor(addr / 4294967296), addr % 4294967296, size, AllocState.Used, t ?? 0);
    addr += size + 8;
  }
  return b.freeze();
}

const zero = (): Sizes => ({ count: 0, user: 0, mem: 0, chunk: 0 });

/** A synthetic footer attribution of `table`: 40,000 sites; rows are given sites at random, 0.1% none (no footer). */
function genAttribution(table: AllocationTable, seed: number, siteShift: number): Attribution {
  const rnd = xorshift32(seed);
  const SITES = 40_000;
  const rowSite = new Uint32Array(table.rows);
  const siteSizes = Array.from({ length: SITES }, zero);
  const rowRequested = new Float64Array(table.rows).fill(NaN);
  const errors = { count: 0, chunk: 0 };
  for (let i = 0; i < table.rows; i++) {
    const size = table.size[i];
    if (rnd() < 0.001) {
      errors.count++;
      errors.chunk += size;
      continue;
    }
    const s = (Math.floor(rnd() * rnd() * SITES) + siteShift) % SITES;
    rowSite[i] = s + 1;
    const z = siteSizes[s];
    const req = size - 16 - (i % 8);
    z.count++;
    z.user += req;
    z.mem += size - 16;
    z.chunk += size;
    rowRequested[i] = req;
  }
  const libraries: LibraryNode[] = [];
  for (let l = 0; l < 20; l++) {
    const lib: LibraryNode = { name: `/usr/lib/x86_64-linux-gnu/lib${l}.so.${l % 3}`, sizes: zero(), functions: [] };
    for (let f = 0; f < 20; f++) {
      const fn: FunctionNode = { name: `ns${l}::Class${f % 7}::method${f}(unsigned long, std::vector<int, std::allocator<int> > const&)`, sizes: zero(), sites: [] };
      for (let k = 0; k < 100; k++) {
        const id = (l * 20 + f) * 100 + k;
        const z = siteSizes[id];
        if (!z.count) continue;
        fn.sites.push({ id, addr: 0x7f0000000000 + id * 16, offset: 0x10 + k * 0x24, sizes: z });
        for (const t of [fn.sizes, lib.sizes]) {
          t.count += z.count;
          t.user += z.user;
          t.mem += z.mem;
          t.chunk += z.chunk;
        }
      }
      if (fn.sites.length) lib.functions.push(fn);
    }
    libraries.push(lib);
  }
  const total = zero();
  for (const l of libraries) {
    total.count += l.sizes.count;
    total.user += l.sizes.user;
    total.mem += l.sizes.mem;
    total.chunk += l.sizes.chunk;
  }
  const modules: ModuleMap = { modules: [], rangeStart: new Float64Array(0), rangeEnd: new Float64Array(0), rangeModule: new Int32Array(0), warnings: [] };
  const sites = { rows: 0, addr: new Float64Array(0), lib: new Uint32Array(0), func: new Uint32Array(0), offset: new Float64Array(0), exec: new Uint8Array(0), strings: { bytes: new Uint8Array(0), offsets: new Uint32Array(1) } };
  return { total, errors, checked: table.rows, valid: total.count, detected: true, libraries, sites, table: { ...table, site: rowSite, requested: rowRequested }, rowSite, rowRequested, modules, warnings: [] };
}

function time(label: string, reps: number, fn: () => string): void {
  const r = timeRuns(reps, fn);
  console.log(`${label}: best ${r.best.toFixed(0)} ms (median ${r.median.toFixed(0)} ms) — ${r.value}`);
}

export async function run(): Promise<void> {
  const t0 = performance.now();
  const a = genTable(12345, 0);
  const b = genTable(67890, 1);
  console.log(`generated two tables of ${N.toLocaleString('en-US')} allocations in ${(performance.now() - t0).toFixed(0)} ms (not timed below)`);

  time('chap lists, by class (2 trees + diff + rows)', 5, () => {
    const d = diffHierarchies(typeSizeTree([a]), typeSizeTree([b]));
    const rows = diffRows(d, 1);
    return `${d.size} nodes, ${rows.length} rows`;
  });
  time('chap lists, by size class (2 inverted trees + diff + rows)', 5, () => {
    const d = diffHierarchies(typeSizeTree([a], { inverted: true }), typeSizeTree([b], { inverted: true }));
    const rows = diffRows(d, 1);
    return `${d.size} nodes, ${rows.length} rows`;
  });

  const ta = typeSizeTree([a]);
  const tb = typeSizeTree([b]);
  time('chap lists, by class: diff + rows only (trees built)', 5, () => `${diffRows(diffHierarchies(ta, tb), 1).length} rows`);

  const fa = genAttribution(a, 1, 0);
  const fb = genAttribution(b, 2, 17);
  const ha = attributionHierarchy(fa, a);
  const hb = attributionHierarchy(fb, b);
  time('footers: diff + rows at 2 levels only (hierarchies built)', 5, () => {
    const d = diffHierarchies(ha, hb);
    return `${diffRows(d, 2).length + diffRows(d, 3).length} rows`;
  });
  time('footers, by function and by site (2 hierarchies + diff + rows at 2 levels)', 5, () => {
    const d = diffHierarchies(attributionHierarchy(fa, a), attributionHierarchy(fb, b));
    const fn = diffRows(d, 2);
    const site = diffRows(d, 3);
    return `${d.size} nodes, ${fn.length} function rows, ${site.length} site rows`;
  });

  if (!hasShared('fixtures', 'tracemalloc')) {
    console.log(`SKIPPED tracemalloc: ${sharedPath('fixtures', 'tracemalloc')} is absent`);
    return;
  }
  const load = async (f: string) => {
    const src = await NodeFileSource.open(sharedPath('fixtures', 'tracemalloc', f));
    try {
      return (await readTracemalloc(src)).snapshot;
    } finally {
      await src.close();
    }
  };
  const before = await load('before.tracemalloc');
  const after = await load('after.tracemalloc');
  time(`tracemalloc (${before.traces.rows.toLocaleString('en-US')} → ${after.traces.rows.toLocaleString('en-US')} traces), compare_to by traceback`, 5, () => `${pythonDiffRows(before, after, 'traceback').length} rows`);
  time('tracemalloc, stack-tree diff (2 trees + diff + leaf rows)', 5, () => {
    const w = (s: typeof before) => ({ rows: s.traces.rows, stack: s.traces.stack, size: s.traces.size });
    const d = diffHierarchies(stackTree(w(before), before.stacks, before.frames, before.strings), stackTree(w(after), after.stacks, after.frames, after.strings));
    return `${d.size} nodes, ${diffRows(d, 'leaves').length} rows`;
  });
}
