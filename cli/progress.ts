/**
 * The CLI's progress line: while a long stage runs (a compressed core's read, the heap walk, symbols, class names,
 * attribution, the leak sets) one line on stderr, redrawn in place at most every 100 ms — the stage and file, done
 * of total, rate and the time left (`EtaClock`: it only counts down within a stage) — and cleared when the stage
 * ends. Only when stderr is a terminal (`HEAPSCOPE_PROGRESS=0` turns it off): piped or redirected output never sees
 * it.
 */
import type { Progress, ReadControl } from '../workers/logic/io/stream.ts';
import { EtaClock, FINISHING_MS } from '../workers/logic/io/eta.ts';
import { formatBytes } from '../workers/logic/aggregate/size-classes.ts';
import { groupDigits } from '../workers/logic/aggregate/digits.ts';
import { STAGES } from '../src/model/stages.ts';

interface Terminal {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * One progress line's text ("Walking the heap of core.1: 12.0 MiB of 301 MiB · 116 MiB/s · 2.5 s left"; before the
 * first item no rate: "… 0 B of 301 MiB"), at most `width` characters: too wide, it drops the file name, then the
 * unit's word, before cutting.
 */
export function progressText(p: Progress, elapsedMs: number, leftMs: number | null, width = Infinity): string {
  const stage = STAGES[p.stage ?? 'read'];
  const unit = p.unit ?? stage.unit;
  const amount = (n: number): string => (unit === 'bytes' ? formatBytes(Math.round(n)) : groupDigits(Math.round(n)));
  const heads = [`${stage.title} ${p.file}`, stage.title.replace(/ (of|in|for)$/, '')];
  if (!(p.totalBytes > 0)) return `${heads[0]}…`.slice(0, width);
  const rate = p.bytesRead / Math.max(0.001, elapsedMs / 1000);
  const words = unit === 'items' && stage.items ? [` ${stage.items}`, ''] : [''];
  const left = leftMs === null ? '' : leftMs < FINISHING_MS ? ' · finishing' : ` · ${duration(leftMs)} left`;
  // No rate before the first item or byte: "0/s" reads as stuck (the browser's line shows none either).
  const shownRate = p.bytesRead > 0 ? ` · ${amount(rate)}/s` : '';
  const text = (head: string, items: string): string => `${head}: ${amount(p.bytesRead)} of ${amount(p.totalBytes)}${items}${shownRate}${left}`;
  const tries = [text(heads[0], words[0]), text(heads[1], words[0]), text(heads[1], words[words.length - 1])];
  return (tries.find((t) => t.length <= width) ?? tries[2]).slice(0, width);
}

export interface CliProgress extends ReadControl {
  /** Erases the line (before the command's own output, and at the end). */
  clear(): void;
}

/** A progress control drawing on `out` when it is a terminal; undefined otherwise (nothing to pass to the stages). */
export function terminalProgress(out: Terminal = process.stderr, env: Record<string, string | undefined> = process.env, now: () => number = () => performance.now()): CliProgress | undefined {
  if (!out.isTTY || env.HEAPSCOPE_PROGRESS === '0') return undefined;
  const clock = new EtaClock();
  let key = '';
  let startedAt = 0;
  let drawn = false;
  let last = -Infinity;
  const clear = (): void => {
    if (drawn) out.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    onProgress(p: Progress): void {
      const t = now();
      const k = `${p.stage ?? 'read'}:${p.file}`;
      if (k !== key) {
        key = k;
        startedAt = t;
        last = -Infinity;
      }
      const left = clock.update({ key: k, done: p.bytesRead, total: p.totalBytes, startedAt, now: t });
      if (p.totalBytes > 0 && p.bytesRead >= p.totalBytes) return clear();
      if (t - last < 100) return;
      last = t;
      // One row, never wrapped (a wrapped line could not be redrawn in place).
      out.write(`\r\x1b[2K${progressText(p, t - startedAt, left, Math.max(20, (out.columns || 80) - 1))}`);
      drawn = true;
    },
    clear,
  };
}

/** The command's progress line (stderr), shared by every stage it runs; erased when the process exits. */
export const cliProgress: CliProgress | undefined = terminalProgress();
if (cliProgress) process.on('exit', () => cliProgress.clear());
