/**
 * Reader for memory_profiler's `mprof run` files (`mprofile_*.dat`), line for
 * line as memory_profiler's `read_mprofile_file` reads them (mprof.py):
 *
 *   CMDLINE python train.py
 *   MEM 41.343750 1700000000.1234
 *   FUNC __main__.load 41.3438 1700000000.2001 95.1016 1700000001.0012 1
 *   CHLD 12345 20.5 1700000000.5
 *
 * A line is `FIELD value`, split at the first space. MEM: MiB and time. FUNC:
 * name, MiB in, time in, MiB out, time out, and a stack depth when there is a
 * sixth field. CHLD: child id, MiB, time. CMDLINE: the rest of the line. Other
 * fields are skipped, as mprof skips them. mprof refuses a blank line ("Sampling
 * time was too short"); here it is a warning. A line whose numbers do not parse
 * is skipped and counted in one warning naming its first line number.
 *
 * `mprof plot` draws the MEM samples merged with every FUNC's two points, sorted
 * by time, from the earliest of those times; `mprof peak` is the largest MEM
 * value (FUNC points excluded) and each child's largest.
 */
import type { MprofFunc, MprofProfile, MprofSeries } from '../../../../src/model/mprof.ts';
import { InputError, type InputWarning } from '../../io/errors.ts';
import { TEXT_DECODE_BUDGET } from '../../io/budget.ts';
import { decodedChunks, type ReadControl } from '../../io/stream.ts';
import type { ByteSource } from '../../io/source.ts';
import { pyFixed } from '../../python/format.ts';

/** A line longer than this is refused (mprof lines are short; a CMDLINE of a long command is a few KiB). */
export const MAX_LINE = 1 << 20;
/** Samples refused past this (an hour at mprof's 0.1 s interval is 36,000). */
export const MAX_SAMPLES = 1 << 25;

class Growing {
  a = new Float64Array(1024);
  b = new Float64Array(1024);
  n = 0;
  push(x: number, y: number): void {
    if (this.n === this.a.length) {
      const a = new Float64Array(this.n * 2);
      a.set(this.a);
      const b = new Float64Array(this.n * 2);
      b.set(this.b);
      this.a = a;
      this.b = b;
    }
    this.a[this.n] = x;
    this.b[this.n++] = y;
  }
}

const num = (s: string | undefined): number => (s === undefined || s.trim() === '' ? NaN : Number(s));

export class MprofParser {
  private cmdline: string | null = null;
  private readonly mem = new Growing(); // a = MiB, b = time
  private readonly funcs: MprofFunc[] = [];
  private readonly children = new Map<string, Growing>();
  private rest = '';
  private line = 0;
  private bad = 0;
  private firstBad = 0;
  private blank = 0;
  private unknown = 0;
  private samples = 0;
  private readonly decoder = new TextDecoder();
  constructor(readonly name: string) {}

  push(chunk: Uint8Array): void {
    const text = this.rest + this.decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    this.rest = lines.pop()!;
    if (this.rest.length > MAX_LINE) throw new InputError(this.name, `line ${this.line + 1} is longer than ${MAX_LINE} bytes: not an mprof file`);
    for (const l of lines) this.feed(l);
  }

  private feed(raw: string): void {
    this.line++;
    const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (l === '') {
      this.blank++;
      return;
    }
    const sp = l.indexOf(' ');
    const field = sp < 0 ? l : l.slice(0, sp);
    const value = sp < 0 ? '' : l.slice(sp + 1);
    if (++this.samples > MAX_SAMPLES) throw new InputError(this.name, `more than ${MAX_SAMPLES} lines: refused`);
    const fail = (): void => {
      if (!this.bad++) this.firstBad = this.line;
    };
    if (field === 'MEM') {
      const v = value.split(' ');
      const mib = num(v[0]);
      const t = num(v[1]);
      if (!Number.isFinite(mib) || !Number.isFinite(t)) return fail();
      this.mem.push(mib, t);
    } else if (field === 'FUNC') {
      const v = value.split(' ');
      if (v.length < 5) return fail();
      const [name, ms, s, me, e] = v;
      const f: MprofFunc = { name, memStart: num(ms), start: num(s), memEnd: num(me), end: num(e), depth: v.length >= 6 ? Math.trunc(num(v[5])) : -1 };
      if (![f.memStart, f.start, f.memEnd, f.end].every(Number.isFinite) || (v.length >= 6 && !Number.isFinite(f.depth))) return fail();
      this.funcs.push(f);
    } else if (field === 'CHLD') {
      const v = value.split(' ');
      const mib = num(v[1]);
      const t = num(v[2]);
      if (v[0] === undefined || !Number.isFinite(mib) || !Number.isFinite(t)) return fail();
      let c = this.children.get(v[0]);
      if (!c) this.children.set(v[0], (c = new Growing()));
      c.push(mib, t);
    } else if (field === 'CMDLINE') this.cmdline = value;
    else this.unknown++;
  }

