/**
 * `heapscope list --used|--free CORE`: chap's `list used` / `list free` output
 * from the core's own glibc heap walk, byte for byte in chap's format:
 *
 *   Used allocation at 5574cccbc010 of size 288
 *   <blank>
 *   ...
 *   26343 allocations use 0x3415e8 (3,413,480) bytes.
 *
 * (chap also prints `... with signature` lines for C++ objects; those come from
 * the signatures part, not from this command.)
 */
import { AllocState, type AllocationTable } from '../../src/model/allocations.ts';
import { readCore } from '../../workers/logic/formats/core/read-core.ts';
import { NodeFileSource } from '../node-source.ts';
import { parseArgs } from '../args.ts';

/** Formats the rows of `table` in state `state` as chap's `list` output. */
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
  const used = flags.has('used');
  const free = flags.has('free');
  if (positional.length !== 1 || used === free) {
    process.stderr.write('usage: heapscope list --used|--free CORE\n');
    return 2;
  }
  const src = await NodeFileSource.open(positional[0]);
  try {
    const r = await readCore(src);
    await r.core.close();
    for (const w of r.warnings) process.stderr.write(`warning: ${w.file}: ${w.message}\n`);
    const text = used ? formatChapList(r.table, AllocState.Used, 'Used') : formatChapList(r.table, AllocState.Free, 'Free');
    await new Promise<void>((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
  } finally {
    await src.close();
  }
  return 0;
}
