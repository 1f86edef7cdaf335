/**
 * The reader for each input role. Every reader turns one input into the common
 * tables; the pipeline worker, the CLI and the tests all go through here.
 */
import type { OpenMappedFile } from '../heaps/python/mapped-files.ts';
import type { AllocationTable } from '../../../src/model/allocations.ts';
import type { ObjectTable } from '../../../src/model/objects.ts';
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';
import type { InputWarning } from '../io/errors.ts';
import type { ReadControl } from '../io/stream.ts';
import type { ByteSource } from '../io/source.ts';
import type { Role } from '../../../src/model/inputs.ts';

export interface ReadResult {
  format: Role;
  /** One row per allocation / trace / object, when the input has them. */
  table?: AllocationTable;
  /** Object dumps (meliae): per-object columns and the CSR reference graph, row-aligned with `table`. */
  objects?: ObjectTable;
  /** tracemalloc snapshots: traces, stack prefix tree, frames, traceback_limit, domains (`table` is its per-trace view). */
  tracemalloc?: TracemallocSnapshot;
  warnings: InputWarning[];
  /** Format-specific facts worth showing (e.g. chap's tally lines), plain JSON. */
  info: Record<string, unknown>;
}

/** Options some readers take: a core's reader can read the process's mapped files (CPython's static type names). */
export interface ReaderOptions {
  openMappedFile?: OpenMappedFile;
}

export type Reader = (src: ByteSource, ctl?: ReadControl, opts?: ReaderOptions) => Promise<ReadResult>;

/** Lazily imported so a worker only loads the readers it needs. */
export const READERS: Partial<Record<Role, () => Promise<Reader>>> = {
  'chap-list': async () => {
    const { readChapList } = await import('./chap-list/chap-list.ts');
    return async (src, ctl) => {
      const r = await readChapList(src, ctl);
      return { format: 'chap-list', table: r.table, warnings: r.warnings, info: { tallies: r.tallies, lines: r.lines } };
    };
  },
  meliae: async () => {
    const { readMeliae } = await import('./meliae/meliae.ts');
    return async (src, ctl) => {
      const r = await readMeliae(src, ctl);
      return { format: 'meliae', table: r.table, objects: r.objects, warnings: r.warnings, info: { lines: r.lines, duplicates: r.duplicates, missingRefs: r.objects.missingRefs } };
    };
  },
  tracemalloc: async () => {
    const { readTracemalloc } = await import('./tracemalloc/tracemalloc.ts');
    return async (src, ctl) => {
      const r = await readTracemalloc(src, ctl);
      const s = r.snapshot;
      return {
        format: 'tracemalloc',
        table: r.table,
        tracemalloc: s,
        warnings: r.warnings,
        info: { protocol: r.protocol, traces: s.traces.rows, tracebackLimit: s.tracebackLimit, domains: s.domains, stacks: s.stacks.rows, frames: s.frames.rows },
      };
    };
  },
  elf: async () => {
    const { openBinary } = await import('./elf/binary.ts');
    return async (src) => {
      const b = await openBinary(src);
      // A binary holds no allocations: it names the functions of a core dropped with it.
      return { format: 'elf', warnings: [], info: { buildId: b.buildId, type: b.type === 2 ? 'executable' : 'shared object', symbols: b.symbols.funcAddr.length } };
    };
  },
  mprof: async () => {
    const { readMprof } = await import('./mprof/mprof.ts');
    return async (src, ctl) => {
      const r = await readMprof(src, ctl);
      const p = r.profile;
      return { format: 'mprof', warnings: r.warnings, info: { mprof: p, samples: p.mem.time.length, funcs: p.funcs.length, children: p.children.length } };
    };
  },
  core: async () => {
    const { readCore } = await import('./core/read-core.ts');
    return async (src, ctl, opts) => {
      const r = await readCore(src, ctl, opts);
      await r.core.close();
      return { format: 'core', table: r.table, warnings: r.warnings, info: { ...r.info } };
    };
  },
};
