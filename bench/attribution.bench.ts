/** malloc_tracer footer attribution (+ vtable class names) on the heapgen cores, and on a large generated core when bench/out has one. */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attributeWithModules } from '../workers/aggregate/attribution.ts';
import { findSignatures } from '../workers/aggregate/signatures.ts';
import { openBinary } from '../workers/elf/binary.ts';
import { openCore } from '../workers/elf/core.ts';
import { readChapList } from '../workers/formats/chap-list.ts';
import { NodeFileSource } from '../workers/io/node-source.ts';
import { loadModules } from '../workers/symbols/modules.ts';
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

export async function run(): Promise<void> {
  const dir = sharedPath('fixtures', 'heapgen');
  if (!existsSync(dir)) {
    console.log(`skipped: ${dir} is absent`);
    return;
  }
  for (const p of [1, 2]) {
    await one(join(dir, `core.phase${p}.gz`), join(dir, `core.phase${p}.list_used`), [join(dir, 'heapgen'), join(dir, 'libwidgets.so')]);
  }
  const out = join(dirname(fileURLToPath(import.meta.url)), 'out');
  const big = existsSync(out) ? readdirSync(out).filter((f) => /core/.test(f) && !f.endsWith('.list_used')) : [];
  for (const f of big) {
    const list = readdirSync(out).find((x) => x.startsWith(f.replace(/\.gz$/, '')) && x.endsWith('.list_used'));
    if (list) await one(join(out, f), join(out, list), []);
    else console.log(`large core ${f}: no chap list beside it; not measured`);
  }
  if (!big.length) console.log('no large core in bench/out (the core generator writes one there): large-core figure not measured');
}
