/** meliae dump: parse speed (objects/s) and dominator tree time for 1M objects. */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableBytes } from '../src/model/allocations.ts';
import { objectTableBytes } from '../src/model/objects.ts';
import { StringTable } from '../src/model/strings.ts';
import { readMeliae, type MeliaeResult } from '../workers/logic/formats/meliae/meliae.ts';
import { dominatorTree, gcRoots, ROOT_TYPE_NAMES } from '../workers/logic/graph/dominators.ts';
import { meliaeSummary } from '../workers/logic/graph/meliae-summary.ts';
import { reverseGraph } from '../workers/logic/graph/reverse.ts';
import { NodeFileSource } from '../cli/node-source.ts';
import { generateMeliae } from './gen-meliae.ts';

const N = 1_000_000;

function best(times: number[]): string {
  const s = [...times].sort((a, b) => a - b);
  return `${s[0].toFixed(0)} ms (median ${s[s.length >> 1].toFixed(0)} ms)`;
}

export async function run(): Promise<void> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'out');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `meliae-${N}.json`);
  if (!existsSync(path)) {
    const g = await generateMeliae(path, N);
    console.log(`generated ${path}: ${g.objects.toLocaleString('en-US')} objects, ${g.refs.toLocaleString('en-US')} refs, ${(g.fileBytes / 1e6).toFixed(1)} MB`);
  }
  const fileBytes = statSync(path).size;
  const parse: number[] = [];
  let r: MeliaeResult | undefined;
  for (let i = 0; i < 3; i++) {
    const src = await NodeFileSource.open(path);
    const t0 = performance.now();
    r = await readMeliae(src);
    parse.push(performance.now() - t0);
    await src.close();
  }
  const res = r!;
  const rows = res.table.rows;
  const edges = res.objects.refStart[rows];
  if (res.warnings.length) console.log('warnings:', res.warnings);
  const p = Math.min(...parse);
  console.log(`file: ${(fileBytes / 1e6).toFixed(1)} MB, ${rows.toLocaleString('en-US')} objects, ${edges.toLocaleString('en-US')} references`);
  console.log(
    `parse (best of 3): ${best(parse)}  ${((rows / p) * 1000 / 1e6).toFixed(2)} M objects/s, ${(fileBytes / 1e6 / (p / 1000)).toFixed(0)} MB/s   goal >= 1 M objects/s`,
  );
  console.log(`table bytes per object: ${((tableBytes(res.table) + objectTableBytes(res.objects)) / rows).toFixed(1)}`);

  const strings = new StringTable(res.table.strings);
  const rootTypes = ROOT_TYPE_NAMES.map((n) => {
    for (let id = 1; id < strings.size; id++) if (strings.get(id) === n) return id;
    return 0;
  });
  const dom: number[] = [];
  const revT: number[] = [];
  let fallback = 0;
  let roots = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const rev = reverseGraph(res.objects);
    const t1 = performance.now();
    const gr = gcRoots(res.objects, res.table.type, rootTypes);
    const t = dominatorTree(res.objects, res.table.size, gr, rev);
    dom.push(performance.now() - t0);
    revT.push(t1 - t0);
    fallback = t.fallbackRoots;
    roots = t.roots.length;
  }
  console.log(`dominator tree incl. reverse graph and roots (best of 3): ${best(dom)}  (reverse graph ${best(revT)}; ${roots.toLocaleString('en-US')} roots, ${fallback} fallback)   goal < 3000 ms`);
  const s: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    meliaeSummary(res.table, res.objects);
    s.push(performance.now() - t0);
  }
  console.log(`summarize (collapse included, best of 3): ${best(s)}`);
}
