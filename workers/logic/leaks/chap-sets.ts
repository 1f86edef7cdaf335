/**
 * chap's set names, their members from a flags column, and chap's output:
 * the tally line of `count SET` and the text of `list SET`.
 */
import { AllocFlag, AllocState, isInUse, SET_FLAGS, type AllocationTable } from '../../../src/model/allocations.ts';
import { groupDigits } from '../aggregate/digits.ts';

/** Every set `count` / `list` accept, in chap's naming. */
export const SET_NAMES = ['used', 'free', ...SET_FLAGS.map(([n]) => n)] as const;
export type SetName = (typeof SET_NAMES)[number];

export function isSetName(s: string): s is SetName {
  return (SET_NAMES as readonly string[]).includes(s);
}

/** Membership test for one set; `flags` is needed for every set but used and free. */
export function setPredicate(set: SetName, table: AllocationTable, flags?: Uint16Array): (row: number) => boolean {
  if (set === 'used') return (r) => isInUse(table.state[r]);
  if (set === 'free') return (r) => !isInUse(table.state[r]);
  const bit = SET_FLAGS.find(([n]) => n === set)![1];
  if (!flags) throw new Error(`the ${set} set needs the leak analysis`);
  return (r) => (flags[r] & bit) !== 0;
}

export interface SetTotals {
  count: number;
  bytes: number;
}

export function setTotals(set: SetName, table: AllocationTable, flags?: Uint16Array): SetTotals {
  const inSet = setPredicate(set, table, flags);
  let count = 0;
  let bytes = 0;
  for (let r = 0; r < table.rows; r++) {
    if (!inSet(r)) continue;
    count++;
    bytes += table.size[r];
  }
  return { count, bytes };
}

/** chap's tally: `N allocations use 0xHEX (D,DDD) bytes.` (chap says "allocations" for one too). */
export function tallyLine(t: SetTotals): string {
  return `${t.count} allocations use 0x${t.bytes.toString(16)} (${groupDigits(t.bytes)}) bytes.`;
}

const hexAddr = (table: AllocationTable, r: number): string => {
  const hi = table.addrHi[r];
  const lo = table.addrLo[r];
  return hi ? hi.toString(16) + lo.toString(16).padStart(8, '0') : lo.toString(16);
};

/** chap's `list SET` text (without `... with signature` lines, which belong to the signatures part). */
export function formatSetList(set: SetName, table: AllocationTable, flags?: Uint16Array): string {
  const inSet = setPredicate(set, table, flags);
  const parts: string[] = [];
  let count = 0;
  let bytes = 0;
  for (let r = 0; r < table.rows; r++) {
    if (!inSet(r)) continue;
    const label = isInUse(table.state[r]) ? 'Used' : 'Free';
    parts.push(`${label} allocation at ${hexAddr(table, r)} of size ${table.size[r].toString(16)}\n\n`);
    count++;
    bytes += table.size[r];
  }
  parts.push(tallyLine({ count, bytes }) + '\n');
  return parts.join('');
}

export { AllocFlag, AllocState };
