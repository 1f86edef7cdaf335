/**
 * CPython's text forms of tracemalloc results: `_format_size`, `str(Statistic)`
 * and `str(StatisticDiff)`, digit for digit (Python's `%.Nf` rounds the exact
 * binary value half-to-even; `Number.prototype.toFixed` does not, so rounding
 * is done here on the exact decimal expansion).
 */
import type { PyFrame, Statistic, StatisticDiff } from './statistics.ts';
import { UNKNOWN_FILE } from './filters.ts';

/** Python's `'%.{digits}f' % x` (and `'%+.{digits}f'` with `sign`). */
export function pyFixed(x: number, digits: number, sign = false): string {
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  let body: string;
  if (!Number.isFinite(ax)) body = Number.isNaN(ax) ? 'nan' : 'inf';
  else if (ax >= 1e21) body = BigInt(ax).toString() + (digits > 0 ? '.' + '0'.repeat(digits) : '');
  else {
    // toFixed(100) gives the exact decimal expansion to 100 places; a value that is exactly
    // half-way at `digits` places has a terminating expansion, so ties are seen exactly.
    const exact = ax.toFixed(100);
    const dot = exact.indexOf('.');
    const intPart = exact.slice(0, dot);
    const frac = exact.slice(dot + 1);
    const kept = intPart + frac.slice(0, digits);
    const rest = frac.slice(digits);
    let roundUp: boolean;
    if (rest[0] > '5') roundUp = true;
    else if (rest[0] < '5') roundUp = false;
    else {
      // exactly half: round half to even
      roundUp = /[1-9]/.test(rest.slice(1)) || (parseInt(kept[kept.length - 1], 10) & 1) === 1;
    }
    let digitsStr = kept;
    if (roundUp) {
      const arr = digitsStr.split('').map(Number);
      let i = arr.length - 1;
      while (i >= 0 && arr[i] === 9) arr[i--] = 0;
      if (i < 0) arr.unshift(1);
      else arr[i]++;
      digitsStr = arr.join('');
    }
    const ip = digitsStr.slice(0, digitsStr.length - digits) || '0';
    body = digits > 0 ? `${ip}.${digitsStr.slice(digitsStr.length - digits)}` : ip;
  }
  if (neg) return `-${body}`;
  return sign ? `+${body}` : body;
}

/** `tracemalloc._format_size(size, sign)`. */
export function formatSize(size: number, sign: boolean): string {
  for (const unit of ['B', 'KiB', 'MiB', 'GiB', 'TiB']) {
    if (Math.abs(size) < 100 && unit !== 'B') return `${pyFixed(size, 1, sign)} ${unit}`;
    if (Math.abs(size) < 10 * 1024 || unit === 'TiB') return `${pyFixed(size, 0, sign)} ${unit}`;
    size /= 1024;
  }
  return '';
}

/** `str(Traceback)`: its oldest frame as "file:line". */
export function formatTracebackKey(frames: PyFrame[]): string {
  const [file, line] = frames[0] ?? [UNKNOWN_FILE, 0];
  return `${file}:${line}`;
}

/** `str(Statistic)`. */
export function formatStatistic(s: Statistic): string {
  let text = `${formatTracebackKey(s.frames)}: size=${formatSize(s.size, false)}, count=${s.count}`;
  if (s.count) text += `, average=${formatSize(s.size / s.count, false)}`;
  return text;
}

/** `str(StatisticDiff)`. */
export function formatStatisticDiff(s: StatisticDiff): string {
  const cd = s.countDiff >= 0 ? `+${s.countDiff}` : `${s.countDiff}`;
  let text = `${formatTracebackKey(s.frames)}: size=${formatSize(s.size, false)} (${formatSize(s.sizeDiff, true)}), count=${s.count} (${cd})`;
  if (s.count) text += `, average=${formatSize(s.size / s.count, false)}`;
  return text;
}
