/**
 * `assemble(inputs) → snapshots`: which inputs form each snapshot, and each
 * snapshot's one allocation table. Pure (no worker API, no React): the browser's
 * store (through the aggregation worker), every CLI command and the tests call it.
 * The rules are in this folder's README.
 */
import { AllocFlag, isInUse, rowsByAddress, SET_FLAGS, usedTotals, type AllocationTable } from '../../../src/model/allocations.ts';
import type { ObjectTable } from '../../../src/model/objects.ts';
import type { Assembly, AssemblyChoices, AssemblyNote, PartRole, Snapshot } from '../../../src/model/snapshot.ts';
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';
import { AddressIndex } from '../graph/address-index.ts';
import { listOnlyTable, withListFacts } from './tables.ts';

/** One read input, as the assembly sees it. */
export interface AssemblyInput {
  /** The caller's id for the input (unique within the call). */
  id: number;
  name: string;
  /** The reader's role: `core`, `chap-list`, `elf`, `tracemalloc`, `meliae`, … */
  role: string;
  /** Core: its heap walk. chap list: its rows. tracemalloc / meliae: per trace / object. */
  table?: AllocationTable;
  /** chap list: its closing tally agrees with its rows (the list is complete). */
  complete?: boolean;
  /** chap list: the one chap set it lists whole (`leaked`, `unreferenced`, …), named by chap's output file name (`chapListSet`). */
  set?: string;
  /** Core: the files mapped into the process, with their build-ids when the core has them. */
  modules?: { path: string; buildId: string | null }[];
  /** ELF binary: its build-id. */
  buildId?: string | null;
  tracemalloc?: TracemallocSnapshot;
  objects?: ObjectTable;
}

/** What a chap list holds, from its rows' states. */
type ListShape = 'used' | 'free' | 'mixed' | 'empty';

/** Each table's shape, found once (an assembly asks up to six times per list: 9 ms a pass on 2.6M rows). */
const shapes = new WeakMap<AllocationTable, ListShape>();

function shapeOf(t: AllocationTable): ListShape {
  let shape = shapes.get(t);
  if (shape === undefined) {
    const st = t.state;
    const n = t.rows;
    let used = false;
    let free = false;
    // Until both are seen (then it is mixed, whatever follows).
    for (let i = 0; i < n && !(used && free); i++) {
      if (isInUse(st[i])) used = true;
      else free = true;
    }
    shape = used && free ? 'mixed' : used ? 'used' : free ? 'free' : 'empty';
    shapes.set(t, shape);
  }
  return shape;
}

function lazyIndex(t: AllocationTable): () => AddressIndex {
  let idx: AddressIndex | null = null;
  return () => (idx ??= indexOf(t));
}

function indexOf(t: AllocationTable): AddressIndex {
  const idx = new AddressIndex(t.rows);
  for (let i = 0; i < t.rows; i++) idx.add(t.addrHi[i], t.addrLo[i], i);
  return idx;
}

/**
 * Rows of `base` that the list's rows are, in list order, when every row of the
 * list is an allocation of `base` (same address, same size, used or free alike);
 * null as soon as one is not.
 */
function rowsIn(list: AllocationTable, base: AllocationTable, idx: AddressIndex): Uint32Array | null {
  const out = new Uint32Array(list.rows);
  for (let i = 0; i < list.rows; i++) {
    const r = idx.get(list.addrHi[i], list.addrLo[i]);
    if (r < 0 || base.size[r] !== list.size[i] || isInUse(base.state[r]) !== isInUse(list.state[i])) return null;
    out[i] = r;
  }
  return out;
}

const TWO32 = 4294967296;

/** True when no allocation of `a` overlaps one of `b` (each `[address, address + size)`). */
function disjoint(a: AllocationTable, b: AllocationTable): boolean {
  const oa = rowsByAddress(a);
  const ob = rowsByAddress(b);
  let i = 0;
  let j = 0;
  while (i < oa.length && j < ob.length) {
    const ra = oa[i];
    const rb = ob[j];
    const sa = a.addrHi[ra] * TWO32 + a.addrLo[ra];
    const sb = b.addrHi[rb] * TWO32 + b.addrLo[rb];
    if (sa < sb) {
      if (sa + Math.max(1, a.size[ra]) > sb) return false;
      i++;
    } else {
      if (sb + Math.max(1, b.size[rb]) > sa) return false;
      j++;
    }
  }
  return true;
}

