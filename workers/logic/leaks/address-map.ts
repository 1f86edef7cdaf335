/**
 * The process's address map as chap builds it from a core's PT_LOAD segments.
 *
 * Each segment gives an imaged range `[vaddr, vaddr + present)` (the bytes the
 * core holds; `present` is shorter than `filesz` when the core is truncated)
 * and a non-imaged rest `[vaddr + present, vaddr + memsz)`. Touching ranges
 * with the same permissions, the same imaged-ness and the same distance to
 * their file offset (i.e. also contiguous in the file) are merged, as chap's
 * `VirtualAddressMap` merges them. The main stack is "the range holding the
 * stack pointer", and a heap's claim ends at the end of its range, so the
 * merging matters.
 */
import type { CoreFile } from '../formats/elf/core-file.ts';
import { findSorted } from '../../../src/model/sorted.ts';

/** The segment flag the leak rules read (elf.ts has them all). */
export { PF_W } from '../formats/elf/elf.ts';

export interface MappedRange {
  base: number;
  limit: number;
  /** PF_R | PF_W | PF_X of the segment(s). */
  flags: number;
  /** True when the core holds the bytes. */
  imaged: boolean;
}

export interface AddressMap {
  /** Sorted, non-overlapping. */
  ranges: MappedRange[];
}

/** What the address map needs from an opened core. */
export type CoreSegments = Pick<CoreFile, 'segments' | 'imageSize'>;

export function buildAddressMap(core: CoreSegments): AddressMap {
  const ranges: MappedRange[] = [];
  const adjust: number[] = [];
  const push = (base: number, size: number, flags: number, imaged: boolean, adj: number): void => {
    if (size <= 0) return;
    const last = ranges[ranges.length - 1];
    if (last && last.limit > base) return; // overlapping segment: the first one wins, as in the core reader
    if (last && last.limit === base && last.flags === flags && last.imaged === imaged && adjust[adjust.length - 1] === adj) {
      last.limit = base + size;
      return;
    }
    ranges.push({ base, limit: base + size, flags, imaged });
    adjust.push(adj);
  };
  for (const s of core.segments) {
    const present = Math.max(0, Math.min(s.filesz, core.imageSize - s.fileOffset));
    const adj = s.fileOffset - s.vaddr;
    const flags = s.flags & 7;
    if (s.filesz > 0) {
      push(s.vaddr, present, flags, true, adj);
      push(s.vaddr + present, s.filesz - present, flags, false, adj);
      push(s.vaddr + s.filesz, s.memsz - s.filesz, flags, false, adj);
    } else {
      push(s.vaddr, s.memsz, flags, false, adj);
    }
  }
  return { ranges };
}

/** Index of the range holding `addr`, or -1. */
export function rangeIndexAt(map: AddressMap, addr: number): number {
  const r = map.ranges;
  return findSorted(r.length, (i) => (addr < r[i].base ? 1 : addr >= r[i].limit ? -1 : 0));
}

export function rangeAt(map: AddressMap, addr: number): MappedRange | undefined {
  const i = rangeIndexAt(map, addr);
  return i < 0 ? undefined : map.ranges[i];
}

/** End of the imaged bytes that start at `addr` (crossing touching imaged ranges), or `addr` when not imaged. */
export function imagedEnd(map: AddressMap, addr: number): number {
  let i = rangeIndexAt(map, addr);
  if (i < 0 || !map.ranges[i].imaged) return addr;
  let end = map.ranges[i].limit;
  while (i + 1 < map.ranges.length && map.ranges[i + 1].base === end && map.ranges[i + 1].imaged) end = map.ranges[++i].limit;
  return end;
}
