/** One allocation described for a list in a view (largest allocations, a heap-map range). */
import { hexOf } from '../../../src/model/address.ts';
import type { AllocationTable } from '../../../src/model/allocations.ts';
import { StringTable } from '../../../src/model/strings.ts';

export interface AllocationRow {
  /** Index of the table in the list given. */
  input: number;
  row: number;
  address: string;
  size: number;
  state: number;
  type: string;
}

/** Describes rows of `tables`; a row without a type gets `untyped` as its type. */
export function describeRows(tables: AllocationTable[], refs: { input: number; row: number }[], untyped: string): AllocationRow[] {
  const strings = tables.map((t) => new StringTable(t.strings));
  return refs.map(({ input, row }) => {
    const t = tables[input];
    const type = t.type[row];
    return { input, row, address: hexOf(t.addrHi[row], t.addrLo[row]), size: t.size[row], state: t.state[row], type: type === 0 ? untyped : strings[input].get(type) };
  });
}