/** `name` without compression suffixes, for display. */
export function displayName(name: string): string {
  return name.replace(/\.(gz|bz2)$/i, '');
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Step 5 for one binary: the cores (indexes into `cores`, each with its snapshot's name and mapped files) whose
 * code it names — those mapping it (by build-id, else by file name), or every core when none does (symbols match
 * by build-id later) — and the note saying it matched none or that no core was given.
 */
export function placeBinary(b: AssemblyInput, cores: readonly { name: string; modules: readonly { path: string; buildId: string | null }[] }[]): { cores: number[]; note: AssemblyNote | null } {
  const holders: number[] = [];
  cores.forEach((c, k) => {
    if (c.modules.some((m) => (b.buildId && m.buildId ? m.buildId === b.buildId : baseName(m.path) === baseName(b.name)))) holders.push(k);
  });
  if (!cores.length) return { cores: [], note: { input: b.id, kind: 'unused', message: `${b.name} is an ELF binary: it names the code of a core dump, and no core was given` } };
  if (holders.length) return { cores: holders, note: null };
  const known = cores.some((c) => c.modules.length > 0);
  const note: AssemblyNote | null = known ? { input: b.id, kind: 'unmatched-binary', message: `${b.name} is not one of the files mapped into ${cores.length === 1 ? cores[0].name : 'the cores'}${b.buildId ? ` (build-id ${b.buildId})` : ''}` } : null;
  return { cores: cores.map((_, k) => k), note };
}

interface Group {
  snapshot: Snapshot;
  /** The table lists are matched against: a core's walk, or the main used list. */
  base: AllocationTable;
  /** The address index of `base`, built when a list is first matched against it (a core alone needs none). */
  index: () => AddressIndex;
  used: number;
  /** chap lists of the group, with the rows of `base` they are (core groups), or their own rows. */
  lists: { input: AssemblyInput; as: PartRole; rows: Uint32Array | null }[];
}

function newSnapshot(key: string, name: string, kind: Snapshot['kind'], core: number | null): Snapshot {
  return { key, name: displayName(name), kind, core, parts: [], table: null, knownSets: [] };
}

/** Assembles snapshots from read inputs, in the order given. See README.md. */
export function assemble(inputs: readonly AssemblyInput[], choices: AssemblyChoices = {}): Assembly {
  const notes: AssemblyNote[] = [];
  const groups: Group[] = [];
  const order: { at: number; snapshot: Snapshot }[] = [];
  const inputAt = new Map(inputs.map((x, i) => [x.id, i]));

  // 1. Every core is a process snapshot; its heap walk is the table lists are matched against.
  for (const c of inputs) {
    if (c.role !== 'core' || !c.table) continue;
    const s = newSnapshot(`s${c.id}`, c.name, 'process', c.id);
    s.parts.push({ input: c.id, name: c.name, as: 'core' });
    groups.push({ snapshot: s, base: c.table, index: lazyIndex(c.table), used: usedTotals(c.table).count, lists: [] });
    order.push({ at: inputAt.get(c.id)!, snapshot: s });
  }
  const coreGroups = groups.slice();

  // 2. chap lists: each belongs to the core whose allocations it lists (every row, exactly).
  const lists = inputs.filter((x) => x.role === 'chap-list' && x.table);
  const loose: AssemblyInput[] = [];
  for (const l of lists) {
    const t = l.table!;
    const shape = shapeOf(t);
    const chosen = choices[l.id];
    if (chosen === 'own' || (chosen && !coreGroups.some((g) => g.snapshot.key === chosen))) {
      loose.push(l);
      continue;
    }
    if (l.complete === false) {
      notes.push({ input: l.id, kind: 'incomplete-list', message: `${l.name}: its closing tally is missing or disagrees with its rows, so it may be cut short; it is shown as a snapshot of its own, not merged into a core's` });
      loose.push(l);
      continue;
    }
    const fits: { g: Group; rows: Uint32Array }[] = [];
    for (const g of coreGroups) {
      if (chosen && g.snapshot.key !== chosen) continue;
      const rows = rowsIn(t, g.base, g.index());
      if (rows) fits.push({ g, rows });
    }
    if (fits.length === 1) {
      const { g, rows } = fits[0];
      const as: PartRole = l.set ? 'subset' : shape === 'used' ? (t.rows === g.used ? 'used' : 'subset') : shape === 'free' ? 'free' : 'mixed';
      g.lists.push({ input: l, as, rows });
      continue;
    }
    if (fits.length > 1) {
      notes.push({
        input: l.id,
        kind: 'fits-several',
        message: `${l.name} lists allocations of ${fits.length} cores (${fits.map((f) => f.g.snapshot.name).join(', ')}); pick the one it was made from`,
        candidates: fits.map((f) => f.g.snapshot.key),
      });
      loose.push(l);
      continue;
    }
    if (coreGroups.length) {
      notes.push({
        input: l.id,
        kind: 'fits-no-core',
        message: `${l.name} lists allocations that are not all in ${coreGroups.length === 1 ? `the heap of ${coreGroups[0].snapshot.name}` : `the heap of any of the ${coreGroups.length} cores`}; it is shown as a snapshot of its own`,
      });
    }
    loose.push(l);
  }

  // 3. Lists of no core. A complete list of used allocations founds a snapshot, largest first; a used
  //    list whose every row is in a larger one is a subset of it; a list of free allocations joins the
  //    snapshot whose allocations it overlaps nowhere; anything else stands alone.
  const listGroups: Group[] = [];
  const found = (l: AssemblyInput, as: PartRole): void => {
    if (l.set) as = 'subset';
    const s = newSnapshot(`s${l.id}`, l.name, 'process', null);
    listGroups.push({ snapshot: s, base: l.table!, index: lazyIndex(l.table!), used: usedTotals(l.table!).count, lists: [{ input: l, as, rows: null }] });
  };
  const byShape = (want: ListShape) => loose.filter((l) => shapeOf(l.table!) === want);
  // Largest first; of two lists of as many rows, chap's list of a set goes with the other.
  const named = (want: ListShape) => byShape(want).filter((l) => l.set);
  const usedLoose = [...byShape('used'), ...named('empty')].sort((a, b) => b.table!.rows - a.table!.rows || Number(!!a.set) - Number(!!b.set) || inputAt.get(a.id)! - inputAt.get(b.id)!);
  for (const l of usedLoose) {
    const chosen = choices[l.id];
    const parents: { g: Group; rows: Uint32Array }[] = [];
    if (chosen !== 'own') {
      for (const g of listGroups) {
        if ((chosen && g.snapshot.key !== chosen) || g.base.rows < l.table!.rows || (g.base.rows === l.table!.rows && !l.set)) continue;
        const rows = rowsIn(l.table!, g.base, g.index());
        if (rows) parents.push({ g, rows });
      }
    }
    if (parents.length === 1) {
      parents[0].g.lists.push({ input: l, as: 'subset', rows: parents[0].rows });
      continue;
    }
    if (parents.length > 1) {
      notes.push({
        input: l.id,
        kind: 'fits-several',
        message: `${l.name} lists allocations that are all in ${parents.length} larger lists (${parents.map((p) => p.g.snapshot.name).join(', ')}); pick the one it belongs with`,
        candidates: parents.map((p) => p.g.snapshot.key),
      });
    }
    found(l, 'used');
  }
  for (const l of byShape('free')) {
    const chosen = choices[l.id];
    const candidates = chosen === 'own' ? [] : listGroups.filter((g) => g.lists[0].as === 'used' && (!chosen || g.snapshot.key === chosen) && disjoint(l.table!, g.base));
    if (candidates.length === 1) {
      candidates[0].lists.push({ input: l, as: 'free', rows: null });
      continue;
    }
    if (candidates.length > 1) {
      notes.push({
        input: l.id,
        kind: 'fits-several',
        message: `${l.name} (free allocations) overlaps none of ${candidates.length} lists of used allocations (${candidates.map((c) => c.snapshot.name).join(', ')}); pick the one it was made with`,
        candidates: candidates.map((c) => c.snapshot.key),
      });
    }
    found(l, 'free');
  }
  for (const l of [...byShape('mixed'), ...byShape('empty').filter((l) => !l.set)]) found(l, 'mixed');

  // 4. Tables: a core's walk with what its lists say (types, flags); lists alone merged by address.
  for (const g of coreGroups) {
    g.lists.sort((a, b) => inputAt.get(a.input.id)! - inputAt.get(b.input.id)!);
    g.snapshot.table = withListFacts(g.base, g.lists.map((x) => ({ table: x.input.table!, rows: x.rows!, flags: listFlags(x.input) })));
    for (const x of g.lists) g.snapshot.parts.push({ input: x.input.id, name: x.input.name, as: x.as, rows: x.rows!, ...(x.input.set ? { set: x.input.set } : {}) });
    g.snapshot.knownSets = setsNamedBy(g.lists.map((x) => x.input));
  }
  for (const g of listGroups) {
    g.lists.sort((a, b) => inputAt.get(a.input.id)! - inputAt.get(b.input.id)!);
    const merged = listOnlyTable(g.lists.map((x) => ({ table: x.input.table!, flags: listFlags(x.input) })));
    g.snapshot.table = merged.table;
    g.lists.forEach((x, k) => g.snapshot.parts.push({ input: x.input.id, name: x.input.name, as: x.as, rows: merged.rowsOf[k], ...(x.input.set ? { set: x.input.set } : {}) }));
    g.snapshot.knownSets = setsNamedBy(g.lists.map((x) => x.input));
    // With every used allocation listed (a list used), chap's leaked and anchored sets are each other's complement.
    if (g.lists.some((x) => x.as === 'used')) g.snapshot.knownSets = withComplement(merged.table, g.snapshot.knownSets);
    order.push({ at: Math.min(...g.lists.map((x) => inputAt.get(x.input.id)!)), snapshot: g.snapshot });
  }

  // 5. Binaries name the code of every core that maps them (by build-id, else by file name).
  const cores = coreGroups.map((g) => ({ name: g.snapshot.name, modules: inputs[inputAt.get(g.snapshot.core!)!].modules ?? [] }));
  for (const b of inputs) {
    if (b.role !== 'elf') continue;
    const placed = placeBinary(b, cores);
    if (placed.note) notes.push(placed.note);
    for (const k of placed.cores) coreGroups[k].snapshot.parts.push({ input: b.id, name: b.name, as: 'binary' });
  }

  // 6. A tracemalloc snapshot or a meliae dump is a snapshot of its own.
  for (const x of inputs) {
    if (x.role === 'tracemalloc' && x.tracemalloc) {
      const s = newSnapshot(`s${x.id}`, x.name, 'tracemalloc', null);
      s.parts.push({ input: x.id, name: x.name, as: 'tracemalloc' });
      s.table = x.table ?? null;
      s.tracemalloc = x.tracemalloc;
      order.push({ at: inputAt.get(x.id)!, snapshot: s });
    } else if (x.role === 'meliae' && x.objects) {
      const s = newSnapshot(`s${x.id}`, x.name, 'meliae', null);
      s.parts.push({ input: x.id, name: x.name, as: 'meliae' });
      s.table = x.table ?? null;
      s.objects = x.objects;
      order.push({ at: inputAt.get(x.id)!, snapshot: s });
    }
  }

  order.sort((a, b) => a.at - b.at);
  const snapshots = order.map((o) => o.snapshot);
  distinctNames(snapshots);
  return { snapshots, notes };
}

/**
 * Snapshots whose names repeat — two dropped files both called `core.gz` (a browser gives no folder) — are told
 * apart in input order: `core`, `core (2)`, `core (3)`. A name already taken by another snapshot is skipped.
 */
export function distinctNames(snapshots: Snapshot[]): void {
  const taken = new Set(snapshots.map((s) => s.name));
  const seen = new Map<string, number>();
  for (const s of snapshots) {
    const n = (seen.get(s.name) ?? 0) + 1;
    seen.set(s.name, n);
    if (n === 1) continue;
    let k = n;
    while (taken.has(`${s.name} (${k})`)) k++;
    seen.set(s.name, k);
    s.name = `${s.name} (${k})`;
    taken.add(s.name);
  }
}

/** The flags a chap list gives its rows: its line prefixes' (`Leaked allocation at …`), or the bit of the set the list is (`set`) on every row. */
function listFlags(l: AssemblyInput): Uint16Array | null {
  const bit = l.set ? SET_FLAGS.find(([n]) => n === l.set)?.[1] : undefined;
  if (bit !== undefined) return new Uint16Array(l.table!.rows).fill(bit);
  return l.table!.flags ?? null;
}

/** Sets chap lists name (by line prefix, `Leaked allocation at …`, or whole, `set`): that list is the whole set. */
function setsNamedBy(lists: AssemblyInput[]): string[] {
  let bits = 0;
  for (const l of lists) {
    const f = listFlags(l);
    if (f) for (let i = 0; i < f.length; i++) bits |= f[i];
  }
  return SET_FLAGS.filter(([name, f]) => bits & f || lists.some((l) => l.set === name)).map(([name]) => name);
}

/**
 * chap: an allocation is leaked when it is used and not anchored. A table holding every used allocation and
 * one of the two sets has the other: its flags are set on the used rows outside the known one.
 */
function withComplement(t: AllocationTable, known: string[]): string[] {
  const hasLeaked = known.includes('leaked');
  const hasAnchored = known.includes('anchored');
  if (hasLeaked === hasAnchored || !t.flags) return known;
  const [have, add] = hasLeaked ? [AllocFlag.Leaked, AllocFlag.Anchored] : [AllocFlag.Anchored, AllocFlag.Leaked];
  for (let i = 0; i < t.rows; i++) if (isInUse(t.state[i]) && !(t.flags[i] & have)) t.flags[i] |= add;
  const out = [...known, hasLeaked ? 'anchored' : 'leaked'];
  return SET_FLAGS.map(([n]) => n).filter((n) => out.includes(n));
}
