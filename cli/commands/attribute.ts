/**
 * `heapscope attribute CORE [--list LIST] [--bin FILE...] [--debug-dir DIR] [--json]`:
 * malloc_tracer footer attribution, library → function (→ return address).
 * The core, its chap list and the binaries are assembled as the browser
 * assembles them (`cli/inputs.ts`): the allocations are the core's heap walk,
 * which a `list used` of that core lists exactly (a list that does not fit the
 * core is said in a warning, never mixed in). Binaries given with --bin (executables, .so, or separate
 * `.debug` files) are matched to the core's mappings by build-id, else by name;
 * modules still without symbols get `DIR/.build-id/xx/rest.debug` when it exists
 * (DIR defaults to /usr/lib/debug, as gdb does).
 */
import { type Sizes } from '../../src/model/attribution.ts';
import { InputError } from '../../workers/logic/io/errors.ts';
import { parseArgs } from '../args.ts';
import { DEFAULT_DEBUG_DIR, splitBins } from '../core-inputs.ts';
import { assembleFiles, closeFiles, loadFiles } from '../inputs.ts';
import { completeSnapshot } from '../snapshot-stages.ts';

const USAGE = 'usage: heapscope attribute CORE [--list LIST] [--bin FILE...] [--debug-dir DIR] [--json]\n';

function sizesJson(s: Sizes) {
  return { count: s.count, user: s.user, mem: s.mem, chunk: s.chunk };
}

export async function run(args: string[]): Promise<number> {
  const { rest, bins } = splitBins(args);
  const { positional, flags } = parseArgs(rest, ['list', 'debug-dir']);
  if (positional.length !== 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const list = flags.get('list');
  const debugDir = typeof flags.get('debug-dir') === 'string' ? (flags.get('debug-dir') as string) : DEFAULT_DEBUG_DIR;
  // The core, its list and the binaries assembled as the browser assembles them: the core's snapshot.
  const files = await loadFiles([positional[0], ...(typeof list === 'string' ? [list] : []), ...bins], { sessions: true });
  try {
    const coreFile = files[0];
    if (coreFile.format !== 'core') throw new InputError(coreFile.name, `is not a core dump (${coreFile.format})`);
    const assembly = assembleFiles(files);
    const snapshot = assembly.snapshots.find((x) => x.core === coreFile.id)!;
    const done = await completeSnapshot(snapshot, files, { debugDir, classes: false });
    const a = done.attribution!;
    const modules = done.modules!;
    const core = coreFile.session!.core;
    const warnings = [...coreFile.warnings, ...a.warnings, ...assembly.notes.map((n) => ({ file: files.find((f) => f.id === n.input)!.name, message: n.message }))].map((w) => `${w.file}: ${w.message}`);
    if (flags.has('json')) {
      const out = {
        core: core.name,
        allocations: a.checked,
        detected: a.detected,
        validFooters: a.valid,
        errors: a.errors,
        total: sizesJson(a.total),
        libraries: a.libraries.map((l) => ({
          name: l.name,
          ...sizesJson(l.sizes),
          functions: l.functions.map((f) => ({
            name: f.name,
            ...sizesJson(f.sizes),
            sites: f.sites.map((s) => ({ address: '0x' + s.addr.toString(16), offset: s.offset, ...sizesJson(s.sizes) })),
          })),
        })),
        modules: modules.modules.map((m) => ({ path: m.path, loaderName: m.loaderName, buildId: m.buildId, symbols: m.symbolSource, binary: m.binary?.name ?? null })),
        warnings,
      };
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    } else {
      const fmt = (s: Sizes) =>
        `count ${s.count.toLocaleString('en-US')}  user ${s.user.toLocaleString('en-US')}  mem ${s.mem.toLocaleString('en-US')}  chunk ${s.chunk.toLocaleString('en-US')}`;
      process.stdout.write(`${core.name}: ${a.checked.toLocaleString('en-US')} allocations, footers ${a.detected ? 'detected' : 'NOT detected'} (${a.valid} valid, ${a.errors.count} errors)\n`);
      process.stdout.write(`total: ${fmt(a.total)}\n`);
      for (const l of a.libraries) {
        process.stdout.write(`\n${l.name}: ${fmt(l.sizes)}\n`);
        for (const f of l.functions) process.stdout.write(`  ${f.name}: ${fmt(f.sizes)}\n`);
      }
      for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    }
    return 0;
  } finally {
    await closeFiles(files);
  }
}
