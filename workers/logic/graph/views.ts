/**
 * What the object-dump views ask the aggregation worker for: meliae's summary,
 * one object's neighbourhood (referrers, referents, reachable and retained size,
 * dominator chain) and the dominator tree a level at a time. The dominator tree
 * of an input is computed once and kept in the worker, keyed by input id.
 */
import { hexOf } from '../../../src/model/address.ts';
import type { AllocationTable } from '../../../src/model/allocations.ts';
import { objectValue, type ObjectTable } from '../../../src/model/objects.ts';
import { StringTable } from '../../../src/model/strings.ts';
import { dominatedBy, dominatorChain, dominatorTree, gcRoots, ROOT_TYPE_NAMES, type DominatorTree } from './dominators.ts';
import { meliaeSummary } from './meliae-summary.ts';
import { reachable } from './reachability.ts';
import { referents, referrers, reverseGraph, type ReverseGraph } from './reverse.ts';

export interface ObjectDesc {
  row: number;
  type: string;
  address: string;
  size: number;
  name?: string;
  value?: string;
  len?: number;
  retained?: number;
  /** Number of objects it immediately dominates (dominator tree only). */
  children?: number;
}

interface Cached {
  rev: ReverseGraph;
  dom: DominatorTree;
}

const cache = new Map<string, Cached>();

function analyse(key: string, table: AllocationTable, objects: ObjectTable): Cached {
  let c = cache.get(key);
  if (!c) {
    const rev = reverseGraph(objects);
    const strings = new StringTable(table.strings);
    const rootTypes: number[] = [];
    for (let id = 1; id < strings.size; id++) if (ROOT_TYPE_NAMES.includes(strings.get(id))) rootTypes.push(id);
    const dom = dominatorTree(objects, table.size, gcRoots(objects, table.type, rootTypes), rev);
    c = { rev, dom };
    cache.set(key, c);
  }
  return c;
}

export function forgetObjects(key: string): void {
  cache.delete(key);
}

export function describe(table: AllocationTable, objects: ObjectTable, rows: number[], dom?: DominatorTree): ObjectDesc[] {
  const strings = new StringTable(table.strings);
  return rows.map((row) => {
    if (dom && row === dom.root) {
      return { row, type: '(GC roots)', address: '', size: 0, retained: dom.retained[row], children: dom.childStart[row + 1] - dom.childStart[row] };
    }
    const d: ObjectDesc = { row, type: strings.get(table.type[row]), address: hexOf(table.addrHi[row], table.addrLo[row]), size: table.size[row] };
    const name = objects.name[row];
    if (name) d.name = strings.get(name);
    const v = objectValue(objects, row);
    if (v !== undefined) d.value = v.length > 120 ? v.slice(0, 119) + '…' : v;
    if (objects.len[row] >= 0) d.len = objects.len[row];
    if (dom) {
      d.retained = dom.retained[row];
      d.children = dom.childStart[row + 1] - dom.childStart[row];
    }
    return d;
  });
}

/** Short label of an object for trees: `0xADDR name`, `0xADDR "value"` or `0xADDR len N`. */
export function objectLabel(table: AllocationTable, objects: ObjectTable, row: number): string {
  const d = describe(table, objects, [row])[0];
  const extra = d.name ?? (d.value !== undefined ? JSON.stringify(d.value.length > 40 ? d.value.slice(0, 39) + '…' : d.value) : d.len !== undefined ? `len ${d.len}` : '');
  return extra ? `0x${d.address} ${extra}` : `0x${d.address}`;
}

export function summaryOf(table: AllocationTable, objects: ObjectTable) {
  return meliaeSummary(table, objects);
}

/** Children of `node` in the dominator tree (the synthetic root when node < 0), largest retained first. */
export function dominatorLevel(key: string, table: AllocationTable, objects: ObjectTable, node: number, limit = 500): { node: ObjectDesc; children: ObjectDesc[]; more: number } {
  const { dom } = analyse(key, table, objects);
  const n = node < 0 ? dom.root : node;
  const all = dom.childStart[n + 1] - dom.childStart[n];
  const kids = dominatedBy(dom, n, limit);
  return { node: describe(table, objects, [n], dom)[0], children: describe(table, objects, kids, dom), more: all - kids.length };
}

export interface ObjectDetails {
  self: ObjectDesc;
  referrers: ObjectDesc[];
  referents: ObjectDesc[];
  referrerCount: number;
  referentCount: number;
  reachable: { count: number; size: number };
  /** Dominators from the object's immediate dominator up (synthetic root excluded). */
  chain: ObjectDesc[];
}

export function objectDetails(key: string, table: AllocationTable, objects: ObjectTable, row: number, limit = 200): ObjectDetails {
  const { rev, dom } = analyse(key, table, objects);
  const from = referrers(rev, row);
  const to = referents(objects, row);
  return {
    self: describe(table, objects, [row], dom)[0],
    referrers: describe(table, objects, from.slice(0, limit), dom),
    referents: describe(table, objects, to.slice(0, limit), dom),
    referrerCount: from.length,
    referentCount: to.length,
    reachable: reachable(objects, table.size, row),
    chain: describe(
      table,
      objects,
      dominatorChain(dom, row)
        .slice(1)
        .filter((x) => x !== dom.root),
      dom,
    ),
  };
}
