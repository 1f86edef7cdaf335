/**
 * Python's `fnmatch.fnmatch` on POSIX (where `os.path.normcase` changes
 * nothing, so matching is case-sensitive), with the same pattern language as
 * CPython 3.11's `fnmatch.translate`:
 *
 *   *       any run of characters (also `/`; a leading `.` is not special)
 *   ?       one character (one code point)
 *   [seq]   one character in seq; `[!seq]` one not in seq; `]` first is literal;
 *           `a-z` ranges, with CPython's rules for stray and reversed ranges
 *           (a reversed range like `z-a` is dropped; an empty set never matches)
 *   other   itself; there is no escape character (`\` is literal)
 *   `[` without a closing `]` is a literal `[`.
 *
 * Patterns compile to tokens matched by a greedy glob matcher, never to a
 * RegExp, so no pattern can make matching slow beyond O(name × pattern).
 */

type Token =
  | { t: 'lit'; c: number }
  | { t: 'any' }
  | { t: 'star' }
  | { t: 'set'; neg: boolean; lits: Set<number>; ranges: [number, number][] }
  | { t: 'never' };

const BANG = 0x21;
const DASH = 0x2d;
const CLOSE = 0x5d;

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

/**
 * One bracket expression, `pat[i..j)` being what is between `[` and `]`.
 * Mirrors the chunking of CPython's translate(): hyphens split the content into
 * chunks; the last char of a chunk and the first of the next form a range;
 * reversed ranges are removed; every other char is literal.
 */
function bracket(pat: number[], i: number, j: number): Token {
  const stuff = pat.slice(i, j);
  let chunks: number[][];
  if (!stuff.includes(DASH)) {
    chunks = [stuff];
  } else {
    chunks = [];
    let k = pat[i] === BANG ? i + 2 : i + 1;
    for (;;) {
      k = pat.indexOf(DASH, k);
      if (k < 0 || k >= j) break;
      chunks.push(pat.slice(i, k));
      i = k + 1;
      k = k + 3;
    }
    const chunk = pat.slice(i, j);
    if (chunk.length) chunks.push(chunk);
    else chunks[chunks.length - 1].push(DASH);
    for (let m = chunks.length - 1; m > 0; m--) {
      const prev = chunks[m - 1];
      const cur = chunks[m];
      if (prev.length && cur.length && prev[prev.length - 1] > cur[0]) {
        chunks[m - 1] = [...prev.slice(0, -1), ...cur.slice(1)];
        chunks.splice(m, 1);
      }
    }
  }
  // Flatten: consecutive chunks are joined by a range operator.
  const flat: number[] = [];
  const rangeAfter: boolean[] = [];
  chunks.forEach((ch, n) => {
    ch.forEach((c, m) => {
      flat.push(c);
      rangeAfter.push(m === ch.length - 1 && n < chunks.length - 1);
    });
  });
  if (flat.length === 0) return { t: 'never' };
  let start = 0;
  const neg = flat[0] === BANG;
  if (neg) {
    if (flat.length === 1) return { t: 'any' };
    start = 1;
  }
  const lits = new Set<number>();
  const ranges: [number, number][] = [];
  for (let k = start; k < flat.length; k++) {
    if (rangeAfter[k] && k + 1 < flat.length) {
      ranges.push([flat[k], flat[k + 1]]);
      k++;
      // In CPython's regex the joining '-' after a range end is a literal '-'.
      if (rangeAfter[k]) lits.add(DASH);
    } else lits.add(flat[k]);
  }
  return { t: 'set', neg, lits, ranges };
}

function compile(pattern: string): Token[] {
  const pat = codePoints(pattern);
  const out: Token[] = [];
  const n = pat.length;
  let i = 0;
  while (i < n) {
    const c = pat[i++];
    if (c === 0x2a) {
      if (out.length === 0 || out[out.length - 1].t !== 'star') out.push({ t: 'star' });
    } else if (c === 0x3f) {
      out.push({ t: 'any' });
    } else if (c === 0x5b) {
      let j = i;
      if (j < n && pat[j] === BANG) j++;
      if (j < n && pat[j] === CLOSE) j++;
      while (j < n && pat[j] !== CLOSE) j++;
      if (j >= n) out.push({ t: 'lit', c });
      else {
        out.push(bracket(pat, i, j));
        i = j + 1;
      }
    } else out.push({ t: 'lit', c });
  }
  return out;
}

function matchOne(tok: Token, c: number): boolean {
  switch (tok.t) {
    case 'lit':
      return tok.c === c;
    case 'any':
      return true;
    case 'never':
      return false;
    case 'set': {
      let hit = tok.lits.has(c);
      for (let k = 0; !hit && k < tok.ranges.length; k++) hit = c >= tok.ranges[k][0] && c <= tok.ranges[k][1];
      return hit !== tok.neg;
    }
    default:
      return false;
  }
}

/** Glob match of code points against tokens (stars backtrack to the last star only). */
function matchTokens(toks: Token[], s: number[]): boolean {
  let ti = 0;
  let si = 0;
  let starT = -1;
  let starS = 0;
  while (si < s.length) {
    if (ti < toks.length && toks[ti].t === 'star') {
      starT = ti++;
      starS = si;
    } else if (ti < toks.length && matchOne(toks[ti], s[si])) {
      ti++;
      si++;
    } else if (starT >= 0) {
      ti = starT + 1;
      si = ++starS;
    } else return false;
  }
  while (ti < toks.length && toks[ti].t === 'star') ti++;
  return ti === toks.length;
}

const cache = new Map<string, Token[]>();

/** Compiled matcher for one pattern: `(name) => boolean`, as `fnmatch.fnmatch(name, pattern)` on POSIX. */
export function fnmatcher(pattern: string): (name: string) => boolean {
  let toks = cache.get(pattern);
  if (!toks) {
    toks = compile(pattern);
    if (cache.size > 4096) cache.clear();
    cache.set(pattern, toks);
  }
  const t = toks;
  return (name) => matchTokens(t, codePoints(name));
}

/** `fnmatch.fnmatch(name, pattern)` on POSIX. */
export function fnmatch(name: string, pattern: string): boolean {
  return fnmatcher(pattern)(name);
}
