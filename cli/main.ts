/**
 * `heapscope` command line: the same readers and aggregations as the browser.
 * Each subcommand lives in `cli/commands/<name>.ts` and exports `run(args)`.
 */
/** The subcommands, each loaded only when it runs (the build makes one chunk per command). */
const COMMANDS: Record<string, () => Promise<{ run(args: string[]): Promise<number> }>> = {
  summary: () => import('./commands/summary.ts'),
  attribute: () => import('./commands/attribute.ts'),
  stats: () => import('./commands/stats.ts'),
  diff: () => import('./commands/diff.ts'),
  list: () => import('./commands/list.ts'),
  count: () => import('./commands/count.ts'),
  heap: () => import('./commands/heap.ts'),
  compare: () => import('./commands/compare.ts'),
  meliae: () => import('./commands/meliae.ts'),
  growth: () => import('./commands/growth.ts'),
};

const USAGE = `usage: heapscope <command> [options]

commands:
  summary FILE... [--json]   the snapshots the files form, each with its used and free allocations
  attribute CORE [--list LIST] [--bin FILE...] [--json]   malloc_tracer footers by library and function
  stats SNAP --by filename|lineno|traceback [--cumulative] [--json]   tracemalloc statistics, as CPython's
  diff OLD NEW --by filename|lineno|traceback [--cumulative] [--json]   tracemalloc compare_to, as CPython's
  list --SET CORE [LIST...] [--json]   chap's list SET (used, free, leaked, unreferenced, anchored, …) of a core
  count SET CORE [LIST...] [--json]    chap's count SET: its tally line (N allocations use 0xHEX (D,DDD) bytes.)
  heap CORE [--json]         the allocators found in a core, their arenas and heap regions
  compare A B [--list-a LIST --list-b LIST] [--bin FILE...] [--by library|function|site|class|sizeclass] [--json]
                             snapshot A against B (cores, chap lists), sorted by |Δ bytes|; tracemalloc: use diff
  meliae DUMP [--dominators N] [--by size|count] [--no-collapse] [--object ADDR] [--json]
                             meliae's summarize() table of a dump, largest retained sizes; one object as meliae loads it
  growth BEFORE AFTER [--limit N] [--json]   types that grew, as objgraph's show_growth (two CPython cores or meliae dumps)
  help                       this text
`;

/** A reader that stops early (`heapscope … | head`) ends the command quietly, not with a stack trace. */
function quietOnBrokenPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
}

export async function main(argv: string[]): Promise<number> {
  quietOnBrokenPipe();
  const [cmd, ...args] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  const load = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!load) {
    process.stderr.write(`heapscope: unknown command "${cmd}"\n${USAGE}`);
    return 2;
  }
  const mod = await load();
  try {
    return await mod.run(args);
  } catch (e) {
    // On a terminal, over the progress line of the stage that failed (cli/progress.ts; not imported here: start-up).
    process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}heapscope ${cmd}: ${(e as Error).message}\n`);
    return 1;
  }
}
