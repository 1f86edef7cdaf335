/**
 * The pure part of a stage's progress line (`StageProgress.tsx`): the stage's name, done of total, the rate, the time
 * left — and, for the figures that change as the stage runs, the widest text each can take in this stage, which the
 * line lays out (invisibly) under them from the stage's first moment, so nothing after them moves as they grow or
 * appear. Done is written in the total's unit and decimals ("74.8 of 287 MiB"), so it is never wider than the total.
 * Before the first report the rate is not known: nothing is shown in its place, neither "0/s" nor "starting".
 * Tested in `StageProgress.test.ts`.
 */
import { FINISHING_MS } from '../format/eta.ts';
import { fmtDuration, fmtInt, formatBytes } from '../format/numbers.ts';
import { STAGES } from '../model/stages.ts';
import type { StageState } from '../model/snapshot-state.ts';

export interface StageLine {
  /** "Walking the heap of core.1" (a read's line says "Reading": its file names the line above). */
  name: string;
  /** Done and total in the total's unit ("74.8", "287"; "26,369", "1,500,029"), or null while the total is not known. */
  done: string | null;
  total: string | null;
  /** After the total: " MiB", " allocations", "" (items without a word). */
  unit: string;
  /** "128 MiB/s", or null while not known (nothing done yet). */
  rate: string | null;
  /** The widest rate this stage may show: the rate's place from the start. */
  rateMax: string;
  /** "2.5 s left", "finishing", or null while not known. */
  eta: string | null;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `n` bytes in the unit and decimals formatBytes gives `total` ("287 MiB" → 74.8 MiB is "74.8"; "2.58 MiB" → "1.00"). */
export function bytesIn(n: number, total: number): { figure: string; unit: string } {
  if (total < 1024) return { figure: String(Math.round(n)), unit: 'B' };
  let u = 1;
  let scale = 1024;
  while (total / scale >= 1024 && u < UNITS.length - 1) {
    scale *= 1024;
    u++;
  }
  const t = total / scale;
  const decimals = t >= 100 ? 0 : t >= 10 ? 1 : 2;
  // Never more than the total as shown (a done just under it rounds to it, not past it).
  return { figure: Math.min(n / scale, t).toFixed(decimals), unit: UNITS[u] };
}

/**
 * The line of stage `p`, with `leftMs` from its EtaClock (null: not known). The rate is the one at its latest report
 * (`p.at`): it neither runs on between reports nor sinks once all is done while the line is still shown.
 */
export function stageLine(p: StageState, leftMs: number | null): StageLine {
  const info = STAGES[p.stage];
  const known = p.total > 0;
  const bytes = p.unit === 'bytes';
  const elapsed = Math.max(1, p.at - p.startedAt);
  const perSecond = p.done / (elapsed / 1000);
  const rate = known && p.done > 0 ? `${bytes ? formatBytes(Math.round(perSecond)) : fmtInt(Math.round(perSecond))}/s` : null;
  // formatBytes writes at most "1023 MiB" (M the widest of its unit letters); a rate of items may reach a hundred
  // times the total a second in a stage's first 10 ms.
  const rateMax = bytes ? '1023 MiB/s' : `${fmtInt(Math.max(1, p.total) * 100)}/s`;
  const eta = known && leftMs !== null ? (leftMs < FINISHING_MS ? 'finishing' : `${fmtDuration(leftMs)} left`) : null;
  const name = p.stage === 'read' ? info.title : `${info.title} ${p.file}`;
  if (!known) return { name, done: null, total: null, unit: '', rate: null, rateMax, eta: null };
  if (bytes) {
    const t = bytesIn(p.total, p.total);
    return { name, done: bytesIn(p.done, p.total).figure, total: t.figure, unit: ` ${t.unit}`, rate, rateMax, eta };
  }
  return { name, done: fmtInt(Math.round(p.done)), total: fmtInt(p.total), unit: info.items ? ` ${info.items}` : '', rate, rateMax, eta };
}
