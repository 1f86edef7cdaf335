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
 *
 * A core given alone (with binaries, no list) whose heap is glibc's alone is attributed as its rows stream from
 * the heap walk's chunk store, summed per return address as they go by: no allocation table, no per-row columns
 * (the same figures, tree and warnings as the assembled snapshot gives; `attributeRows`).
 */
import { type Sizes } from '../../src/model/attribution.ts';
import { groupDigits } from '../../workers/logic/aggregate/digits.ts';
import { openBinary, type Binary } from '../../workers/logic/formats/elf/binary.ts';
import { readCoreRows } from '../../workers/logic/formats/core/read-core.ts';
import { attributeRows, type AttributionSummary } from '../../workers/logic/formats/malloc-tracer/attribution.ts';
import { openInput } from '../../workers/logic/formats/open-input.ts';
import { sniff } from '../../workers/logic/formats/sniff.ts';
import { InputError } from '../../workers/logic/io/errors.ts';
import { displayName, placeBinary } from '../../workers/logic/snapshot/assemble.ts';
import { assemblyInput } from '../../workers/logic/snapshot/inputs.ts';
import { loadModules, type ModuleMap } from '../../workers/logic/symbols/modules.ts';
import { parseArgs } from '../args.ts';
import { DEFAULT_DEBUG_DIR, splitBins } from '../core-inputs.ts';
import { assembleFiles, closeFiles, loadFiles } from '../inputs.ts';
import { NodeFileSource } from '../node-source.ts';
import { cliProgress } from '../progress.ts';
import { debugFilePaths, completeSnapshot } from '../snapshot-stages.ts';

const USAGE = 'usage: heapscope attribute CORE [--list LIST] [--bin FILE...] [--debug-dir DIR] [--json]\n';

function sizesJson(s: Sizes) {
  return { count: s.count, user: s.user, mem: s.mem, chunk: s.chunk };
}

interface Attributed {
  coreName: string;
  a: AttributionSummary;
  modules: ModuleMap;
  warnings: string[];
}

/**
 * A core alone with its binaries, attributed as its rows stream from the glibc walk; null (nothing kept open) when
 * the files are not that — a file other than a core and ELF binaries, or a heap not glibc's alone — and the
 * assembled snapshot is needed.
 */
export async function attributeStreamed(corePath: string, bins: string[], debugDir: string): Promise<Attributed | null> {
  const opened: NodeFileSource[] = [];
  try {
    const src = await NodeFileSource.open(corePath);
    opened.push(src);
    if ((await sniff(src)).role !== 'core') return null;
    // The binaries as the assembly reads them (their build-ids), in the order given.
    const given: { src: NodeFileSource; input: ReturnType<typeof assemblyInput> }[] = [];
    for (const [i, path] of bins.entries()) {
      const b = await NodeFileSource.open(path);
      opened.push(b);
      if ((await sniff(b)).role !== 'elf') return null;
      const r = await openInput(b, cliProgress);
      if (r.format !== 'elf') return null;
      given.push({ src: b, input: assemblyInput(i + 2, b.name, r) });
    }
    const r = await readCoreRows(src, cliProgress);
    const core = r.core;
    try {
      if (r.rows.table) return null;
      // The assembly's notes on the binaries (one core: every binary goes with it).
      const mapped = (await loadModules(core)).modules.map((m) => ({ path: m.path, buildId: m.buildId }));
      const notes = given.map((g) => placeBinary(g.input, [{ name: displayName(src.name), modules: mapped }]).note).filter((n) => n !== null);
      // Symbols as the core session finds them: the binaries, then separate debug files for modules still without.
      const load = async (srcs: NodeFileSource[]): Promise<Binary[]> => {
        const out: Binary[] = [];
        for (const s of srcs) out.push(await openBinary(s));
        return out;
      };
      const binSrcs = given.map((g) => g.src);
      let modules = await loadModules(core, await load(binSrcs));
      const debug: NodeFileSource[] = [];
      for (const p of debugFilePaths(modules, debugDir)) debug.push(await NodeFileSource.open(p));
      opened.push(...debug);
      if (debug.length) modules = await loadModules(core, await load([...binSrcs, ...debug]));
      const a = await attributeRows(core, r.rows.batches(), r.rows.rows, modules, cliProgress, core.name);
      const warnings = [...r.warnings, ...a.warnings, ...notes.map((n) => ({ file: given.find((g) => g.input.id === n.input)!.src.name, message: n.message }))].map((w) => `${w.file}: ${w.message}`);
      return { coreName: core.name, a, modules, warnings };
    } finally {
      await core.close();
    }
  } finally {
    for (const o of opened) await o.close();
  }
}

/** The core, its list and the binaries assembled as the browser assembles them: the core's snapshot, attributed. */
export async function attributeAssembled(corePath: string, list: string | undefined, bins: string[], debugDir: string): Promise<Attributed> {
  const files = await loadFiles([corePath, ...(list !== undefined ? [list] : []), ...bins], { sessions: true });
  try {
    const coreFile = files[0];
    if (coreFile.format !== 'core') throw new InputError(coreFile.name, `is not a core dump (${coreFile.format})`);
    const assembly = assembleFiles(files);
    const snapshot = assembly.snapshots.find((x) => x.core === coreFile.id)!;
    const done = await completeSnapshot(snapshot, files, { debugDir, classes: false });
    const a = done.attribution!;
    const warnings = [...coreFile.warnings, ...a.warnings, ...assembly.notes.map((n) => ({ file: files.find((f) => f.id === n.input)!.name, message: n.message }))].map((w) => `${w.file}: ${w.message}`);
    return { coreName: coreFile.session!.core.name, a, modules: done.modules!, warnings };
  } finally {
    await closeFiles(files);
  }
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
  const listPath = typeof list === 'string' ? list : undefined;
  const streamed = listPath === undefined ? await attributeStreamed(positional[0], bins, debugDir) : null;
  const { coreName, a, modules, warnings } = streamed ?? (await attributeAssembled(positional[0], listPath, bins, debugDir));
  if (flags.has('json')) {
    const out = {
      core: coreName,
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
      `count ${groupDigits(s.count)}  user ${groupDigits(s.user)}  mem ${groupDigits(s.mem)}  chunk ${groupDigits(s.chunk)}`;
    process.stdout.write(`${coreName}: ${groupDigits(a.checked)} allocations, footers ${a.detected ? 'detected' : 'NOT detected'} (${a.valid} valid, ${a.errors.count} errors)\n`);
    process.stdout.write(`total: ${fmt(a.total)}\n`);
    for (const l of a.libraries) {
      process.stdout.write(`\n${l.name}: ${fmt(l.sizes)}\n`);
      for (const f of l.functions) process.stdout.write(`  ${f.name}: ${fmt(f.sizes)}\n`);
    }
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  }
  return 0;
}
