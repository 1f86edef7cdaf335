/**
 * What a core of a CPython process says about its Python objects, as plain
 * JSON (a core input's `info.python`, saved with the analysis, shown by the
 * Python views and printed by `heapscope summary --by python-type`).
 *
 * `types` — one row per Python type, with what its objects own folded in:
 *
 * | field        | meaning                                                                          |
 * |--------------|----------------------------------------------------------------------------------|
 * | type         | tp_name (`collections.deque`; a class: its name; `<type 0x…>` when unnamed)      |
 * | count        | objects of the type that no other object owns                                    |
 * | ownBytes     | their own allocations (obmalloc blocks or glibc chunks, as chap sizes them)      |
 * | ownedBytes   | allocations they own: `__dict__`s and their keys / values tables, 3.11+ managed  |
 * |              | values, list item arrays                                                         |
 * | bytes        | ownBytes + ownedBytes                                                            |
 * | dictBytes    | of ownedBytes, what lies in `__dict__`s (dicts, their tables, managed values)    |
 * | withDict     | objects of the type whose `__dict__` is a dict object of their own               |
 * | largest      | own + owned bytes of the largest object, at `largestAddress` (0x hex)            |
 * | name         | `type(o).__name__` (tp_name after its last dot)                                  |
 * | gcTracked    | objects of the type the garbage collector tracks, owned or not: what             |
 * |              | `gc.get_objects()` (and objgraph's typestats) would count                        |
 *
 * `advice` — the founding article's moves computed from the objects (see
 * workers/logic/heaps/python/advice.ts); `arenas` — obmalloc's arenas with how
 * many blocks keep each alive ("only an arena can free memory").
 */
export interface PyTypeRow {
  type: string;
  count: number;
  ownBytes: number;
  ownedBytes: number;
  bytes: number;
  dictBytes: number;
  withDict: number;
  largest: number;
  largestAddress: string;
  name: string;
  gcTracked: number;
}

export interface SlotsAdvice {
  type: string;
  instances: number;
  /** The instances' own bytes now, and their dicts' (or values') bytes. */
  instanceBytes: number;
  dictBytes: number;
  /** Most attributes one instance has. */
  attributes: number;
  /** What the same instances would take with __slots__, and the saving. */
  slotsBytes: number;
  saves: number;
}

export interface ArrayAdvice {
  kind: 'int' | 'float';
  typecode: 'q' | 'd';
  lists: number;
  items: number;
  /** The lists, their item arrays and the numbers only they hold, now. */
  bytes: number;
  arrayBytes: number;
  saves: number;
}

export interface PythonArenaInfo {
  /** 0x hex. */
  address: string;
  pools: number;
  /** Pools holding at least one used block. */
  poolsInUse: number;
  usedBlocks: number;
  usedBytes: number;
  freeBlocks: number;
  freeBytes: number;
}

export interface PythonHeapInfo {
  /** `3.12`, `2.7`. */
  version: string;
  module: string;
  arenaSize: number;
  poolSize: number;
  /** Objects found (allocations holding a PyObject). */
  objects: number;
  types: PyTypeRow[];
  /** Allocations in use that hold no Python object and that no object owns. */
  other: { count: number; bytes: number };
  advice: { slots: SlotsAdvice[]; arrays: ArrayAdvice[]; alignment: number };
  arenas: PythonArenaInfo[];
}
