/**
 * Thread stacks as chap finds them (its PThread infrastructure finder and the
 * main-stack rule), and the registers it treats as anchors.
 *
 * 1. pthread stacks: glibc keeps every thread's `struct pthread` on lists
 *    (`stack_used`, `stack_cache`; in ld.so's `_rtld_global` since glibc 2.34,
 *    in libpthread before). chap scans the writable ranges of the module whose
 *    path names `ld-linux`, else `pthread`, for list heads whose first and last
 *    entries point back to them and whose entries have a self-pointing
 *    `robust_head`; checks the first entry's `tcb` self pointer and the stack
 *    fields (`stackblock`, `stackblock_size`, `guardsize` at fixed offsets);
 *    then registers each thread's stack as `[stackblock + guardsize, the page
 *    end after its list field)`. A stack whose `tid` is 0 is a cached stack of
 *    a finished thread.
 * 2. Every thread's stack pointer marks the top of the stack holding it; the
 *    one thread whose stack pointer is in no registered stack (the main thread)
 *    gets the whole mapped range holding its stack pointer. With several such
 *    threads chap registers no main stack.
 * 3. A stack is scanned from its top (the thread's stack pointer) to its end;
 *    a stack with no thread (cached) from its base.
 *
 * Registers: the first 22 of x86-64's `pr_reg` (r15 … rip, rsp, fs_base, holes
 * included) or i386's first 16, as chap reads them; aarch64 (which chap does not
 * read) uses x0–x30, sp and pc.
 */
import type { CoreFile } from '../formats/elf/core-file.ts';
import { ET_DYN, PT_LOAD, parseElfHeader, parseProgramHeaders } from '../formats/elf/elf.ts';
import { PF_W, rangeAt, type AddressMap } from './address-map.ts';
import type { Partition } from './partition.ts';

export interface StackRegion {
  base: number;
  limit: number;
  /** Where scanning starts: the thread's stack pointer, else `base`. */
  top: number;
  /** 1-based thread number (NT_PRSTATUS order), or 0 when no thread uses it. */
  thread: number;
  kind: 'main stack' | 'used pthread stack' | 'cached pthread stack';
}

export interface ThreadRegisters {
  /** 1-based, NT_PRSTATUS order (chap's thread numbers). */
  thread: number;
  tid: number;
  stackPointer: number;
  names: string[];
  values: number[];
}

