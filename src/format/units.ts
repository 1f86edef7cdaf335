/**
 * Units and axes: binary byte units (KiB, MiB, GiB) for headlines, ticks and
 * labels, and round binary tick values for byte axes. Pure; tested in units.test.ts.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** The unit exponent of `n` bytes: 0 = B, 1 = KiB, … */
function unitOf(n: number): number {
  let u = 0;
  let v = Math.abs(n);
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u;
}

/** `n` without trailing zeros after at most `digits` decimals: 1 → "1", 1.5 → "1.5", 1.256 → "1.26". */
function trim(v: number, digits: number): string {
  const t = v.toFixed(digits);
  return t.includes('.') ? t.replace(/\.?0+$/, '') : t;
}

/**
 * A byte count in the largest binary unit under it, with three significant
 * digits: 3413480 → "3.26 MiB", 1024 → "1 KiB", 1536 → "1.5 KiB", 512 → "512 B".
 */
export function humanBytes(n: number): string {
  const u = unitOf(n);
  if (u === 0) return `${n} B`;
  const v = n / 1024 ** u;
  return `${trim(v, Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2)} ${UNITS[u]}`;
}

/** A tick label: exact in its unit when it can be (1 KiB, 4 KiB, 16 MiB, 1.25 MiB), never "1.00 KiB". */
export function tickBytes(n: number): string {
  if (n === 0) return '0';
  const u = unitOf(n);
  const v = n / 1024 ** u;
  return `${trim(v, 3)} ${UNITS[u]}`;
}

/**
 * Round binary ticks from 0 to at least `max` for a linear byte axis: a step of
 * 2^k bytes (or 2^k in a unit: 256 KiB, 1 MiB, 4 MiB), the largest count of
 * ticks not above `target`. Returns the ticks (0 first); the last one is ≥ max.
 */
export function binaryTicks(max: number, target = 6): number[] {
  if (!(max > 0)) return [0, 1];
  let step = 1;
  while (Math.ceil(max / step) > target) step *= 2;
  const n = Math.max(1, Math.ceil(max / step));
  return Array.from({ length: n + 1 }, (_, i) => i * step);
}

/** Powers of 2^`every` from 1 up to the first one ≥ max: ticks of a log byte axis (1 B, 16 B, 256 B, 4 KiB, …). */
export function binaryLogTicks(max: number, every = 4): number[] {
  const out = [0, 1];
  let t = 1;
  while (t < max) {
    t *= 2 ** every;
    out.push(t);
  }
  return out;
}

/** Counts: 1 → "1 thread", 3 → "3 threads" (the plural adds an s unless given). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
