/**
 * `heapscope attribute CORE [--list LIST] [--bin FILE...] [--debug-dir DIR] [--json]`:
 * malloc_tracer footer attribution, library → function (→ return address).
 * Allocation boundaries come from chap's list when given, else from the core's
 * glibc heap walk. Binaries given with --bin (executables, .so, or separate
 * `.debug` files) are matched to the core's mappings by build-id, else by name;
 * modules still without symbols get `DIR/.build-id/xx/rest.debug` when it exists
 * (DIR defaults to /usr/lib/debug, as gdb does).
 */
import type { AllocationTable } from '../../src/model/allocations.ts';
import { attributeWithModules } from '../../workers/logic/aggregate/attribution.ts';
import { type Sizes } from '../../src/model/attribution.ts';
import type { Binary } from '../../workers/logic/formats/elf/binary.ts';
import { openCore } from '../../workers/logic/formats/elf/core-file.ts';
import { readChapList } from '../../workers/logic/formats/chap-list/chap-list.ts';
import { findAllocations } from '../../workers/logic/heaps/find-allocators.ts';
import { NodeFileSource } from '../node-source.ts';
import { parseArgs } from '../args.ts';
import { binaryAt, DEFAULT_DEBUG_DIR, modulesWithDebugFiles, splitBins } from '../core-inputs.ts';

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
  const coreSrc = await NodeFileSource.open(positional[0]);
  const core = await openCore(coreSrc);
  try {
    const binaries: Binary[] = [];
    for (const b of bins) binaries.push(await binaryAt(b));
    const debugDir = typeof flags.get('debug-dir') === 'string' ? (flags.get('debug-dir') as string) : DEFAULT_DEBUG_DIR;
    const modules = await modulesWithDebugFiles(core, binaries, debugDir);

    let table: AllocationTable;
    const list = flags.get('list');
    if (typeof list === 'string') {
      const src = await NodeFileSource.open(list);
      try {
        table = (await readChapList(src)).table;
      } finally {
        await src.close();
      }
    } else table = (await findAllocations(core)).table;

    const a = await attributeWithModules(core, table, modules);
    const warnings = [...core.warnings, ...a.warnings].map((w) => `${w.file}: ${w.message}`);
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
    await core.close();
  }
}
