/**
 * A row's class / signature as the tables name it: its type string, or `(no signature)` (the aggregations'
 * `UNKNOWN_TYPE`, `typeName`) when nothing named it, so a view that names one row says what the group tables say.
 */
import { typeName } from '../../workers/logic/aggregate/groups.ts';
import type { AllocationTable } from '../model/allocations.ts';
import type { StringTable } from '../model/strings.ts';

export function rowTypeName(table: Pick<AllocationTable, 'type'>, strings: StringTable, row: number): string {
  return typeName(table.type[row], strings);
}
