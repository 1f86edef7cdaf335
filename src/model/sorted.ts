/**
 * Binary search over sorted data: the one helper every reader, heap walk, index and view uses instead of a
 * hand-written loop. Pure; no allocation. Callers keep their own sort order and say what "sorted" means
 * through the keys they pass.
 */

/**
 * Index of the last `i` in `[from, to)` with `keys[i] <= x`, or `from − 1` when there is none; `keys` must be
 * sorted ascending over `[from, to)`. The first index with `keys[i] > x` is this + 1.
 */
export function lastAtOrBelow(keys: ArrayLike<number>, x: number, from = 0, to = keys.length): number {
  let lo = from;
  let hi = to - 1;
  let ans = from - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] <= x) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/**
 * `lastAtOrBelow` over 64-bit keys held as two Uint32 halves (an allocation table's `addrHi`/`addrLo`): the
 * last `i` in `[from, to)` with `hi[i] * 2^32 + lo[i] <= x`, or `from − 1`. The halves are compared as integers
 * (no double made per step) and the columns are typed (one array type: V8 keeps the loads monomorphic): the leak
 * graph's address index calls it for every candidate word.
 */
export function lastAtOrBelowHalves(hi: Uint32Array, lo: Uint32Array, x: number, from: number, to: number): number {
  const xHi = Math.floor(x / 4294967296);
  const xLo = x - xHi * 4294967296;
  let a = from;
  let b = to - 1;
  let ans = from - 1;
  while (a <= b) {
    const mid = (a + b) >>> 1;
    const h = hi[mid];
    if (h < xHi || (h === xHi && lo[mid] <= xLo)) {
      ans = mid;
      a = mid + 1;
    } else b = mid - 1;
  }
  return ans;
}

/** `lastAtOrBelow` for keys that are not an array of numbers: `keyAt(i)` for `i` in `[0, n)`, ascending. */
export function lastAtOrBelowBy(n: number, keyAt: (i: number) => number, x: number): number {
  let lo = 0;
  let hi = n - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (keyAt(mid) <= x) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** Index of `x` in `keys` (sorted ascending, no repeats), or −1. */
export function indexOfSorted(keys: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = keys[mid];
    if (v < x) lo = mid + 1;
    else if (v > x) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/**
 * Index `i` in `[0, n)` where `cmp(i) === 0`, or −1. `cmp(i)` says where element `i` lies from what is
 * sought: negative before it, positive after it, 0 at it (an exact key, or a range that contains a point);
 * the elements must be in that order (sorted keys, disjoint ranges in address order).
 */
export function findSorted(n: number, cmp: (i: number) => number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = cmp(mid);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else return mid;
  }
  return -1;
}
