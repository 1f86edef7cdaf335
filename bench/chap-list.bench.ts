/** chap list parse: 2.6M allocations (~144 MB) into the allocation table. */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableBytes } from '../src/model/allocations.ts';
import { stateTotals } from '../workers/logic/aggregate/totals.ts';
import { readChapList } from '../workers/logic/formats/chap-list/chap-list.ts';
import { NodeFileSource } from '../cli/node-source.ts';
import { generateChapList } from './gen-chap-list.ts';

const N = 2_600_000;

export async function run(): Promise<void> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'out');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `chap-list-${N}.list_used`);
  if (!existsSync(path)) {
    const g = await generateChapList(path, N);
    console.log(`generated ${path}: ${g.allocations.toLocaleString('en-US')} allocations, ${(g.fileBytes / 1e6).toFixed(1)} MB`);
  }
  const fileBytes = statSync(path).size;
  const times: number[] = [];
  let perAlloc = 0;
  for (let i = 0; i < 4; i++) {
    const src = await NodeFileSource.open(path);
    const t0 = performance.now();
    const r = await readChapList(src);
    const t1 = performance.now();
    await src.close();
    times.push(t1 - t0);
    perAlloc = tableBytes(r.table) / r.table.rows;
    if (r.warnings.length) console.log('warnings:', r.warnings);
    if (i === 0) {
      const t = stateTotals([r.table]);
      console.log(`read ${r.table.rows.toLocaleString('en-US')} allocations, ${t.inUse.bytes.toLocaleString('en-US')} bytes`);
    }
  }
  times.sort((a, b) => a - b);
  const best = times[0];
  console.log(`file: ${(fileBytes / 1e6).toFixed(1)} MB`);
  console.log(`parse (best of ${times.length}): ${best.toFixed(0)} ms  (median ${times[times.length >> 1].toFixed(0)} ms, ${(fileBytes / 1e6 / (best / 1000)).toFixed(0)} MB/s)   goal < 1000 ms`);
  console.log(`table bytes per allocation: ${perAlloc.toFixed(2)}   goal <= 24`);
}
