/**
 * `heapscope heap CORE [--json]`: what allocator detection found in a core —
 * each allocator with its version and facts, its arenas (as chap's
 * `describe arenas` gives glibc's) and the regions holding allocations.
 */
import { fmtBytesChap } from './heap-format.ts';
import { readCore } from '../../workers/logic/formats/core/read-core.ts';
import { NodeFileSource } from '../node-source.ts';
import { parseArgs } from '../args.ts';
import { cliProgress } from '../progress.ts';

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args);
  if (positional.length !== 1) {
    process.stderr.write('usage: heapscope heap CORE [--json]\n');
    return 2;
  }
  const src = await NodeFileSource.open(positional[0]);
  try {
    const r = await readCore(src, cliProgress);
    await r.core.close();
    const out: string[] = [];
    if (flags.has('json')) {
      out.push(JSON.stringify({ ...r.info, warnings: r.warnings.map((w) => `${w.file}: ${w.message}`) }, null, 2));
    } else {
      const i = r.info;
      out.push(`${src.name}: ${i.arch} core, ${i.threads} thread(s): ${i.allocator}`);
      for (const a of i.allocators) {
        out.push('', `${a.description}: ${a.usedCount.toLocaleString('en-US')} used allocations take ${fmtBytesChap(a.usedBytes)} bytes, ${a.freeCount.toLocaleString('en-US')} free take ${fmtBytesChap(a.freeBytes)} bytes.`);
        for (const f of a.facts) out.push(`  ${f.label}: ${f.value}`);
        for (const ar of a.arenas ?? []) {
          out.push(
            `  ${ar.isMain ? 'Main arena' : 'Arena'} at ${ar.address} has size ${fmtBytesChap(ar.size)}${ar.top ? `, top ${ar.top}` : ''}: ` +
              `${ar.usedCount.toLocaleString('en-US')} used take ${ar.usedBytes.toLocaleString('en-US')} bytes, ${ar.freeCount.toLocaleString('en-US')} free take ${ar.freeBytes.toLocaleString('en-US')} bytes.`,
          );
        }
      }
      if (i.regions.length) out.push('', 'Regions:');
      for (const g of i.regions) {
        out.push(`  ${g.id}  ${g.allocator} ${g.kind} [${g.start}, ${g.end})  used ${g.usedCount.toLocaleString('en-US')} (${g.usedBytes.toLocaleString('en-US')} B)  free ${g.freeCount.toLocaleString('en-US')} (${g.freeBytes.toLocaleString('en-US')} B)`);
      }
      for (const w of r.warnings) process.stderr.write(`warning: ${w.file}: ${w.message}\n`);
    }
    await new Promise<void>((resolve, reject) => process.stdout.write(out.join('\n') + '\n', (e) => (e ? reject(e) : resolve())));
  } finally {
    await src.close();
  }
  return 0;
}
