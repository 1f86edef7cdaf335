/**
 * `heapscope summary FILE... [--by python-type] [--json]`: the snapshots the files form (assembled
 * as the browser assembles them) and each one's used and free allocations and
 * the chap sets it knows (a core's leak sets are computed from the core). Nothing is summed across snapshots.
 * `--by python-type`: per snapshot of a CPython core, its objects by Python type
 * (`rows`: type, count, bytes = own + owned, ownBytes, ownedBytes, dictBytes),
 * largest first, and the __slots__ / array advice computed from them. Static types' names
 * (tp_name lies in libpython's read-only data, which gcore leaves out) come from the binaries
 * given (by build-id) and, as gdb finds them, the files at the paths the process mapped;
 * `--no-local-files`: from the binaries given only, exactly as the browser names them.
 */
import type { PythonHeapInfo } from '../../src/model/python-heap.ts';
import { partLabel } from '../../src/model/snapshot.ts';
import { snapshotFigures } from '../../workers/logic/snapshot/figures.ts';
import type { Totals } from '../../workers/logic/aggregate/totals.ts';
import { groupDigits } from '../../workers/logic/aggregate/digits.ts';
import { parseArgs } from '../args.ts';
import { addLeakSets, assembleFiles, closeFiles, loadFiles } from '../inputs.ts';

const USAGE = 'usage: heapscope summary FILE... [--by python-type] [--no-local-files] [--json]\n';

const num = groupDigits;

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, ['by']);
  const by = flags.get('by');
  if (positional.length === 0 || (by !== undefined && by !== 'python-type')) {
    process.stderr.write(USAGE);
    return 2;
  }
  const files = await loadFiles(positional, { sessions: true, classes: false, leaks: true, localFiles: !flags.has('no-local-files') });
  const a = assembleFiles(files);
  let leakWarnings: string[];
  try {
    leakWarnings = await addLeakSets(a, files);
  } finally {
    await closeFiles(files);
  }
  const fileOf = (id: number) => files.find((f) => f.id === id)!;
  const figures = a.snapshots.map((s) => snapshotFigures(s));
  const snapshots = a.snapshots.map((s, i) => {
    const fig = figures[i];
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
      ...(by === 'python-type' ? pythonRows(s.core !== null ? (fileOf(s.core).info.python as PythonHeapInfo | undefined) : undefined) : {}),
    };
  });
  const warnings = [...files.flatMap((f) => f.warnings.map((w) => `${w.file}: ${w.message}`)), ...leakWarnings];
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
    for (const [name, v] of Object.entries(figures[i].sets)) text += line(name[0].toUpperCase() + name.slice(1), v);
    if (by === 'python-type') text += pythonText(o as ReturnType<typeof pythonRows>);
  });
  if (!a.snapshots.length) text += 'no snapshot: give a core dump, chap lists, a tracemalloc snapshot or a meliae dump\n';
  process.stdout.write(text);
  for (const n of notes) process.stderr.write(`note: ${n}\n`);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  return 0;
}

/** The `--by python-type` part of one snapshot (empty rows, with the reason, when it holds no Python objects). */
function pythonRows(py: PythonHeapInfo | undefined) {
  if (!py) return { rows: [] as { type: string; count: number; bytes: number; ownBytes: number; ownedBytes: number; dictBytes: number }[], python: null, pythonNote: 'no CPython objects in this snapshot (a core of a CPython process is needed)' };
  return {
    rows: py.types.map((r) => ({ type: r.type, count: r.count, bytes: r.bytes, ownBytes: r.ownBytes, ownedBytes: r.ownedBytes, dictBytes: r.dictBytes })),
    python: { version: py.version, objects: py.objects, other: py.other, advice: py.advice },
    pythonNote: undefined as string | undefined,
  };
}

function pythonText(o: ReturnType<typeof pythonRows>): string {
  if (!o.python) return `  ${o.pythonNote}\n`;
  let t = `  CPython ${o.python.version}: ${num(o.python.objects)} objects\n`;
  t += `  ${'count'.padStart(10)} ${'bytes'.padStart(14)} ${'own'.padStart(14)} ${'owned'.padStart(14)}  type\n`;
  for (const r of o.rows.slice(0, 30)) t += `  ${num(r.count).padStart(10)} ${num(r.bytes).padStart(14)} ${num(r.ownBytes).padStart(14)} ${num(r.ownedBytes).padStart(14)}  ${r.type}\n`;
  if (o.rows.length > 30) t += `  … ${num(o.rows.length - 30)} more types (--json lists all)\n`;
  for (const a of o.python.advice.slots.slice(0, 5)) {
    t += `  ${num(a.instances)} instances of ${a.type} carry a __dict__ of ${num(a.dictBytes)} bytes in all; with __slots__ they would take ${num(a.slotsBytes)} (saves ${num(a.saves)})\n`;
  }
  for (const a of o.python.advice.arrays) {
    t += `  ${num(a.lists)} list${a.lists === 1 ? '' : 's'} of ${num(a.items)} ${a.kind}s take ${num(a.bytes)} bytes; array('${a.typecode}') would hold them in ${num(a.arrayBytes)} (saves ${num(a.saves)})\n`;
  }
  return t;
}
