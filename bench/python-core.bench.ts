/**
 * A CPython core to its typed table: the shared 3.8 core (303,983 allocations: 303,154
 * obmalloc blocks and glibc's chunks; 189,811 live Python objects), decompressed once into
 * bench/out/python-core/ so the figure is the walk, not gzip. Measures openCore +
 * allocator registry (glibc + obmalloc) + the Python objects stage (types, ownership,
 * type table, advice), best of five, wall and CPU time per stage, and the process's peak RSS.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { NodeFileSource } from '../cli/node-source.ts';
import { openCore } from '../workers/logic/formats/elf/core-file.ts';
import { findAllocations } from '../workers/logic/heaps/find-allocators.ts';
import { analysePython, obmallocOf } from '../workers/logic/heaps/python/analyse.ts';
import { hasShared, sharedPath } from '../test-support/shared.ts';

export async function run(): Promise<void> {
  if (!hasShared('fixtures', 'python-core', 'py3.8.18', 'core.gz')) {
    console.log(`SKIPPED: ${sharedPath('fixtures/python-core/py3.8.18/core.gz')} is absent`);
    return;
  }
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'out', 'python-core');
  const path = join(dir, 'py3.8.18.core');
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, gunzipSync(readFileSync(sharedPath('fixtures/python-core/py3.8.18/core.gz'))));
  }
  const times: { walk: number; python: number; total: number; cpu: number; walkCpu: number; pythonCpu: number }[] = [];
  let line = '';
  const RUNS = 5;
  for (let i = 0; i < RUNS; i++) {
    const src = await NodeFileSource.open(path);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const core = await openCore(src);
    const heap = await findAllocations(core);
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    const py = await analysePython(core, heap.table, obmallocOf(heap.contributions)!);
    const t2 = performance.now();
    const c = process.cpuUsage(c0);
    await core.close();
    await src.close();
    const cpu = (c.user + c.system) / 1000;
    const walkCpu = (c1.user + c1.system) / 1000;
    times.push({ walk: t1 - t0, python: t2 - t1, total: t2 - t0, cpu, walkCpu, pythonCpu: cpu - walkCpu });
    if (i === 0) {
      const blocks = obmallocOf(heap.contributions)!.detail.obmalloc.blocks.count;
      line = `allocations: ${heap.table.rows.toLocaleString('en-US')} (${blocks.toLocaleString('en-US')} obmalloc blocks), Python objects ${py!.objects.objects.toLocaleString('en-US')} in ${py!.typeTable.rows.length} types`;
    }
  }
  console.log(line);
  const byCpu = [...times].sort((a, b) => a.cpu - b.cpu);
  times.sort((a, b) => a.total - b.total);
  const best = times[0];
  const mid = (k: 'cpu' | 'walkCpu' | 'pythonCpu') => [...times].sort((a, b) => a[k] - b[k])[RUNS >> 1][k].toFixed(0);
  console.log(`core -> typed table (best of ${RUNS}): ${best.total.toFixed(0)} ms wall (walk ${best.walk.toFixed(0)} ms + Python objects ${best.python.toFixed(0)} ms; median ${times[RUNS >> 1].total.toFixed(0)} ms)   goal < 1000 ms`);
  console.log(`CPU time: least ${byCpu[0].cpu.toFixed(0)} ms (walk ${byCpu[0].walkCpu.toFixed(0)} + Python objects ${byCpu[0].pythonCpu.toFixed(0)}), median ${mid('cpu')} ms (walk ${mid('walkCpu')} + Python objects ${mid('pythonCpu')})`);
  console.log(`load average at the end: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} (the wall times include waiting for a CPU on a shared machine)`);
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}
