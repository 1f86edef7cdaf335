/**
 * What each fuzz target runs on one input: the reader, and for readers whose
 * output a viewer computes with at once, those computations too (a saved
 * analysis is only safe if every view can be drawn from it).
 * A target ends normally, with `InputError` (a clear refusal) or with
 * `CancelledError` (the shared cancel flag was set); anything else is a crash.
 */
import type { AllocationTable } from '../src/model/allocations.ts';
import { attributionFromRows } from '../workers/logic/aggregate/attribution-rows.ts';
import { clusterRanges, heapMap } from '../workers/logic/aggregate/heap-map.ts';
import { summarize } from '../workers/logic/aggregate/summary.ts';
import { stackTree, typeObjectTree, typeSizeTree } from '../workers/logic/aggregate/trees.ts';
import { attributionHierarchy } from '../workers/logic/diff/site-keys.ts';
import { openBinary } from '../workers/logic/formats/elf/binary.ts';
import { openCore } from '../workers/logic/formats/elf/core-file.ts';
import { readChapList } from '../workers/logic/formats/chap-list/chap-list.ts';
import { readMeliae } from '../workers/logic/formats/meliae/meliae.ts';
import { readTracemalloc } from '../workers/logic/formats/tracemalloc/tracemalloc.ts';
import { dominatorLevel, forgetObjects, objectLabel, summaryOf } from '../workers/logic/graph/views.ts';
import { readMprof, mprofPeakText } from '../workers/logic/formats/mprof/mprof.ts';
import { findAllocations } from '../workers/logic/heaps/find-allocators.ts';
import { walkGlibcHeap } from '../workers/logic/heaps/glibc/glibc.ts';
import { analysePython, obmallocOf } from '../workers/logic/heaps/python/analyse.ts';
import { BytesSource } from '../workers/logic/io/source.ts';
import type { ReadControl } from '../workers/logic/io/stream.ts';
import { pyStatistics } from '../workers/logic/python/views.ts';
import { loadAnalysis } from '../workers/logic/saved/deserialize.ts';
import type { TargetName } from './seeds.ts';

type Run = (bytes: Uint8Array, name: string, ctl: ReadControl) => Promise<void>;

async function core(bytes: Uint8Array, name: string, ctl: ReadControl): Promise<void> {
  const c = await openCore(new BytesSource(name, bytes), ctl);
  // What the inspector and the walks do first: read each segment's start, look up readable runs, build-ids.
  for (const s of c.segments.slice(0, 256)) {
    await c.read(s.vaddr, Math.min(4096, s.memsz));
    c.readableEnd(s.vaddr);
  }
  for (const f of c.files.slice(0, 64)) await c.buildIdAt(f.start);
  await c.close();
}

/** The views' computations over one allocation table. */
function tableViews(t: AllocationTable): void {
  summarize([t]);
  typeSizeTree([t], { inverted: false });
  typeSizeTree([t], { inverted: true });
  heapMap([t], clusterRanges([t]), 256);
}

export const RUNS: Record<TargetName, Run> = {
  'chap-list': async (bytes, name, ctl) => {
    tableViews((await readChapList(new BytesSource(name, bytes), ctl)).table);
  },
  core,
  'core-gzip': core,
  'core-bzip2': core,
  glibc: async (bytes, name, ctl) => {
    const c = await openCore(new BytesSource(name, bytes), ctl);
    const heap = await walkGlibcHeap(c, ctl);
    tableViews(heap.table);
    await c.close();
  },
  // A CPython core as the Python view gets it: every allocator (glibc, obmalloc's arenas, pools and blocks), then
  // every Python object's type, what it owns, the type table and the advice.
  python: async (bytes, name, ctl) => {
    const c = await openCore(new BytesSource(name, bytes), ctl);
    const found = await findAllocations(c, ctl);
    tableViews(found.table);
    const ob = obmallocOf(found.contributions);
    if (ob) await analysePython(c, found.table, ob);
    await c.close();
  },
  mprof: async (bytes, name, ctl) => {
    const r = await readMprof(new BytesSource(name, bytes), ctl);
    mprofPeakText(name, r.profile);
  },
  tracemalloc: async (bytes, name, ctl) => {
    const r = await readTracemalloc(new BytesSource(name, bytes), ctl);
    pyStatistics(r.snapshot, 'traceback', false, []);
    pyStatistics(r.snapshot, 'lineno', true, []);
    const s = r.snapshot;
    stackTree({ rows: s.traces.rows, stack: s.traces.stack, size: s.traces.size }, s.stacks, s.frames, s.strings, { inverted: false });
  },
  meliae: async (bytes, name, ctl) => {
    const r = await readMeliae(new BytesSource(name, bytes), ctl);
    summaryOf(r.table, r.objects);
    dominatorLevel('fuzz', r.table, r.objects, 0);
    typeObjectTree(r.table, (row) => objectLabel(r.table, r.objects, row));
    forgetObjects('fuzz');
  },
  saved: async (bytes, name) => {
    const a = await loadAnalysis(bytes, { name });
    for (const inp of a.inputs) {
      if (inp.table) tableViews(inp.table);
      const s = inp.tracemalloc;
      if (s) {
        pyStatistics(s, 'traceback', false, []);
        stackTree({ rows: s.traces.rows, stack: s.traces.stack, size: s.traces.size }, s.stacks, s.frames, s.strings, { inverted: true });
      }
      if (inp.objects && inp.table) {
        summaryOf(inp.table, inp.objects);
        dominatorLevel('fuzz', inp.table, inp.objects, 0);
        forgetObjects('fuzz');
      }
      if (inp.attribution && inp.table) attributionHierarchy(attributionFromRows(inp.table, inp.attribution), inp.table);
    }
  },
  'elf-binary': async (bytes, name) => {
    await openBinary(new BytesSource(name, bytes));
  },
};
