/**
 * The demangler against binutils' `c++filt -i` (the spelling the product labels functions with: parameters kept,
 * `std::string` and the other standard abbreviations not spelled out, as gdb shows them):
 * - the committed fixture `cxxfilt-i.fixture.tsv.gz` (pairs written once by `scripts/gen-demangle-fixture.ts` from
 *   c++filt 2.40: libstdc++, the shared fixtures, the peer cores' `_Z` strings and a sample of every other shared
 *   library's symbols), so the comparison runs where binutils is absent;
 * - live, where `c++filt` is installed: every C++ symbol (`.dynsym` and `.symtab`) of every shared library on the
 *   machine, plus the shared fixtures' binaries and the peer cores' `_Z` strings when `../shared` is there.
 * Both require equality for every name.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cxxfilt, demangleCorpus } from '../../../test-support/cxx-symbols.ts';
import { hasShared, SHARED } from '../../../test-support/shared.ts';
import { demangle } from './demangle.ts';

function mismatches(names: readonly string[], want: readonly string[]): string[] {
  const out: string[] = [];
  names.forEach((n, i) => {
    const got = demangle(n);
    if (got !== want[i]) out.push(`${n}\n  c++filt -i: ${want[i]}\n  ours:       ${got}`);
  });
  return out;
}

describe('Itanium demangler = c++filt -i', () => {
  it('on the committed fixture of c++filt answers', () => {
    const tsv = gunzipSync(readFileSync(new URL('./cxxfilt-i.fixture.tsv.gz', import.meta.url))).toString('utf8');
    const pairs = tsv
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
    expect(pairs.length).toBeGreaterThan(10_000);
    const bad = mismatches(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    );
    expect(bad.slice(0, 20)).toEqual([]);
    expect(bad.length).toBe(0);
  });

  it('on every C++ symbol of the shared libraries on this machine (and ../shared), live', (ctx) => {
    const corpus = demangleCorpus(hasShared() ? SHARED : undefined);
    const want = cxxfilt(corpus.names);
    if (!want) return ctx.skip("binutils' c++filt is not installed: only the committed fixture is compared");
    // libstdc++ alone has ~5,900.
    expect(corpus.names.length).toBeGreaterThan(5_000);
    const bad = mismatches(corpus.names, want);
    expect(bad.slice(0, 20)).toEqual([]);
    expect(bad.length).toBe(0);
  }, 300_000);
});
