/**
 * tracemalloc: parse of the shared `after.tracemalloc` (249,810 traces, 3.3 MB),
 * then statistics() and compare_to(before) for each key, and the default filters.
 */
import { statSync } from 'node:fs';
import type { TracemallocSnapshot } from '../src/model/traces.ts';
import { hasShared, sharedPath } from '../test-support/shared.ts';
import { readTracemalloc } from '../workers/logic/formats/tracemalloc/tracemalloc.ts';
import { NodeFileSource } from '../cli/node-source.ts';
import { DEFAULT_EXCLUDES, filterTraces } from '../workers/logic/python/filters.ts';
import { compareTo, statistics, type KeyType } from '../workers/logic/python/statistics.ts';
import { timeRuns } from './timing.ts';

async function parse(path: string): Promise<{ ms: number; cpuMs: number; snap: TracemallocSnapshot }> {
  const src = await NodeFileSource.open(path);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await readTracemalloc(src);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  await src.close();
  return { ms, cpuMs: (c.user + c.system) / 1000, snap: r.snapshot };
}


export async function run(): Promise<void> {
  if (!hasShared('fixtures', 'tracemalloc')) {
    console.log(`skipped: ${sharedPath('fixtures', 'tracemalloc')} is absent`);
    return;
  }
  const afterPath = sharedPath('fixtures/tracemalloc/after.tracemalloc');
  const bytes = statSync(afterPath).size;
  const times: number[] = [];
  const cpu: number[] = [];
  let snap: TracemallocSnapshot | undefined;
  let cold = 0;
  for (let i = 0; i < 10; i++) {
    const r = await parse(afterPath);
    if (i === 0) cold = r.ms;
    times.push(r.ms);
    cpu.push(r.cpuMs);
    snap = r.snap;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const after = snap!;
  const rows = after.traces.rows;
  console.log(
    `parse after.tracemalloc (${rows.toLocaleString('en-US')} traces, ${(bytes / 1e6).toFixed(1)} MB): first (cold) ${cold.toFixed(1)} ms, ` +
      `best ${times[0].toFixed(1)} ms, median ${times[times.length >> 1].toFixed(1)} ms (CPU median ${cpu[cpu.length >> 1].toFixed(1)} ms), ` +
      `${((rows / times[0]) * 1000 / 1e6).toFixed(1)} M traces/s   goal < 100 ms`,
  );
  console.log(`  tables: ${after.stacks.rows.toLocaleString('en-US')} stack nodes, ${after.frames.rows.toLocaleString('en-US')} frames`);
  const before = (await parse(sharedPath('fixtures/tracemalloc/before.tracemalloc'))).snap;
  for (const key of ['filename', 'lineno', 'traceback'] as KeyType[]) {
    let n = 0;
    const s = timeRuns(5, () => (n = statistics(after, key).length));
    let d = 0;
    const c = timeRuns(5, () => (d = compareTo(after, before, key).length));
    console.log(
      `statistics('${key}'): ${s.best.toFixed(1)} ms (${n.toLocaleString('en-US')} rows)   compare_to('${key}'): ${c.best.toFixed(1)} ms (${d.toLocaleString('en-US')} rows)`,
    );
  }
  const cum = timeRuns(5, () => statistics(after, 'lineno', true));
  console.log(`statistics('lineno', cumulative=True): ${cum.best.toFixed(1)} ms`);
  const f = timeRuns(5, () => filterTraces(after, DEFAULT_EXCLUDES));
  console.log(`filter_traces(default exclusions): ${f.best.toFixed(1)} ms`);
}
