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
import { computeTotalSize, meliaeLoad, type MeliaeLoaded } from './meliae-loader.ts';
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
  loaded?: MeliaeLoaded;
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

/** One object as meliae 0.5.1's `load()` leaves it (instance dicts collapsed): what `om[addr]` shows. */
export interface MeliaeObject {
  /** Type after the collapse (an old-style instance shows its class). */
  type: string;
  size: number;
  /** `compute_total_size(obj)`: every object reachable from it, itself included. */
  totalSize: number;
  /** `.p`: at most 100 referrers, as meliae keeps them. */
  parents: ObjectDesc[];
  parentCount: number;
  /** `.c`: referents after the collapse (an instance lists its dict's referents, then its type). */
  children: ObjectDesc[];
  childCount: number;
  /** Set when this is a dict meliae folded into instances (then it is not in meliae's collection). */
  foldedInto?: ObjectDesc[];
  /** meliae's repr: `Session(140234 240B 3refs 1par 3.2Ktot)`. */
  repr: string;
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
  meliae: MeliaeObject;
}

/** meliae's loader state for `key`'s dump (computed once). */
export function loadedOf(key: string, table: AllocationTable, objects: ObjectTable): MeliaeLoaded {
  const c = analyse(key, table, objects);
  c.loaded ??= meliaeLoad(table, objects);
  return c.loaded;
}

/** The object as meliae's loader gives it (`om[address]`, `.c`, `.p`, `compute_total_size`). */
export function meliaeObject(m: MeliaeLoaded, table: AllocationTable, objects: ObjectTable, row: number, limit = 200): MeliaeObject {
  const kids = Array.from(m.childTarget.subarray(m.childStart[row], m.childStart[row + 1]));
  const pars = Array.from(m.parentTarget.subarray(m.parentStart[row], m.parentStart[row + 1]));
  const desc = (rows: number[]): ObjectDesc[] =>
    describe(table, objects, rows).map((d) => ({ ...d, type: m.kinds[m.kind[d.row]], size: m.size[d.row] }));
  const out: MeliaeObject = {
    type: m.kinds[m.kind[row]],
    size: m.size[row],
    totalSize: m.removed[row] ? 0 : computeTotalSize(m, row),
    parents: desc(pars.slice(0, limit)),
    parentCount: pars.length,
    children: desc(kids.slice(0, limit)),
    childCount: kids.length,
    repr: '',
  };
  if (m.removed[row]) {
    // The instances that absorbed it: collapsed (grown) objects whose dump references include it.
    const owners: number[] = [];
    for (let r = 0; r < m.rows; r++) {
      if (m.removed[r] || m.size[r] === table.size[r]) continue;
      const a = objects.refStart[r];
      const b = objects.refStart[r + 1];
      if (b - a <= 2 && objects.refTarget.subarray(a, b).includes(row)) owners.push(r);
    }
    out.foldedInto = desc(owners.slice(0, limit));
  }
  out.repr = meliaeRepr(out, table, objects, row);
  return out;
}

/** meliae's `_MemObjectProxy.__repr__`: `type(address sizeB[ Nrefs][ Npar][ value][ total])`. */
export function meliaeRepr(o: Pick<MeliaeObject, 'type' | 'size' | 'totalSize' | 'childCount' | 'parentCount'>, table: AllocationTable, objects: ObjectTable, row: number): string {
  const address = BigInt('0x' + hexOf(table.addrHi[row], table.addrLo[row])).toString();
  const refs = o.childCount ? ` ${o.childCount}refs` : '';
  const par = o.parentCount ? ` ${o.parentCount}par` : '';
  const strings = new StringTable(table.strings);
  const v = objectValue(objects, row) ?? (objects.name[row] ? strings.get(objects.name[row]) : undefined);
  const isNum = v !== undefined && /^-?\d+$/.test(v) && objects.valueBytes[objects.valueStart[row]] !== 34;
  const val = v === undefined ? '' : ` ${isNum ? v : pyRepr(v)}`;
  let tot = '';
  if (o.totalSize) {
    let t = o.totalSize;
    let unit = 'B';
    for (const u of ['K', 'M', 'G']) {
      if (t > 800) {
        t /= 1024;
        unit = u;
      }
    }
    tot = ` ${t.toFixed(1)}${unit}tot`;
  }
  return `${o.type}(${address} ${o.size}B${refs}${par}${val}${tot})`;
}

/** Python's repr() of a str (quotes as Python chooses them; \\, \n, \r, \t and \xNN escapes). */
export function pyRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + q;
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
    meliae: meliaeObject(loadedOf(key, table, objects), table, objects, row, limit),
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
