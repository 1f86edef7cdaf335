/**
 * A row's class / signature as the tables name it: its type string, or `(no signature)` (the aggregations'
 * `UNKNOWN_TYPE`) when nothing named it, so a view that names one row says what the group tables say.
 */
import { UNKNOWN_TYPE } from '../../workers/logic/aggregate/groups.ts';
import type { AllocationTable } from '../model/allocations.ts';
import type { StringTable } from '../model/strings.ts';

export function rowTypeName(table: Pick<AllocationTable, 'type'>, strings: StringTable, row: number): string {
  return table.type[row] === 0 ? UNKNOWN_TYPE : strings.get(table.type[row]);
}
