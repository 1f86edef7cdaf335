/**
 * `heapscope summary FILE... [--json]`: the snapshots the files form (assembled
 * as the browser assembles them) and each one's used and free allocations and
 * the chap sets it knows. Nothing is summed across snapshots.
 */
import { partLabel } from '../../src/model/snapshot.ts';
import { snapshotFigures } from '../../workers/logic/snapshot/figures.ts';
import type { Totals } from '../../workers/logic/aggregate/totals.ts';
import { parseArgs } from '../args.ts';
import { assembleFiles, closeFiles, loadFiles } from '../inputs.ts';

const USAGE = 'usage: heapscope summary FILE... [--json]\n';

const num = (n: number) => n.toLocaleString('en-US');

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args);
  if (positional.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const files = await loadFiles(positional);
  await closeFiles(files);
  const a = assembleFiles(files);
  const fileOf = (id: number) => files.find((f) => f.id === id)!;
  const snapshots = a.snapshots.map((s) => {
    const fig = snapshotFigures(s);
    const allocator = s.core !== null ? fileOf(s.core).info.allocator : undefined;
    return {
      name: s.name,
      kind: s.kind,
      ...(typeof allocator === 'string' ? { allocator } : {}),
      inputs: s.parts.map((p) => ({ file: p.name, format: fileOf(p.input).format, as: p.as, ...(p.set ? { set: p.set } : {}) })),
      allocations: s.table?.rows ?? 0,
      used: fig.used,
      ...(fig.free ? { free: fig.free } : {}),
      ...fig.sets,
    };
  });
  const warnings = files.flatMap((f) => f.warnings.map((w) => `${w.file}: ${w.message}`));
  const notes = a.notes.map((n) => n.message);
  if (flags.has('json')) {
    process.stdout.write(JSON.stringify({ snapshots, notes, warnings }, null, 2) + '\n');
    return 0;
  }
  const line = (label: string, v: Totals) => `  ${label.padEnd(14)} ${num(v.count).padStart(12)} allocations ${num(v.bytes).padStart(16)} bytes\n`;
  let text = '';
  a.snapshots.forEach((s, i) => {
    const o = snapshots[i];
    text += `${i ? '\n' : ''}${s.name} (${s.kind === 'process' ? (s.core ? 'core' : 'chap lists') : s.kind}): ${s.parts.map((p) => `${p.name} (${partLabel(p)})`).join(', ')}\n`;
    if (o.allocator) text += `  ${o.allocator}\n`;
    text += line(s.kind === 'process' ? 'Used' : s.kind === 'tracemalloc' ? 'Traced' : 'Objects', o.used);
    if (o.free) text += line('Free', o.free);
    for (const [name, v] of Object.entries(snapshotFigures(s).sets)) text += line(name[0].toUpperCase() + name.slice(1), v);
  });
  if (!a.snapshots.length) text += 'no snapshot: give a core dump, chap lists, a tracemalloc snapshot or a meliae dump\n';
  process.stdout.write(text);
  for (const n of notes) process.stderr.write(`note: ${n}\n`);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  return 0;
}
