/**
 * Core dump to allocation table: a ~600 MB core with ~2.5M allocations made by
 * fixtures-gen/heapgen-mt.c (bench mode) and captured with gcore (cached in
 * bench/out/). Measures openCore + glibc heap walk, and the process's peak RSS.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AllocState } from '../src/model/allocations.ts';
import { captureFixture } from '../fixtures-gen/capture.ts';
import { openCore } from '../workers/logic/formats/elf/core-file.ts';
import { walkGlibcHeap } from '../workers/logic/heaps/glibc/glibc.ts';
import { NodeFileSource } from '../cli/node-source.ts';

const N = 2_500_000;

export async function run(): Promise<void> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'out', 'core');
  const cached = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('core.bench.')) : undefined;
  let path = cached ? join(dir, cached) : '';
  if (!path) {
    const t0 = performance.now();
    const cap = await captureFixture(dir, 'bench', N);
    if ('skip' in cap) {
      console.log(`SKIPPED: ${cap.skip}`);
      return;
    }
    path = cap.core;
    console.log(`generated ${path} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  console.log(`core: ${(statSync(path).size / 1e6).toFixed(0)} MB`);
  const rssBefore = process.resourceUsage().maxRSS;
  const times: number[] = [];
  let firstRunRss = 0;
  for (let i = 0; i < 3; i++) {
    const src = await NodeFileSource.open(path);
    const t0 = performance.now();
    const core = await openCore(src);
    const heap = await walkGlibcHeap(core);
    const t1 = performance.now();
    await src.close();
    times.push(t1 - t0);
    if (i === 0) {
      firstRunRss = process.resourceUsage().maxRSS / 1024;
      let used = 0;
      let free = 0;
      for (let k = 0; k < heap.table.rows; k++) {
        if (heap.table.state[k] === AllocState.Used) used++;
        else free++;
      }
      console.log(`allocations: ${heap.table.rows.toLocaleString('en-US')} (${used.toLocaleString('en-US')} used, ${free.toLocaleString('en-US')} free), arenas ${heap.arenas.length}, regions ${heap.regions.length}, tcache ${heap.tcacheFree}, warnings ${heap.warnings.length}`);
    }
  }
  times.sort((a, b) => a - b);
  const maxRss = process.resourceUsage().maxRSS / 1024;
  console.log(`core -> allocation table (best of ${times.length}): ${times[0].toFixed(0)} ms (median ${times[1].toFixed(0)} ms)   goal < 2000 ms`);
  console.log(`peak RSS: ${firstRunRss.toFixed(0)} MB during the first run (${(rssBefore / 1024).toFixed(0)} MB before it; ${maxRss.toFixed(0)} MB after all runs, with their garbage)   goal < 400 MB`);
}