const X86_64_REGS = ['r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi', 'orig_rax', 'rip', 'cs', 'eflags', 'rsp', 'ss', 'fs_base'];
const I386_REGS = ['ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'eax', 'ds', 'es', 'fs', 'gs', 'orig_eax', 'eip', 'cs', 'eflags', 'esp'];
const AARCH64_REGS = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc'];

export function threadRegisters(core: Pick<CoreFile, 'arch' | 'threads'>): ThreadRegisters[] {
  const names = core.arch === 'i386' ? I386_REGS : core.arch === 'aarch64' ? AARCH64_REGS : X86_64_REGS;
  const spName = core.arch === 'i386' ? 'esp' : core.arch === 'aarch64' ? 'sp' : 'rsp';
  return core.threads.map((t, i) => ({
    thread: i + 1,
    tid: t.tid,
    stackPointer: t.registers[spName] ?? 0,
    names,
    values: names.map((n) => t.registers[n] ?? 0),
  }));
}

const BAD = 0xbad;

interface Offsets {
  list: number;
  lwp: number;
  stackBlock: number;
  stackBlockSize: number;
  guardSize: number;
}

function pthreadOffsets(word: number): Offsets {
  return word === 4
    ? { list: 0x60, lwp: 0x6c, stackBlock: 0x270, stackBlockSize: 0x274, guardSize: 0x278 }
    : { list: 0x2c0, lwp: 0x2d0, stackBlock: 0x690, stackBlockSize: 0x698, guardSize: 0x6a0 };
}

/** Writable PT_LOAD ranges of a mapped ELF file, from its headers in the core (page-rounded, as chap's module finder). */
async function writableModuleRanges(core: CoreFile, map: AddressMap, path: string): Promise<{ base: number; limit: number }[]> {
  const maps = core.files.filter((f) => f.path === path).sort((a, b) => a.start - b.start);
  if (!maps.length) return [];
  const head = maps.find((m) => m.fileOffset === 0) ?? maps[0];
  const h = await core.read(head.start, 64);
  const out: { base: number; limit: number }[] = [];
  const eh = h ? parseElfHeader(h) : 'unreadable';
  if (typeof eh !== 'string') {
    const ph = eh.phnum > 0 && eh.phnum < 256 ? await core.read(head.start + eh.phoff, eh.phnum * eh.phentsize) : null;
    if (ph) {
      const loads = parseProgramHeaders(eh, ph).filter((p) => p.type === PT_LOAD);
      if (loads.length) {
        const adjust = eh.type === ET_DYN ? head.start - (loads[0].vaddr - (loads[0].vaddr % 4096)) : 0;
        for (const l of loads) {
          if (!(l.flags & PF_W)) continue;
          const base = l.vaddr - (l.vaddr % 4096) + adjust;
          const limit = Math.ceil((l.vaddr + l.memsz) / 4096) * 4096 + adjust;
          out.push({ base, limit });
        }
        return out;
      }
    }
  }
  // Headers not in the core: the writable ranges of the file's own mappings.
  for (const m of maps) {
    for (const r of map.ranges) {
      if (r.limit <= m.start || r.base >= m.end || !(r.flags & PF_W)) continue;
      out.push({ base: Math.max(r.base, m.start), limit: Math.min(r.limit, m.end) });
    }
  }
  return out;
}

class StackRegistry {
  readonly stacks: StackRegion[] = [];
  register(base: number, limit: number, kind: StackRegion['kind']): boolean {
    if (this.stacks.some((s) => s.base < limit && base < s.limit)) return false;
    this.stacks.push({ base, limit, top: base, thread: 0, kind });
    this.stacks.sort((a, b) => a.base - b.base);
    return true;
  }
  find(addr: number): StackRegion | undefined {
    return this.stacks.find((s) => addr >= s.base && addr < s.limit);
  }
}

export interface StackResult {
  stacks: StackRegion[];
  warnings: string[];
}

/** Finds the stacks, claiming their ranges (and guards) in `partition`, in chap's order. */
export async function findStacks(core: CoreFile, map: AddressMap, threads: ThreadRegisters[], partition: Partition): Promise<StackResult> {
  const w = core.pointerSize;
  const off = pthreadOffsets(w);
  const warnings: string[] = [];
  const registry = new StackRegistry();
  const rd = async (addr: number, dflt: number): Promise<number> => {
    if (addr < 0 || addr % 1 !== 0) return dflt;
    const v = await core.readWord(addr);
    return v === null ? dflt : v;
  };
  const rd32 = async (addr: number): Promise<number> => {
    const b = await core.read(addr, 4);
    return b ? new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true) : 0;
  };
  const isAligned = (v: number): boolean => v % w === 0;

  const registerOne = async (link: number): Promise<void> => {
    const pt = link - off.list;
    const kind = (await rd32(pt + off.lwp)) > 0 ? 'used pthread stack' : 'cached pthread stack';
    const block = await rd(pt + off.stackBlock, 0);
    if (block === 0) return;
    const size = await rd(pt + off.stackBlockSize, 0);
    if (size === 0) return;
    const guard = await rd(pt + off.guardSize, BAD);
    if (guard % 4096 !== 0 || guard >= size) return;
    const base = block + guard;
    const r = rangeAt(map, base);
    if (!r || !r.imaged) {
      warnings.push(`the ${kind} at 0x${base.toString(16)} is not in the core`);
      return;
    }
    const limit = Math.ceil(link / 4096) * 4096;
    if (!partition.claim(base, limit - base, kind, false)) warnings.push(`the ${kind} [0x${base.toString(16)}, 0x${limit.toString(16)}) overlaps memory already claimed`);
    if (registry.register(base, limit, kind)) {
      if (guard !== 0) partition.claim(block, guard, 'pthread stack overflow guard', false);
    } else warnings.push(`the ${kind} [0x${base.toString(16)}, 0x${limit.toString(16)}) overlaps another stack`);
  };

  const walk = async (head: number, first: number, step: number): Promise<boolean> => {
    let n = 0;
    for (let link = first; link !== head; link = await rd(link + step, BAD)) {
      if (!isAligned(link) || ++n > 100000) return false;
      await registerOne(link);
    }
    return true;
  };

  const plausibleList = async (head: number): Promise<boolean> => {
    const s = await rd(head, BAD);
    if (s === head || !isAligned(s)) return false;
    const e = await rd(head + w, BAD);
    if (!isAligned(e)) return false;
    if ((await rd(s + w, BAD)) !== head) return false;
    if ((await rd(s + 4 * w, BAD)) !== s + 4 * w) return false;
    if ((await rd(e, BAD)) !== head) return false;
    if ((await rd(e + 4 * w, BAD)) !== e + 4 * w) return false;
    return true;
  };

  /** Returns true when stack lists were found (chap stops looking then). */
  const fromModule = async (path: string): Promise<boolean> => {
    const heads: number[] = [];
    let found = false;
    for (const r of await writableModuleRanges(core, map, path)) {
      const bytes = await core.read(r.base, r.limit - r.base);
      const at = async (a: number): Promise<number> => {
        if (bytes && a >= r.base && a + w <= r.limit) {
          const dv = new DataView(bytes.buffer, bytes.byteOffset + (a - r.base), w);
          return w === 8 ? dv.getUint32(4, true) * 4294967296 + dv.getUint32(0, true) : dv.getUint32(0, true);
        }
        return rd(a, BAD);
      };
      for (let a = r.base; a < r.limit - 3 * w; a += w) {
        const s = await at(a);
        // A head pointing to itself, misaligned or null cannot start a non-empty list.
        if (s === a || s === 0 || !isAligned(s)) continue;
        if (await plausibleList(a)) {
          found = true;
          heads.push(a);
          a += w;
        }
      }
    }
    if (!heads.length) return found;
    let checked = false;
    for (const head of heads) {
      const first = await rd(head, BAD);
      const firstPt = first - off.list;
      if ((await rd(firstPt, 0xbadbad)) !== firstPt) {
        warnings.push(`the pthread list at 0x${head.toString(16)} in ${path} does not hold struct pthread entries where expected; thread stacks are not located`);
        return true;
      }
      let n = 0;
      for (let lf = first; lf !== head && lf !== BAD && ++n < 100000; lf = await rd(lf, BAD)) {
        const pt = lf - off.list;
        const block = await rd(pt + off.stackBlock, 0);
        if (block === 0 || pt <= block) continue;
        const size = await rd(pt + off.stackBlockSize, 0);
        if (block + size <= pt + off.guardSize) continue;
        const guard = await rd(pt + off.guardSize, BAD);
        if (guard % 4096 !== 0 || guard >= size) {
          warnings.push(`the stack fields of struct pthread in ${path} are not where expected; thread stacks are not located`);
          return true;
        }
        checked = true;
      }
    }
    if (!checked) return true;
    for (const head of heads) {
      if (!(await walk(head, await rd(head, BAD), 0))) await walk(head, await rd(head + w, BAD), w);
    }
    return true;
  };

  const paths = [...new Set(core.files.map((f) => f.path))];
  let done = false;
  let pthreadLibrary = false;
  for (const p of paths.filter((x) => x.includes('ld-linux'))) {
    pthreadLibrary = true;
    if ((done = await fromModule(p))) break;
  }
  if (!done) {
    for (const p of paths.filter((x) => x.includes('pthread'))) {
      pthreadLibrary = true;
      if ((done = await fromModule(p))) break;
    }
  }
  if (pthreadLibrary && !done && threads.length > 1) warnings.push('the pthread stack lists were not found; thread stacks other than the main one are not located');

  // Threads → stacks; the one left over owns the main stack.
  const mainCandidates: ThreadRegisters[] = [];
  for (const t of threads) {
    const s = registry.find(t.stackPointer);
    if (s) {
      s.thread = t.thread;
      s.top = t.stackPointer;
    } else mainCandidates.push(t);
  }
  if (mainCandidates.length === 1) {
    const t = mainCandidates[0];
    const r = rangeAt(map, t.stackPointer);
    if (!r || !r.imaged) warnings.push(`thread ${t.thread}'s stack (stack pointer 0x${t.stackPointer.toString(16)}) is not in the core: its stack anchors are missing`);
    else if (!partition.claim(r.base, r.limit - r.base, 'main stack', false)) warnings.push(`the main stack [0x${r.base.toString(16)}, 0x${r.limit.toString(16)}) overlaps memory already claimed; it is not scanned as a stack`);
    else if (registry.register(r.base, r.limit, 'main stack')) {
      const s = registry.find(t.stackPointer)!;
      s.thread = t.thread;
      s.top = t.stackPointer;
    }
  } else if (mainCandidates.length > 1) {
    warnings.push(`${mainCandidates.length} threads (${mainCandidates.map((t) => t.thread).join(', ')}) use no known stack; no main stack is scanned (chap does the same)`);
  }
  return { stacks: registry.stacks, warnings };
}
