/**
 * Which memory counts as static anchor memory, as chap's
 * `VirtualMemoryPartition` decides it: every writable range the core holds
 * bytes for starts as a static-anchor candidate; ranges that a finder claims
 * for itself (allocator heaps and runs, mmapped chunks, stacks and their
 * guards) stop being candidates. A claim that overlaps an earlier claim fails
 * and changes nothing, as in chap. Whether a claim removes candidates is
 * decided by the permissions of the first mapped range it touches.
 */
import { PF_W, type AddressMap } from './address-map.ts';
import { IntervalSet, type Interval } from './ranges.ts';

export interface Claim extends Interval {
  label: string;
}

export class Partition {
  private readonly claimed = new IntervalSet();
  private readonly candidates = new IntervalSet();
  readonly claims: Claim[] = [];
  /** Claims that failed because they overlapped an earlier claim. */
  readonly conflicts: Claim[] = [];

  constructor(private readonly map: AddressMap) {
    for (const r of map.ranges) if (r.imaged && r.flags & PF_W) this.candidates.add(r.base, r.limit);
  }

  /** chap's ClaimRange: false (and no effect) when `[base, base + size)` overlaps an earlier claim. */
  claim(base: number, size: number, label: string, staticAnchorCandidate: boolean): boolean {
    const limit = base + size;
    if (size <= 0) return true;
    if (this.claimed.overlaps(base, limit)) {
      this.conflicts.push({ base, limit, label });
      return false;
    }
    this.claimed.add(base, limit);
    this.claims.push({ base, limit, label });
    const first = this.map.ranges.find((r) => r.limit > base);
    if (first && first.base < limit && first.flags & PF_W && !staticAnchorCandidate) this.candidates.remove(base, limit);
    return true;
  }

  /** chap's ClearStaticAnchorCandidates (no claim). */
  clearStatic(base: number, size: number): void {
    this.candidates.remove(base, base + size);
  }

  isClaimed(addr: number): boolean {
    return this.claimed.contains(addr);
  }

  /** The static anchor ranges: candidates left after every claim. */
  staticRanges(): readonly Interval[] {
    return this.candidates.intervals;
  }
}
