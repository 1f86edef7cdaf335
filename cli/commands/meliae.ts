/**
 * `heapscope meliae DUMP [--summary] [--dominators N] [--by size|count] [--no-collapse] [--single-referrer] [--json]`:
 * meliae's `summarize()` table of a dump (the default), and the N objects that
 * retain the most (dominator tree under the GC roots of `workers/logic/graph/dominators.ts`).
 * `--object ADDR` (decimal as in the dump, or 0x hex): the object as meliae 0.5.1's
 * `load()` leaves it — its repr, `compute_total_size`, `.c` (referents) and `.p`
 * (referrers, at most 100) — each line a meliae repr. `--no-collapse` applies to it
 * too (`load(path, collapse=False)`); `--single-referrer` collapses by meliae 0.3's
 * rule (a dict only when its one referrer is the instance; see meliae-loader.ts).
 */
import { hexOf } from '../../src/model/address.ts';
import { StringTable } from '../../src/model/strings.ts';
import { readMeliae } from '../../workers/logic/formats/meliae/meliae.ts';
import { dominatorTree, gcRoots, ROOT_TYPE_NAMES } from '../../workers/logic/graph/dominators.ts';
import { meliaeSummary } from '../../workers/logic/graph/meliae-summary.ts';
import { meliaeLoad, type MeliaeLoadOptions } from '../../workers/logic/graph/meliae-loader.ts';
import { meliaeObject, meliaeRepr } from '../../workers/logic/graph/views.ts';
import { NodeFileSource } from '../node-source.ts';
import { parseArgs } from '../args.ts';

const USAGE = 'usage: heapscope meliae DUMP [--summary] [--dominators N] [--by size|count] [--no-collapse] [--single-referrer] [--object ADDR] [--json]\n';

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, ['by', 'dominators', 'object']);
  const by = flags.get('by') ?? 'size';
  const domN = flags.has('dominators') ? Number(flags.get('dominators')) : 0;
  if (positional.length !== 1 || (by !== 'size' && by !== 'count') || !Number.isInteger(domN) || domN < 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const src = await NodeFileSource.open(positional[0]);
  let r;
  try {
    r = await readMeliae(src);
  } finally {
    await src.close();
  }
  const strings = new StringTable(r.table.strings);
  const load = { collapse: !flags.has('no-collapse'), singleReferrer: flags.has('single-referrer') };
  if (flags.has('object')) return objectReport(r, String(flags.get('object')), flags.has('json'), src.name, load);
  const summary = meliaeSummary(r.table, r.objects, { ...load, by });
  let dominators: { address: string; type: string; name: string; size: number; retained: number }[] | undefined;
  if (domN > 0) {
    const rootTypes = ROOT_TYPE_NAMES.map((n) => {
      for (let id = 1; id < strings.size; id++) if (strings.get(id) === n) return id;
      return 0;
    });
    const t = dominatorTree(r.objects, r.table.size, gcRoots(r.objects, r.table.type, rootTypes));
    // The largest retainers anywhere in the tree: rank every object by retained size.
    const rows = Array.from({ length: r.table.rows }, (_, i) => i).sort((a, b) => t.retained[b] - t.retained[a] || a - b);
    dominators = rows.slice(0, domN).map((row) => ({
      address: '0x' + hexOf(r.table.addrHi[row], r.table.addrLo[row]),
      type: strings.get(r.table.type[row]),
      name: strings.get(r.objects.name[row]),
      size: r.table.size[row],
      retained: t.retained[row],
    }));
  }
  const warnings = r.warnings.map((w) => `${w.file}: ${w.message}`);
  if (flags.has('json')) {
    const out = {
      file: src.name,
      objects: r.table.rows,
      references: r.objects.refStart[r.table.rows],
      missingRefs: r.objects.missingRefs,
      duplicates: r.duplicates,
      summary: {
        totalCount: summary.totalCount,
        totalSize: summary.totalSize,
        types: summary.types,
        collapsed: summary.collapsed,
        rows: summary.rows.map(({ index, kind, count, countPct, size, sizePct, cumPct, max }) => ({ index, kind, count, countPct, size, sizePct, cumPct, max })),
      },
      ...(dominators ? { dominators } : {}),
      warnings,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    process.stdout.write(summary.text + '\n');
    if (dominators) {
      process.stdout.write('\nLargest retained sizes (dominator tree):\n');
      for (const d of dominators) {
        process.stdout.write(`${d.retained.toString().padStart(12)} ${d.size.toString().padStart(10)}  ${d.address} ${d.type}${d.name ? ` ${d.name}` : ''}\n`);
      }
    }
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  }
  return 0;
}

function objectReport(r: Awaited<ReturnType<typeof readMeliae>>, spec: string, json: boolean, file: string, load: MeliaeLoadOptions): number {
  let want: bigint;
  try {
    want = BigInt(spec);
  } catch {
    process.stderr.write(`heapscope meliae: --object wants an address (decimal or 0x hex), not ${JSON.stringify(spec)}\n`);
    return 2;
  }
  let row = -1;
  for (let i = 0; i < r.table.rows && row < 0; i++) if ((BigInt(r.table.addrHi[i]) << 32n) + BigInt(r.table.addrLo[i]) === want) row = i;
  if (row < 0) {
    process.stderr.write(`heapscope meliae: ${file} has no object at ${want} (0x${want.toString(16)})\n`);
    return 1;
  }
  const m = meliaeLoad(r.table, r.objects, load);
  const o = meliaeObject(m, r.table, r.objects, row, Number.MAX_SAFE_INTEGER);
  const repr = (d: { row: number }): string => {
    const kids = m.childStart[d.row + 1] - m.childStart[d.row];
    const pars = m.parentStart[d.row + 1] - m.parentStart[d.row];
    return meliaeRepr({ type: m.kinds[m.kind[d.row]], size: m.size[d.row], totalSize: 0, childCount: kids, parentCount: pars }, r.table, r.objects, d.row);
  };
  if (json) {
    const brief = (d: (typeof o.children)[number]) => ({ address: BigInt('0x' + d.address).toString(), type: d.type, size: d.size, repr: repr(d) });
    process.stdout.write(
      JSON.stringify(
        {
          address: want.toString(),
          type: o.type,
          size: o.size,
          totalSize: o.totalSize,
          repr: o.repr,
          children: o.children.map(brief),
          parents: o.parents.map(brief),
          ...(o.foldedInto ? { foldedInto: o.foldedInto.map(brief) } : {}),
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  const lines = [o.repr];
  if (o.foldedInto) lines.push(`(a dict meliae folds into ${o.foldedInto.length} instance(s); it is not in meliae's collection)`, ...o.foldedInto.map((d) => `  ${repr(d)}`));
  lines.push(`compute_total_size: ${o.totalSize}`, `.c (${o.childCount}):`, ...o.children.map((d) => `  ${repr(d)}`), `.p (${o.parentCount}):`, ...o.parents.map((d) => `  ${repr(d)}`));
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
