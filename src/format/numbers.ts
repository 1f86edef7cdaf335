/**
 * Number formatting shared by the views: exact integers with separators, bytes, percentages.
 * The formatters the CLI and the tests share live in the logic and are re-exported here for the
 * views (which import no code from workers/logic themselves): bytes as the size classes print them,
 * sizes as the malloc_tracer gdb plugin prints them.
 */
export { formatBytes } from '../../workers/logic/aggregate/size-classes.ts';
export { pyFixed } from '../../workers/logic/python/format.ts';
export { pluginMean, pluginSize } from '../../workers/logic/aggregate/plugin-format.ts';

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `3413480` → `3,413,480` (exact; no rounding to KiB). */
export function fmtInt(n: number): string {
  return intFmt.format(n);
}

export function fmtPct(part: number, whole: number, digits = 1): string {
  if (whole === 0) return '–';
  const v = (100 * part) / whole;
  // A non-zero share too small for the digits shows two significant digits (0.0012%), not "0.0%".
  if (v > 0 && v < 0.5 * 10 ** -digits) return `${Number(v.toPrecision(2))}%`;
  return `${v.toFixed(digits)}%`;
}

export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
