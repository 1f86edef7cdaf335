/**
 * Which glibc a core ran, from what the core holds: the version in libc's file
 * name (`libc-2.23.so`, before glibc 2.34 dropped it), else the newest
 * `GLIBC_2.N` symbol version libc defines, read from its dynamic string table
 * in the first mapping of libc (gcore and the kernel dump it: it holds the ELF
 * headers). A release adds symbols under its own version name, so this is the
 * release unless it added none (then it is the newest earlier one that did).
 */
import type { CoreFile } from '../../formats/elf/core-file.ts';

export interface GlibcVersion {
  version: string;
  /** How it was found, for the heap view: "libc-2.23.so" or "GLIBC_2.36, libc's newest symbol version". */
  source: string;
}

const MAX_SCAN = 1 << 20;

export async function glibcVersion(core: CoreFile): Promise<GlibcVersion | null> {
  const libc = core.files.filter((f) => /\/libc(-[\d.]+)?\.so(\.6)?$/.test(f.path));
  for (const f of libc) {
    const m = /\/libc-(2\.\d+)\.so$/.exec(f.path);
    if (m) return { version: m[1], source: f.path.slice(f.path.lastIndexOf('/') + 1) };
  }
  const first = libc.find((f) => f.fileOffset === 0);
  if (!first) return null;
  let best = -1;
  const end = Math.min(first.end, first.start + MAX_SCAN);
  for (let a = first.start; a < end; a += 0x10000) {
    const b = await core.read(a, Math.min(0x10000 + 16, end - a));
    if (b) best = Math.max(best, newestVersionIn(b));
  }
  if (best < 0) return null;
  return { version: `2.${best}`, source: `GLIBC_2.${best}, libc's newest symbol version` };
}

/**
 * The largest N of the NUL-terminated "GLIBC_2.N" strings (or "GLIBC_2.N.M") in `b`, -1 when none: .dynstr's version
 * names. A plain function with a native search for each 'G' (an async function's own loop over a MiB ran ~40 ms).
 */
function newestVersionIn(b: Uint8Array): number {
  let best = -1;
  for (let i = b.indexOf(0x47); i >= 0 && i + 9 < b.length; i = b.indexOf(0x47, i + 1)) {
    if (b[i + 1] !== 0x4c || b[i + 2] !== 0x49 || b[i + 3] !== 0x42 || b[i + 4] !== 0x43 || b[i + 5] !== 0x5f || b[i + 6] !== 0x32 || b[i + 7] !== 0x2e) continue;
    if (i > 0 && b[i - 1] !== 0) continue;
    let n = 0;
    let j = i + 8;
    while (j < b.length && b[j] >= 0x30 && b[j] <= 0x39 && j < i + 11) n = n * 10 + (b[j++] - 0x30);
    if (j > i + 8 && j < b.length && (b[j] === 0 || b[j] === 0x2e) && n > best) best = n;
  }
  return best;
}
