/**
 * The allocating function of one allocation, from a malloc_tracer footer
 * attribution: for the largest-allocations list, heap-map lists and other
 * allocation lists. Pure (tested in alloc-caller.test.ts); views join by row
 * when they show the attributed table, else by address.
 */
import { parseHex } from '../model/address.ts';
import { addressOrder, type AllocationTable } from '../model/allocations.ts';
import { StringTable } from '../model/strings.ts';
import type { AttributionData } from '../model/attribution.ts';
import { findSorted } from '../model/sorted.ts';

export interface Caller {
  lib: string;
  func: string;
  offset: number;
}

/** `func +0xOFF (lib base name)`, the way a list shows the caller (`libx.so+0xOFF` for a site without a symbol). */
export function callerText(c: Caller): string {
  // A site without a symbol is named `module+0xOFFSET` already.
  if (/\+0x[0-9a-f]+$/i.test(c.func)) return c.func.slice(c.func.lastIndexOf('/') + 1);
  const lib = c.lib.slice(c.lib.lastIndexOf('/') + 1);
  return `${c.func} +0x${c.offset.toString(16)} (${lib})`;
}

/** Looks up callers of rows of `table`, the table `a` was computed from. */
export class CallerIndex {
  private readonly strings: StringTable;
  private order: Uint32Array | null = null;

  constructor(
    private readonly a: AttributionData,
    private readonly table: AllocationTable,
  ) {
    this.strings = new StringTable(a.sites.strings);
  }

  /** The caller of row `row` of the attributed table, or null without a valid footer. */
  ofRow(row: number): Caller | null {
    const s = this.a.rowSite[row];
    if (!s) return null;
    const i = s - 1;
    const sites = this.a.sites;
    return { lib: this.strings.get(sites.lib[i]), func: this.strings.get(sites.func[i]), offset: sites.offset[i] };
  }

  /** The caller of the allocation starting at `address` (hex, as `hexOf` writes it), or null. */
  ofAddress(address: string): Caller | null {
    const p = parseHex(address);
    if (!p) return null;
    const t = this.table;
    const order = this.rowOrder();
    const rowAt = (k: number) => (order ? order[k] : k);
    const k = findSorted(t.rows, (i) => t.addrHi[rowAt(i)] - p[0] || t.addrLo[rowAt(i)] - p[1]);
    return k < 0 ? null : this.ofRow(rowAt(k));
  }

  /** Null when the table is in address order (chap lists, heap walks), else its rows sorted by address (built once). */
  private rowOrder(): Uint32Array | null {
    const t = this.table;
    if (this.order) return this.order;
    const o = addressOrder(t);
    return o && (this.order = o);
  }
}
