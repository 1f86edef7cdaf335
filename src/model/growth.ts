/**
 * Growth by type between two snapshots, as objgraph's `show_growth()` reports it
 * when called once per snapshot: the first call's counts are the peaks, the
 * second lists every type whose count went past its peak, with its count and the
 * increase, largest increase first (objgraph's sort is stable over Python's dict
 * order; ties here go by type name), at most `limit` rows, printed
 * `'%-*s%9d %+9d' % (width, name, count, delta)`.
 *
 * Counts per type: for a CPython core, the objects the garbage collector tracks
 * (`gc.get_objects()`, as objgraph's typestats counts them) by `type(o).__name__`;
 * for a meliae dump, its objects by type name as dumped.
 */
export interface GrowthRow {
  type: string;
  count: number;
  delta: number;
}

export function growth(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>, limit: number | null = 10): GrowthRow[] {
  const rows: GrowthRow[] = [];
  for (const [type, count] of after) {
    const old = before.get(type) ?? 0;
    if (count > old) rows.push({ type, count, delta: count - old });
  }
  rows.sort((a, b) => b.delta - a.delta || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  return limit ? rows.slice(0, limit) : rows;
}

/** objgraph's `show_growth` text (nothing when nothing grew). */
export function growthText(rows: GrowthRow[]): string {
  if (!rows.length) return '';
  const width = Math.max(...rows.map((r) => r.type.length));
  const signed = (d: number): string => `${d < 0 ? '-' : '+'}${Math.abs(d)}`;
  return rows.map((r) => `${r.type.padEnd(width)}${String(r.count).padStart(9)} ${signed(r.delta).padStart(9)}\n`).join('');
}

/** Counts per type name of a CPython core's GC-tracked objects (its `info.python.types`). */
export function trackedCounts(types: readonly { name: string; gcTracked: number }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of types) if (t.gcTracked) m.set(t.name, (m.get(t.name) ?? 0) + t.gcTracked);
  return m;
}

/** Counts per type name of a meliae dump's objects (its table's `type` column, as dumped). */
export function typeCounts(table: { rows: number; type: ArrayLike<number> }, nameOf: (id: number) => string): Map<string, number> {
  const byId = new Map<number, number>();
  for (let i = 0; i < table.rows; i++) byId.set(table.type[i], (byId.get(table.type[i]) ?? 0) + 1);
  const m = new Map<string, number>();
  for (const [id, n] of byId) {
    const t = nameOf(id);
    m.set(t, (m.get(t) ?? 0) + n);
  }
  return m;
}
