/**
 * `heapscope growth BEFORE AFTER [--limit N] [--json]`: which types grew between
 * two snapshots, as objgraph's show_growth() prints it (see
 * src/model/growth.ts): two CPython cores (their GC-tracked objects by
 * type) or two meliae dumps (their objects by type).
 */
import type { PythonHeapInfo } from '../../src/model/python-heap.ts';
import type { Snapshot } from '../../src/model/snapshot.ts';
import { StringTable } from '../../src/model/strings.ts';
import { growth, growthText, trackedCounts, typeCounts } from '../../src/model/growth.ts';
import { parseArgs } from '../args.ts';
import { assembleFiles, closeFiles, loadFiles, type LoadedFile } from '../inputs.ts';

const USAGE = 'usage: heapscope growth BEFORE AFTER [BINARY...] [--limit N] [--no-local-files] [--json]   (two CPython cores, or two meliae dumps)\n';

function counts(s: Snapshot, files: LoadedFile[]): Map<string, number> | string {
  if (s.kind === 'meliae' && s.table) {
    const strings = new StringTable(s.table.strings);
    return typeCounts(s.table, (id) => strings.get(id));
  }
  const core = s.core !== null ? files.find((f) => f.id === s.core) : undefined;
  const py = core?.info.python as PythonHeapInfo | undefined;
  if (!py) return `${s.name} is neither a core of a CPython process nor a meliae dump`;
  return trackedCounts(py.types);
}

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args, ['limit']);
  const limit = flags.has('limit') ? Number(flags.get('limit')) : 10;
  if (positional.length < 2 || !Number.isInteger(limit) || limit < 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const files = await loadFiles(positional, { localFiles: !flags.has('no-local-files') });
  await closeFiles(files);
  const a = assembleFiles(files);
  if (a.snapshots.length !== 2) {
    process.stderr.write(`heapscope growth: the files form ${a.snapshots.length} snapshots, not 2\n`);
    return 1;
  }
  const [before, after] = a.snapshots.map((s) => counts(s, files));
  for (const c of [before, after]) {
    if (typeof c === 'string') {
      process.stderr.write(`heapscope growth: ${c}\n`);
      return 1;
    }
  }
  const rows = growth(before as Map<string, number>, after as Map<string, number>, limit || null);
  if (flags.has('json')) process.stdout.write(JSON.stringify({ before: a.snapshots[0].name, after: a.snapshots[1].name, rows }, null, 2) + '\n');
  else process.stdout.write(growthText(rows));
  return 0;
}
