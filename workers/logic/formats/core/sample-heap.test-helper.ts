/**
 * The truth of the sample core in this folder (`sample-heap.core.gz`, made by fixtures-gen/make-samples.ts from
 * fixtures-gen/sample-heap.c): every block the program holds or freed, written by the program itself, and the program
 * break before its first allocation and after its last free. With glibc's rules for the chunks the program did not
 * ask for, it gives every allocation of the core's heap by construction (`expectedAllocations`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLE_CORE = join(import.meta.dirname, 'sample-heap.core.gz');
export const SAMPLE_TRUTH = join(import.meta.dirname, 'sample-heap.truth.txt');
/** The sample's executable (with its symbols), kept in ../elf/: footers' return addresses resolve through it. */
export const SAMPLE_EXE = join(import.meta.dirname, '..', 'elf', 'sample-heap');

export interface SampleBlock {
  /** 'U' held, 'T' freed into the tcache, 'F' freed into a fastbin or the unsorted bin. */
  kind: 'U' | 'T' | 'F';
  addr: number;
  /** malloc_usable_size (before the free, for freed blocks): the size chap lists. */
  usable: number;
  requested: number;
  func: string;
}

export interface SampleTruth {
  blocks: SampleBlock[];
  /** Program break before the first allocation and after the last free: the main arena's heap is [brk0, brk1). */
  brk0: number;
  brk1: number;
}

export function readSampleTruth(): SampleTruth {
  const blocks: SampleBlock[] = [];
  let brk0 = NaN;
  let brk1 = NaN;
  for (const line of readFileSync(SAMPLE_TRUTH, 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[0] === 'U' || f[0] === 'T' || f[0] === 'F') {
      blocks.push({ kind: f[0], addr: parseInt(f[1], 16), usable: parseInt(f[2], 16), requested: parseInt(f[3], 16), func: f[4] });
    } else if (f[0] === 'B') brk0 = parseInt(f[1], 16);
    else if (f[0] === 'E') brk1 = parseInt(f[1], 16);
  }
  return { blocks, brk0, brk1 };
}

/**
 * Every allocation chap lists for the sample's heap, sorted by address, by construction:
 * - the program's blocks: held ones and tcache entries used (chap lists a tcache entry as used), the others free;
 * - glibc's tcache_perthread_struct, the first chunk of the main heap (asked for by the first malloc: 64 two-byte
 *   counts and 64 pointers, 640 bytes, a 0x290 chunk whose usable size is 0x288): used;
 * - the top chunk, from the end of the last chunk of the heap to the break: free.
 * Blocks outside [brk0, brk1) are mmapped chunks (make_big).
 */
export function expectedAllocations(t: SampleTruth): { addr: number; size: number; used: boolean }[] {
  const rows = t.blocks.map((b) => ({ addr: b.addr, size: b.usable, used: b.kind !== 'F' }));
  rows.push({ addr: t.brk0 + 0x10, size: 0x288, used: true });
  // A chunk's header is 16 bytes before its address; a heap chunk spans usable + 8 bytes from there (its size word
  // counts the next chunk's prev_size field as usable), so the next chunk's address is addr + usable + 8.
  const inHeap = rows.filter((r) => r.addr >= t.brk0 && r.addr < t.brk1);
  const top = Math.max(...inHeap.map((r) => r.addr + r.size + 8));
  rows.push({ addr: top, size: t.brk1 - top, used: false });
  return rows.sort((a, b) => a.addr - b.addr);
}
