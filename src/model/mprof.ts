/**
 * A memory_profiler run (`mprof run` writes `mprofile_<date>.dat`), as
 * `mprof.read_mprofile_file` reads it, plus what `mprof plot` and `mprof peak`
 * derive from it. Times are seconds since the epoch as written; `start` is the
 * plot's origin (the earliest time of the memory curve); memory is MiB.
 *
 * | field    | meaning                                                                                   |
 * |----------|-------------------------------------------------------------------------------------------|
 * | cmdline  | the `CMDLINE` line (the command profiled), null when absent                               |
 * | mem      | the `MEM <MiB> <time>` samples, in file order                                             |
 * | curve    | what `mprof plot` draws: the samples plus every function's entry and exit point, by time  |
 * | funcs    | `FUNC <name> <MiB in> <t in> <MiB out> <t out> [<depth>]` spans, in file order; depth -1   |
 * |          | when the file has none                                                                     |
 * | children | `CHLD <pid> <MiB> <time>` series per child process (mprof run --include-children/--multiprocess) |
 * | peak     | `mprof peak`: the largest MEM sample (MiB) and its time; children's peaks beside           |
 */
/** Plain arrays: the profile lives in an input's JSON `info` (saved with the analysis). */
export interface MprofSeries {
  time: number[];
  mib: number[];
}

export interface MprofFunc {
  name: string;
  memStart: number;
  start: number;
  memEnd: number;
  end: number;
  depth: number;
}

export interface MprofProfile {
  cmdline: string | null;
  mem: MprofSeries;
  curve: MprofSeries;
  funcs: MprofFunc[];
  children: { pid: string; series: MprofSeries; peak: number }[];
  start: number;
  end: number;
  peak: { mib: number; time: number };
}
