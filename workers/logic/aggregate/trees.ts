/**
 * Input-specific paths into the generic `Hierarchy`: each function here says
 * what the levels of the tree are for one kind of table. Views only see the result.
 */
import { isInUse, type AllocationTable } from '../../../src/model/allocations.ts';
import type { FrameTable, StackTable } from '../../../src/model/stacks.ts';
import { StringTable, type StringTableData } from '../../../src/model/strings.ts';
import { typeName } from './groups.ts';
import { HierarchyBuilder } from './hierarchy.ts';
import { type Hierarchy } from '../../../src/model/hierarchy.ts';
import { sizeClassLabel, sizeClassOf } from './size-classes.ts';

export type StateFilter = 'inUse' | 'free' | 'all';

function keep(filter: StateFilter, state: number): boolean {
  return filter === 'all' || (filter === 'inUse') === isInUse(state);
}

/**
 * Signature/class → size class (inverted: size class → signature/class).
 * For chap lists and cores without allocation sites.
 */
export function typeSizeTree(tables: AllocationTable[], opts: { inverted?: boolean; states?: StateFilter } = {}): Hierarchy {
  const inverted = !!opts.inverted;
  const states = opts.states ?? 'inUse';
  const b = new HierarchyBuilder('all allocations', inverted ? ['all', 'size class', 'signature / class'] : ['all', 'signature / class', 'size class']);
  const classIds = new Map<number, [number, number]>();
  for (const t of tables) {
    const strings = new StringTable(t.strings);
    const typeIds: [number, number][] = [];
    const { size, state, type, requested } = t;
    if (requested) b.hasRequested = true;
    for (let i = 0; i < t.rows; i++) {
      if (!keep(states, state[i])) continue;
      const tid = type[i];
      let ty = typeIds[tid];
      if (!ty) {
        const name = typeName(tid, strings);
        ty = typeIds[tid] = [b.nameId(name), b.groupId(name)];
      }
      const s = size[i];
      const c = sizeClassOf(s);
      let cl = classIds.get(c.lo);
      if (!cl) {
        cl = [b.nameId(sizeClassLabel(c)), b.groupId('size class')];
        classIds.set(c.lo, cl);
      }
      // Colour follows the type: a size class under a type takes the type's colour.
      const node = inverted ? b.child(b.child(0, cl[0], cl[1]), ty[0], ty[1]) : b.child(b.child(0, ty[0], ty[1]), cl[0], ty[1]);
      b.add(node, s, 1, requested ? requested[i] : s);
    }
  }
  return b.build();
}

export interface StackWeights {
  /** Stack id of each row. */
  stack: Uint32Array;
  /** Bytes of each row. */
  size: Float64Array;
  rows: number;
}

/**
 * Call tree from a stack table: root → oldest frame → … → newest frame
 * (inverted: newest frame first). Frame names are `file:line`, coloured by file.
 */
export function stackTree(
  weights: StackWeights,
  stacks: StackTable,
  frames: FrameTable,
  stringData: StringTableData,
  opts: { inverted?: boolean } = {},
): Hierarchy {
  const strings = new StringTable(stringData);
  // tracemalloc sizes are the requested sizes: no separate "requested" metric.
  const b = new HierarchyBuilder('all traces', ['all', opts.inverted ? 'frame (newest first)' : 'frame (oldest first)']);
  const frameName = new Int32Array(frames.rows).fill(-1);
  const frameGroup = new Int32Array(frames.rows);
  const nameOf = (f: number) => {
    if (frameName[f] < 0) {
      const file = strings.get(frames.file[f]);
      frameName[f] = b.nameId(`${file}:${frames.line[f]}`);
      frameGroup[f] = b.groupId(file);
    }
    return frameName[f];
  };
  // Per stack id, bytes and count first; then one walk per distinct stack.
  const bytes = new Float64Array(stacks.rows);
  const count = new Float64Array(stacks.rows);
  for (let i = 0; i < weights.rows; i++) {
    bytes[weights.stack[i]] += weights.size[i];
    count[weights.stack[i]]++;
  }
  if (!opts.inverted) {
    // parent < id: a pass in id order sees callers first.
    const node = new Int32Array(stacks.rows);
    for (let s = 1; s < stacks.rows; s++) {
      const f = stacks.frame[s];
      node[s] = b.child(node[stacks.parent[s]], nameOf(f), frameGroup[f]);
    }
    for (let s = 0; s < stacks.rows; s++) if (count[s] > 0) b.add(node[s], bytes[s], count[s], bytes[s]);
  } else {
    for (let s = 0; s < stacks.rows; s++) {
      if (count[s] === 0) continue;
      let n = 0;
      for (let k = s; k !== 0; k = stacks.parent[k]) {
        const f = stacks.frame[k];
        n = b.child(n, nameOf(f), frameGroup[f]);
      }
      b.add(n, bytes[s], count[s], bytes[s]);
    }
  }
  return b.build();
}

/**
 * Type → object tree of an object dump (meliae): each type's `perType` largest
 * objects as leaves (named by address and name / value), the rest of the type
 * in one "(N smaller objects)" leaf, so a million objects stay drawable.
 */
export function typeObjectTree(table: AllocationTable, describe: (row: number) => string, perType = 200): Hierarchy {
  const strings = new StringTable(table.strings);
  const b = new HierarchyBuilder('all objects', ['all', 'type', 'object']);
  const byType = new Map<number, number[]>();
  for (let i = 0; i < table.rows; i++) {
    const t = table.type[i];
    let rows = byType.get(t);
    if (!rows) byType.set(t, (rows = []));
    rows.push(i);
  }
  for (const [t, rows] of byType) {
    const name = typeName(t, strings);
    const g = b.groupId(name);
    const typeNode = b.child(0, b.nameId(name), g);
    rows.sort((x, y) => table.size[y] - table.size[x] || x - y);
    for (const r of rows.slice(0, perType)) b.add(b.child(typeNode, b.nameId(describe(r)), g), table.size[r], 1, table.size[r]);
    if (rows.length > perType) {
      let bytes = 0;
      for (const r of rows.slice(perType)) bytes += table.size[r];
      const rest = rows.length - perType;
      b.add(b.child(typeNode, b.nameId(`(${rest.toLocaleString('en-US')} smaller objects)`), g), bytes, rest, bytes);
    }
  }
  return b.build();
}
