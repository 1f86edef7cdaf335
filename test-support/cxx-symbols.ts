/**
 * Mangled C++ names for the demangler's differential test (Node only):
 * defined symbols of ELF files (`.dynsym` and `.symtab`, read from their
 * section headers, as `nm --defined-only` lists them), `_Z…` strings in other
 * files (cores), the machine's shared libraries, and binutils' `c++filt`.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;

function readAt(fd: number, offset: number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, b, got, length - got, offset + got);
    if (n <= 0) break;
    got += n;
  }
  return b.subarray(0, got);
}

/** Names of the defined symbols of an ELF file that start with `_Z`; [] when it is not ELF. */
export function elfMangledSymbols(path: string): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const h = readAt(fd, 0, 64);
    if (h.length < 52 || h[0] !== 0x7f || h[1] !== 0x45 || h[2] !== 0x4c || h[3] !== 0x46 || h[5] !== 1) return [];
    const is64 = h[4] === 2;
    const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
    const shoff = is64 ? Number(dv.getBigUint64(40, true)) : dv.getUint32(32, true);
    const shentsize = dv.getUint16(is64 ? 58 : 46, true);
    const shnum = dv.getUint16(is64 ? 60 : 48, true);
    if (!shoff || !shnum || shoff + shnum * shentsize > size) return [];
    const sh = readAt(fd, shoff, shnum * shentsize);
    const sv = new DataView(sh.buffer, sh.byteOffset, sh.byteLength);
    const sec = (i: number): { type: number; offset: number; size: number; link: number; entsize: number } => {
      const o = i * shentsize;
      return is64
        ? { type: sv.getUint32(o + 4, true), offset: Number(sv.getBigUint64(o + 24, true)), size: Number(sv.getBigUint64(o + 32, true)), link: sv.getUint32(o + 40, true), entsize: Number(sv.getBigUint64(o + 56, true)) }
        : { type: sv.getUint32(o + 4, true), offset: sv.getUint32(o + 16, true), size: sv.getUint32(o + 20, true), link: sv.getUint32(o + 24, true), entsize: sv.getUint32(o + 36, true) };
    };
    const out: string[] = [];
    const utf8 = new TextDecoder();
    for (let i = 0; i < shnum; i++) {
      const s = sec(i);
      if ((s.type !== SHT_SYMTAB && s.type !== SHT_DYNSYM) || s.link >= shnum || s.offset + s.size > size) continue;
      const strSec = sec(s.link);
      if (strSec.offset + strSec.size > size) continue;
      const syms = readAt(fd, s.offset, s.size);
      const strtab = readAt(fd, strSec.offset, strSec.size);
      const ent = s.entsize || (is64 ? 24 : 16);
      const yv = new DataView(syms.buffer, syms.byteOffset, syms.byteLength);
      for (let o = ent; o + ent <= syms.length; o += ent) {
        const name = yv.getUint32(o, true);
        const shndx = yv.getUint16(is64 ? o + 6 : o + 14, true);
        if (shndx === 0 || strtab[name] !== 0x5f || strtab[name + 1] !== 0x5a) continue;
        let end = name;
        while (end < strtab.length && strtab[end] !== 0) end++;
        out.push(utf8.decode(strtab.subarray(name, end)));
      }
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** `_Z…` runs of name characters in any file (a core holds the string tables of what it mapped). */
export function mangledStrings(path: string): string[] {
  const text = readFileSync(path).toString('latin1');
  return text.match(/_Z[A-Za-z0-9_.$]{2,}/g) ?? [];
}

/** Every shared library (regular file named `*.so` or `*.so.N…`) under `roots`, each once. */
export function sharedLibraries(roots: readonly string[] = ['/usr/lib', '/lib64', '/usr/local/lib']): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory() && depth < 8) walk(p, depth + 1);
      else if (st.isFile() && /\.so(\.\d+)*$/.test(n)) {
        const real = realpathSync(p);
        if (!seen.has(real)) {
          seen.add(real);
          out.push(real);
        }
      }
    }
  };
  for (const r of roots) if (existsSync(r)) walk(realpathSync(r), 0);
  return out.sort();
}

/** binutils' `c++filt` on each name (one per line), or null when it is not installed. */
export function cxxfilt(names: readonly string[], args: readonly string[] = ['-i']): string[] | null {
  const probe = spawnSync('c++filt', ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const r = spawnSync('c++filt', [...args], { input: names.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`c++filt failed: ${r.stderr}`);
  const lines = r.stdout.split('\n');
  lines.length = names.length;
  return lines;
}

/** The differential test's names: sorted, each once, with where they came from. */
export interface DemangleCorpus {
  names: string[];
  /** Names from libstdc++ and the shared fixtures (always kept in the committed fixture). */
  core: Set<string>;
  sources: { libraries: number; fixtures: number; cores: number };
}

/**
 * Mangled names of every shared library on the machine, libstdc++ among them,
 * plus (when `shared` exists) the fixtures' binaries and the peer cores' `_Z` strings.
 */
export function demangleCorpus(shared?: string): DemangleCorpus {
  const all = new Set<string>();
  const core = new Set<string>();
  const libs = sharedLibraries();
  for (const lib of libs) {
    const names = elfMangledSymbols(lib);
    const isStd = /\/libstdc\+\+\.so/.test(lib);
    for (const n of names) {
      all.add(n);
      if (isStd) core.add(n);
    }
  }
  let fixtures = 0;
  let cores = 0;
  if (shared && existsSync(shared)) {
    const walk = (dir: string, fn: (p: string) => void): void => {
      for (const n of readdirSync(dir)) {
        const p = join(dir, n);
        const st = lstatSync(p);
        if (st.isDirectory()) walk(p, fn);
        else if (st.isFile()) fn(p);
      }
    };
    const fx = join(shared, 'fixtures');
    if (existsSync(fx)) {
      walk(fx, (p) => {
        const names = elfMangledSymbols(p);
        if (names.length) fixtures++;
        for (const n of names) {
          all.add(n);
          core.add(n);
        }
      });
    }
    const peer = join(shared, 'peer');
    if (existsSync(peer)) {
      walk(peer, (p) => {
        if (!/\/core\.\d+$/.test(p) || lstatSync(p).size > 256 << 20) return;
        cores++;
        for (const n of mangledStrings(p)) {
          all.add(n);
          core.add(n);
        }
      });
    }
  }
  return { names: [...all].sort(), core, sources: { libraries: libs.length, fixtures, cores } };
}
