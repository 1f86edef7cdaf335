/**
 * Leak analysis (graph + anchors + sets, chap's rules) on a large core of our
 * own: fixtures-gen/heapgen-mt.c in bench mode (2.5M blocks, main + 3 threads,
 * under the footer preload library, as the attribution benchmark) captured with
 * gcore, cached in bench/out/footer/. The core's heap walk is done once and not
 * timed here (see the core and attribution benchmarks); `analyzeCoreRead` is
 * timed per run, best of 3, with its phases, the graph's bytes per edge and per
 * allocation and the process's peak RSS.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphBytes } from '../src/model/references.ts';
import { captureFixture } from '../fixtures-gen/capture.ts';
import { NodeFileSource } from '../cli/node-source.ts';
import { readCore } from '../workers/logic/formats/core/read-core.ts';
import { analyzeCoreRead } from '../workers/logic/leaks/from-core.ts';
import { setTotals } from '../workers/logic/leaks/chap-sets.ts';

const N = 2_500_000;

async function benchCore(): Promise<string | null> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'out', 'footer');
  const cached = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('core.bench.')) : undefined;
  if (cached) return join(dir, cached);
  const cap = await captureFixture(dir, 'bench', N, { footers: true });
  if ('skip' in cap) {
    console.log(`leaks bench SKIPPED: ${cap.skip}`);
    return null;
  }
  return cap.core;
}

export async function run(): Promise<void> {
  const path = await benchCore();
  if (!path) return;
  const src = await NodeFileSource.open(path);
  try {
    const r = await readCore(src);
    const rssBefore = process.resourceUsage().maxRSS;
    const used = setTotals('used', r.table).count;
    console.log(`core ${(statSync(path).size / 1e6).toFixed(0)} MB, ${r.table.rows.toLocaleString('en-US')} allocations (${used.toLocaleString('en-US')} used)`);
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const a = await analyzeCoreRead(r);
      const ms = performance.now() - t0;
      runs.push(ms);
      const edges = a.stats.edges;
      const g = graphBytes(a.graph);
      const perAlloc = (g - edges * 4) / r.table.rows;
      console.log(
        `run ${i + 1}: ${ms.toFixed(0)} ms (claims+stacks ${a.stats.ms.claims.toFixed(0)}, graph ${a.stats.ms.graph.toFixed(0)}, anchors ${a.stats.ms.anchors.toFixed(0)}, sets ${a.stats.ms.sets.toFixed(0)}); ` +
          `${edges.toLocaleString('en-US')} edges, ${(a.stats.bytesRead / 1e6).toFixed(0)} MB read; graph ${(g / 1e6).toFixed(1)} MB = 4 B/edge + ${perAlloc.toFixed(2)} B/allocation, ` +
          `flags 2 B/allocation; address index ${(a.index.bytes / r.table.rows).toFixed(1)} B/allocation while it runs; ` +
          `leaked ${setTotals('leaked', r.table, a.flags).count}, anchored ${setTotals('anchored', r.table, a.flags).count.toLocaleString('en-US')}`,
      );
    }
    const sorted = [...runs].sort((x, y) => x - y);
    console.log(`best ${sorted[0].toFixed(0)} ms, median ${sorted[1].toFixed(0)} ms (goal < 2000 ms); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (${(rssBefore / 1024).toFixed(0)} MB after the heap walk)`);
    await r.core.close();
  } finally {
    await src.close();
  }
}
