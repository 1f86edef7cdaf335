/**
 * Writes workers/logic/symbols/cxxfilt-i.fixture.tsv.gz: (mangled, `c++filt -i` output) pairs, so the demangler's
 * differential test also runs where binutils is absent. Run once where c++filt is: `npx tsx scripts/gen-demangle-fixture.ts`.
 * Kept: every C++ symbol of libstdc++ and of the shared fixtures, the `_Z` strings of the peer cores, one in 10 of the
 * other libraries' symbols that use a rarer part of the grammar (expressions, decltype, lambdas, local names, clones,
 * special names, qualified function types), and one in 100 of the rest (chosen by a hash of the name: reproducible).
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { cxxfilt, demangleCorpus } from '../test-support/cxx-symbols.ts';
import { SHARED } from '../test-support/shared.ts';

const RARE = /DT|Dt|sr|Ul|Ut|GT|TC|Tc|Th|Tv|Dv|Do|DO|Dw|Dx|fp|Ed_|Ed\d|Dp|IJ|X|C[1-5]I|D[0-5]I|A\d+_A|MS|MN|cv|Z.*E/;

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const corpus = demangleCorpus(SHARED);
const keep = corpus.names.filter((n) => corpus.core.has(n) || (RARE.test(n.slice(2)) && fnv(n) % 10 === 0) || fnv(n) % 100 === 0);
const want = cxxfilt(keep);
if (!want) throw new Error('c++filt (binutils) is needed to generate the fixture');
const tsv = keep.map((n, i) => `${n}\t${want[i]}`).join('\n') + '\n';
const out = new URL('../workers/logic/symbols/cxxfilt-i.fixture.tsv.gz', import.meta.url);
writeFileSync(out, gzipSync(tsv, { level: 9 }));
console.log(`${keep.length} of ${corpus.names.length} names, ${tsv.length} bytes of TSV → ${out.pathname}`);
