/**
 * malloc_tracer footer attribution (+ vtable class names) on the heapgen cores,
 * and on a large core of our own: fixtures-gen/heapgen-mt.c in bench mode
 * (~2.5M blocks) run under fixtures-gen/footer-preload.c and captured with
 * gcore (cached in bench/out/footer/). For the large core: time to the
 * allocation table (openCore + walkGlibcHeap), then attribution (loadModules +
 * attributeWithModules), and the process's peak RSS.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInUse } from '../src/model/allocations.ts';
import { captureFixture, readTruth } from '../fixtures-gen/capture.ts';
import { attributeWithModules } from '../workers/logic/formats/malloc-tracer/attribution.ts';
import { walkGlibcHeap } from '../workers/logic/heaps/glibc/glibc.ts';
import { findSignatures } from '../workers/logic/aggregate/signatures.ts';
import { openBinary } from '../workers/logic/formats/elf/binary.ts';
import { openCore } from '../workers/logic/formats/elf/core-file.ts';
import { readChapList } from '../workers/logic/formats/chap-list/chap-list.ts';
import { NodeFileSource } from '../cli/node-source.ts';
import { loadModules } from '../workers/logic/symbols/modules.ts';
import { sharedPath } from '../test-support/shared.ts';

async function one(corePath: string, listPath: string, bins: string[]): Promise<void> {
  const core = await openCore(await NodeFileSource.open(corePath));
  const listSrc = await NodeFileSource.open(listPath);
  const table = (await readChapList(listSrc)).table;
  await listSrc.close();
  const binaries = [];
  for (const b of bins) binaries.push(await openBinary(await NodeFileSource.open(b)));
  const times: number[] = [];
  const sigTimes: number[] = [];
  const modTimes: number[] = [];
  let count = 0;
  for (let i = 0; i < 3; i++) {
    const tm = performance.now();
    const modules = await loadModules(core, binaries);
    const t0 = performance.now();
    modTimes.push(t0 - tm);
    const a = await attributeWithModules(core, table, modules);
    const t1 = performance.now();
    await findSignatures(core, table, modules);
    const t2 = performance.now();
    times.push(t1 - t0);
    sigTimes.push(t2 - t1);
    count = a.checked;
  }
  const best = Math.min(...times);
  console.log(
    `${corePath.split('/').pop()}: ${count.toLocaleString('en-US')} allocations, attribution best ${best.toFixed(0)} ms ` +
      `(${((best / count) * 1e6).toFixed(0)} ns/alloc, ~${((best / count) * 2.5e6 / 1000).toFixed(2)} s per 2.5M; goal < 1.5 s), ` +
      `modules+symbols ${Math.min(...modTimes).toFixed(0)} ms, class names best ${Math.min(...sigTimes).toFixed(0)} ms`,
  );
  await core.close();
}

const LARGE_N = 2_500_000;
const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

/** The large footer core: generated once into bench/out/footer/ (with its generator binary and truth). */
async function largeFooterCore(): Promise<{ core: string; exe: string; truth: string } | null> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'out', 'footer');
  const cached = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('core.bench.')) : undefined;
  if (cached) return { core: join(dir, cached), exe: join(dir, 'heapgen-mt'), truth: join(dir, 'truth.bench.txt') };
  const t0 = performance.now();
  const cap = await captureFixture(dir, 'bench', LARGE_N, { footers: true });
  if ('skip' in cap) {
    console.log(`large footer core SKIPPED: ${cap.skip}`);
    return null;
  }
  console.log(`generated ${cap.core} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return cap;
}

/** Core → table → attribution on the large footer core, best of 3, with peak RSS of the first run. */
async function large(): Promise<void> {
  const cap = await largeFooterCore();
  if (!cap) return;
  console.log(`large footer core: ${(statSync(cap.core).size / 1e6).toFixed(0)} MB`);
  const rssBefore = process.resourceUsage().maxRSS;
  const exeSrc = await NodeFileSource.open(cap.exe);
  const binary = await openBinary(exeSrc);
  const walkTimes: number[] = [];
  const attrTimes: number[] = [];
  const modTimes: number[] = [];
  let firstRunRss = 0;
  for (let i = 0; i < 3; i++) {
    const src = await NodeFileSource.open(cap.core);
    const t0 = performance.now();
    const core = await openCore(src);
    const heap = await walkGlibcHeap(core);
    const t1 = performance.now();
    const modules = await loadModules(core, [binary]);
    const tm = performance.now();
    const a = await attributeWithModules(core, heap.table, modules);
    const t2 = performance.now();
    walkTimes.push(t1 - t0);
    attrTimes.push(t2 - t1);
    modTimes.push(tm - t1);
    if (i === 0) {
      firstRunRss = process.resourceUsage().maxRSS;
      const t = heap.table;
      let inUse = 0;
      for (let k = 0; k < t.rows; k++) if (isInUse(t.state[k])) inUse++;
      console.log(
        `allocations: ${t.rows.toLocaleString('en-US')} (${inUse.toLocaleString('en-US')} in use), footers checked ${a.checked.toLocaleString('en-US')}, ` +
          `valid ${a.valid.toLocaleString('en-US')}, errors ${a.errors.count}, detected ${a.detected}, sites ${a.sites.rows}`,
      );
      const fns = a.libraries.flatMap((l) => l.functions.map((f) => `${f.name} ${f.sizes.count.toLocaleString('en-US')}`));
      console.log(`functions: ${fns.join(', ')}`);
      const held = readTruth(cap.truth).held;
      const truthCount = new Map<string, number>();
      for (const b of held) truthCount.set(b.func, (truthCount.get(b.func) ?? 0) + 1);
      console.log(`truth (held blocks; tcached freed blocks add a few): ${[...truthCount].map(([f, n]) => `${f} ${n.toLocaleString('en-US')}`).join(', ')}`);
    }
    await src.close();
  }
  await exeSrc.close();
  const best = (xs: number[]): string => `${Math.min(...xs).toFixed(0)} ms (median ${[...xs].sort((x, y) => x - y)[1].toFixed(0)} ms)`;
  console.log(`core -> allocation table, best of 3: ${best(walkTimes)}   goal < 2000 ms`);
  console.log(`attribution (modules + footers), best of 3: ${best(attrTimes)}, of which modules + symbols ${best(modTimes)}   goal < 1500 ms`);
  console.log(`peak RSS: ${mb(firstRunRss)} during the first run (${mb(rssBefore)} before it; ${mb(process.resourceUsage().maxRSS)} after all runs)   goal < 400 MB`);
}

export async function run(): Promise<void> {
  // First, so that its peak RSS is its own.
  await large();
  const dir = sharedPath('fixtures', 'heapgen');
  if (!existsSync(dir)) {
    console.log(`skipped: ${dir} is absent`);
    return;
  }
  for (const p of [1, 2]) {
    await one(join(dir, `core.phase${p}.gz`), join(dir, `core.phase${p}.list_used`), [join(dir, 'heapgen'), join(dir, 'libwidgets.so')]);
  }
}