  end(): { profile: MprofProfile; warnings: InputWarning[] } {
    const tail = this.rest + this.decoder.decode();
    if (tail !== '') this.feed(tail);
    const warnings: InputWarning[] = [];
    if (this.bad) warnings.push({ file: this.name, message: `${this.bad} line${this.bad === 1 ? '' : 's'} with numbers that do not parse (first at line ${this.firstBad}) skipped` });
    if (this.blank) warnings.push({ file: this.name, message: `${this.blank} blank line${this.blank === 1 ? '' : 's'}: mprof refuses such a file ("Sampling time was too short")` });
    if (this.mem.n === 0 && this.funcs.length === 0) throw new InputError(this.name, 'no MEM samples or FUNC spans: not an mprof run file, or the run was too short');
    const mem: MprofSeries = { mib: Array.from(this.mem.a.subarray(0, this.mem.n)), time: Array.from(this.mem.b.subarray(0, this.mem.n)) };
    // The plotted curve: samples plus each function's entry and exit points, sorted by time (stable).
    const pts: [number, number][] = [];
    for (let i = 0; i < mem.time.length; i++) pts.push([mem.time[i], mem.mib[i]]);
    for (const f of this.funcs) pts.push([f.start, f.memStart], [f.end, f.memEnd]);
    const idx = pts.map((_, i) => i).sort((x, y) => pts[x][0] - pts[y][0] || x - y);
    const curve: MprofSeries = { time: idx.map((i) => pts[i][0]), mib: idx.map((i) => pts[i][1]) };
    let peak = { mib: -Infinity, time: NaN };
    for (let i = 0; i < mem.mib.length; i++) if (mem.mib[i] > peak.mib) peak = { mib: mem.mib[i], time: mem.time[i] };
    if (!mem.mib.length) peak = { mib: NaN, time: NaN };
    const children = [...this.children].map(([pid, g]) => {
      const series: MprofSeries = { mib: Array.from(g.a.subarray(0, g.n)), time: Array.from(g.b.subarray(0, g.n)) };
      return { pid, series, peak: series.mib.reduce((m, x) => Math.max(m, x), -Infinity) };
    });
    let end = curve.time.length ? curve.time[curve.time.length - 1] : 0;
    for (const c of children) if (c.series.time.length) end = Math.max(end, c.series.time.reduce((m, x) => Math.max(m, x), -Infinity));
    return {
      profile: { cmdline: this.cmdline, mem, curve, funcs: this.funcs, children, start: curve.time.length ? curve.time[0] : 0, end, peak },
      warnings,
    };
  }
}

export async function readMprof(src: ByteSource, ctl?: ReadControl): Promise<{ profile: MprofProfile; warnings: InputWarning[] }> {
  const p = new MprofParser(src.name);
  for await (const chunk of decodedChunks(src, ctl, TEXT_DECODE_BUDGET)) p.push(chunk);
  return p.end();
}

/** `mprof peak`'s lines: `FILE\t<peak>.3f MiB`, then `  Child PID\t\t\t<peak>.3f MiB` per child. */
export function mprofPeakText(file: string, p: MprofProfile): string {
  let t = `${file}\t${pyFixed(p.peak.mib, 3)} MiB\n`;
  for (const c of p.children) t += `  Child ${c.pid}\t\t\t${pyFixed(c.peak, 3)} MiB\n`;
  return t;
}
