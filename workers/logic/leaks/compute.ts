/**
 * Leak analysis of one core: the reference graph of its used allocations,
 * chap's anchors (registers, stacks, static memory) and sets, as `AllocFlag`
 * bits for the allocation table's `flags` column. Start reading here.
 *
 * Order, as chap's Linux process image: allocator claims (glibc heaps, the
 * main arena, its pages, mmapped chunks), then stacks (pthread lists, then the
 * main stack), then the static ranges that are left, then the graph, the anchor
 * points and the walks.
 */
import type { AllocationTable } from '../../../src/model/allocations.ts';
import type { ReferenceGraph } from '../../../src/model/references.ts';
import type { CoreFile } from '../formats/elf/core-file.ts';
import type { InputWarning } from '../io/errors.ts';
import type { ReadControl } from '../io/stream.ts';
import { buildAddressMap, PF_W, type AddressMap } from './address-map.ts';
import { AllocationIndex } from './allocation-index.ts';
import { findAnchors, type AnchorList } from './anchors.ts';
import { claimGlibcRanges, type GlibcLayoutInfo } from './glibc-claims.ts';
import { buildReferenceGraph, type GraphStats } from './graph.ts';
import { computeLeakFlags } from './leak-sets.ts';
import { Partition } from './partition.ts';
import { claimPythonArenas, type PythonArenas } from './python-claims.ts';
import type { Interval } from './ranges.ts';
import { findStacks, threadRegisters, type StackRegion, type ThreadRegisters } from './stacks.ts';
import { WordReader } from './word-reader.ts';
import type { SeenHeapWords } from './heap-words.ts';

export interface LeakAnalysis {
  /** `AllocFlag` bits per table row. */
  flags: Uint16Array;
  graph: ReferenceGraph;
  anchors: AnchorList;
  stacks: StackRegion[];
  threads: ThreadRegisters[];
  staticRanges: readonly Interval[];
  map: AddressMap;
  index: AllocationIndex;
  warnings: InputWarning[];
  stats: GraphStats & { staticBytes: number; stackBytes: number; ms: { claims: number; graph: number; anchors: number; sets: number } };
}

export interface LeakInputs {
  core: CoreFile;
  table: AllocationTable;
  /** The glibc walk's layout (heaps, main arena, mmapped chunks); absent when the heap is not glibc's. */
  glibc?: GlibcLayoutInfo;
  /** Memory other allocators claim (tcmalloc's spans, …), from the allocator registry's `claims`. */
  claims?: readonly { start: number; size: number; label: string }[];
  /** CPython's obmalloc arenas, claimed after glibc's ranges as chap claims them. */
  python?: PythonArenas;
  /** The words the heap walk's reads held that may point into the heap (`heap-words.ts`): the graph reads only the rest. */
  seen?: SeenHeapWords;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export async function analyzeLeaks({ core, table, glibc, claims, python, seen }: LeakInputs, ctl?: ReadControl): Promise<LeakAnalysis> {
  const t0 = now();
  const warnings: InputWarning[] = [];
  const warn = (message: string): void => {
    warnings.push({ file: core.name, message });
  };
  const map = buildAddressMap(core);
  const w = core.pointerSize;
  const partition = new Partition(map);
  if (glibc) claimGlibcRanges(glibc, table, map, w, partition);
  for (const c of claims ?? []) partition.claim(c.start, c.size, c.label, false);
  if (!glibc && !claims?.length) warn('no allocator layout was given: no heap memory is excluded from static anchors');
  if (python) claimPythonArenas(python, partition);
  const threads = threadRegisters(core);
  if (!threads.length) warn('the core has no threads (no NT_PRSTATUS note): no register or stack anchors');
  const st = await findStacks(core, map, threads, partition);
  for (const m of st.warnings) warn(m);
  const staticRanges = partition.staticRanges();
  let missingWritable = 0;
  let missingBytes = 0;
  for (const r of map.ranges) {
    if (r.flags & PF_W && !r.imaged && !partition.isClaimed(r.base)) {
      missingWritable++;
      missingBytes += r.limit - r.base;
    }
  }
  if (missingWritable) {
    warn(
      `${missingWritable} writable range(s) (${missingBytes.toLocaleString('en-US')} bytes) are not in the core (truncated or not dumped): ` +
        'pointers there cannot anchor anything, so more may show as leaked than really are',
    );
  }
  const staticBytes = staticRanges.reduce((s, r) => s + r.limit - r.base, 0);
  const stackBytes = st.stacks.reduce((s, r) => s + r.limit - r.top, 0);
  if (!staticBytes && !stackBytes) warn('no static memory and no stack could be read from the core: the leak sets cannot be trusted (every allocation not held in a register shows as leaked)');
  const index = new AllocationIndex(table);
  const reader = new WordReader(core, map, w);
  const t1 = now();
  const { graph, stats } = await buildReferenceGraph(table, index, reader, ctl, core.name, seen);
  const t2 = now();
  const anchors = await findAnchors(table, index, reader, staticRanges, st.stacks, threads);
  const t3 = now();
  const flags = computeLeakFlags(table, graph, anchors);
  const t4 = now();
  return {
    flags,
    graph,
    anchors,
    stacks: st.stacks,
    threads,
    staticRanges,
    map,
    index,
    warnings,
    stats: { ...stats, bytesRead: reader.bytesRead, staticBytes, stackBytes, ms: { claims: t1 - t0, graph: t2 - t1, anchors: t3 - t2, sets: t4 - t3 } },
  };
}
