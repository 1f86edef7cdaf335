/**
 * `heapscope list --SET CORE [LIST...] [--json]`: chap's `list SET` output, byte
 * for byte in chap's format, from the core's own glibc heap walk and (for the
 * leak sets) the leak analysis:
 *
 *   Used allocation at 5574cccbc010 of size 288
 *   <blank>
 *   ...
 *   26343 allocations use 0x3415e8 (3,413,480) bytes.
 *
 * SET: used, free, leaked, unreferenced, anchored, anchorpoints, stackanchored,
 * registeranchored, staticanchored, threadonlyanchored, stackanchorpoints,
 * registeranchorpoints, staticanchorpoints. (chap also prints `... with
 * signature` lines for C++ objects; those come from the signatures part, not
 * from this command.) `--json` gives `{set, count, bytes, allocations: [{address, size}]}`.
 */
import type { AllocState, AllocationTable } from '../../src/model/allocations.ts';
import { formatSetList, isSetName, SET_NAMES, setPredicate, setTotals, type SetName } from '../../workers/logic/leaks/chap-sets.ts';
import { parseArgs } from '../args.ts';
import { openLeaks } from '../leak-inputs.ts';

/** Formats the rows of `table` in state `state` as chap's `list` output (`list used` / `list free`). */
export function formatChapList(table: AllocationTable, state: AllocState, label: 'Used' | 'Free'): string {
  const parts: string[] = [];
  let count = 0;
  let bytes = 0;
  for (let i = 0; i < table.rows; i++) {
    if (table.state[i] !== state) continue;
    const hi = table.addrHi[i];
    const lo = table.addrLo[i];
    const addr = hi ? hi.toString(16) + lo.toString(16).padStart(8, '0') : lo.toString(16);
    parts.push(`${label} allocation at ${addr} of size ${table.size[i].toString(16)}\n\n`);
    count++;
    bytes += table.size[i];
  }
  parts.push(`${count} allocations use 0x${bytes.toString(16)} (${bytes.toLocaleString('en-US')}) bytes.\n`);
  return parts.join('');
}

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args);
  const sets = [...flags.keys()].filter(isSetName);
  if (positional.length < 1 || sets.length !== 1) {
    process.stderr.write(`usage: heapscope list --SET CORE [LIST...] [--json]\n  SET: ${SET_NAMES.join(', ')}\n`);
    return 2;
  }
  const set = sets[0] as SetName;
  const [core, ...lists] = positional;
  const o = await openLeaks(core, lists);
  for (const w of o.warnings) process.stderr.write(`warning: ${w.file}: ${w.message}\n`);
  let text: string;
  if (flags.has('json')) {
    const inSet = setPredicate(set, o.table, o.analysis.flags);
    const allocations: { address: string; size: number }[] = [];
    for (let r = 0; r < o.table.rows; r++) {
      if (!inSet(r)) continue;
      allocations.push({ address: '0x' + (o.table.addrHi[r] * 4294967296 + o.table.addrLo[r]).toString(16), size: o.table.size[r] });
    }
    text = JSON.stringify({ set, ...setTotals(set, o.table, o.analysis.flags), allocations }) + '\n';
  } else text = formatSetList(set, o.table, o.analysis.flags);
  await new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
  return 0;
}
