/** `heapscope summary FILE... [--json]`: per-state counts and bytes. */
import type { AllocationTable } from '../../src/model/allocations.ts';
import { STATE_LABELS } from '../../src/model/allocations.ts';
import { stateTotals, totalsJson } from '../../workers/logic/aggregate/totals.ts';
import { NodeFileSource } from '../node-source.ts';
import type { InputWarning } from '../../workers/logic/io/errors.ts';
import { openInput } from '../../workers/logic/formats/open-input.ts';
import { parseArgs } from '../args.ts';

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args);
  if (positional.length === 0) {
    process.stderr.write('usage: heapscope summary FILE... [--json]\n');
    return 2;
  }
  const tables: AllocationTable[] = [];
  const files: { file: string; format: string; allocations: number; allocator?: string }[] = [];
  const warnings: InputWarning[] = [];
  for (const path of positional) {
    const src = await NodeFileSource.open(path);
    try {
      const r = await openInput(src);
      if (r.table) tables.push(r.table);
      const allocator = r.format === 'core' && typeof r.info?.allocator === 'string' ? r.info.allocator : undefined;
      files.push({ file: src.name, format: r.format, allocations: r.table?.rows ?? 0, ...(allocator ? { allocator } : {}) });
      warnings.push(...r.warnings);
    } finally {
      await src.close();
    }
  }
  const totals = stateTotals(tables);
  const formats = [...new Set(files.map((f) => f.format))];
  if (flags.has('json')) {
    const out = {
      format: formats.length === 1 ? formats[0] : formats,
      ...totalsJson(totals),
      files,
      warnings: warnings.map((w) => `${w.file}: ${w.message}`),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    for (const f of files) process.stdout.write(`${f.file}: ${f.format}, ${f.allocations.toLocaleString('en-US')} allocations${f.allocator ? ` (${f.allocator})` : ''}\n`);
    totals.byState.forEach((v, s) => {
      if (v.count > 0) {
        process.stdout.write(
          `${STATE_LABELS[s].padEnd(20)} ${v.count.toLocaleString('en-US').padStart(12)} allocations ${v.bytes.toLocaleString('en-US').padStart(16)} bytes\n`,
        );
      }
    });
    for (const w of warnings) process.stderr.write(`warning: ${w.file}: ${w.message}\n`);
  }
  return 0;
}
