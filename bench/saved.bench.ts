/**
 * Saved analyses: size per allocation, serialise / deserialise time, and
 * upload + open through the share server on loopback, for the 2.6M-allocation
 * chap list bench file and the heapgen lists.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AllocationTable } from '../src/model/allocations.ts';
import type { SavedAnalysis } from '../src/model/saved.ts';
import { fetchShared, uploadAnalysis } from '../src/storage/share.ts';
import { createShareServer } from '../server/app.ts';
import { hasShared, sharedPath } from '../test-support/shared.ts';
import { readChapList } from '../workers/logic/formats/chap-list/chap-list.ts';
import { NodeFileSource } from '../cli/node-source.ts';
import { loadAnalysis } from '../workers/logic/saved/deserialize.ts';
import { analysisId } from '../workers/logic/saved/id.ts';
import { saveAnalysis } from '../workers/logic/saved/serialize.ts';
import { generateChapList } from './gen-chap-list.ts';

const N = 2_600_000;

async function readList(path: string): Promise<AllocationTable> {
  const src = await NodeFileSource.open(path);
  try {
    return (await readChapList(src)).table;
  } finally {
    await src.close();
  }
}

async function best<T>(n: number, fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  let ms = Infinity;
  let value!: T;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    value = await fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, value };
}

export async function run(): Promise<void> {
  const out = join(dirname(fileURLToPath(import.meta.url)), 'out');
  const big = join(out, `chap-list-${N}.list_used`);
  if (!existsSync(big)) await generateChapList(big, N);
  const files = [big];
  for (const f of ['core.phase1.list_used', 'core.phase2.list_used']) if (hasShared('fixtures', 'heapgen', f)) files.push(sharedPath('fixtures', 'heapgen', f));

  const root = mkdtempSync(join(tmpdir(), 'heapscope-bench-'));
  const app = await createShareServer({ dataDir: join(root, 'data'), distDir: join(root, 'dist'), maxUpload: 256 << 20 });
  const port = await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  try {
    console.log('| input | allocations | saved bytes | bytes / allocation | save (best of 3) | load (best of 3) | upload (server validates + stores) | open shared (fetch + load) |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const f of files) {
      const table = await readList(f);
      const a: SavedAnalysis = { name: basename(f), created: new Date(0).toISOString(), view: { view: 'overview' }, inputs: [{ name: basename(f), format: 'chap-list', size: statSync(f).size, rows: table.rows, table }] };
      const save = await best(3, () => saveAnalysis(a));
      const bytes = save.value;
      const load = await best(3, () => loadAnalysis(bytes));
      if (load.value.inputs[0].table!.rows !== table.rows) throw new Error('round trip lost rows');
      const t0 = performance.now();
      const id = await uploadAnalysis(bytes, base);
      const upMs = performance.now() - t0;
      if (id !== (await analysisId(bytes))) throw new Error('server id differs');
      const open = await best(3, () => fetchShared(id, base));
      console.log(
        `| ${basename(f)} | ${table.rows.toLocaleString('en-US')} | ${bytes.length.toLocaleString('en-US')} | ${(bytes.length / table.rows).toFixed(2)} | ${save.ms.toFixed(0)} ms | ${load.ms.toFixed(0)} ms | ${upMs.toFixed(0)} ms | ${open.ms.toFixed(0)} ms |`,
      );
    }
  } finally {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  }
}
