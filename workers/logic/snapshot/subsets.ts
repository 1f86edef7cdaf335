/**
 * Which set a chap list of some used allocations is. chap's `list leaked`,
 * `list unreferenced`, `list anchored`, … all print `Used allocation at` lines,
 * so the file cannot say; once a snapshot knows its sets (flags computed from
 * its core), a subset list whose rows are exactly one set's rows is named by it.
 */
import { SET_FLAGS } from '../../../src/model/allocations.ts';
import type { Snapshot } from '../../../src/model/snapshot.ts';

export function nameSubsets(s: Snapshot): Snapshot {
  const flags = s.table?.flags;
  if (!flags || s.knownSets.length === 0 || !s.parts.some((p) => p.as === 'subset' && p.rows)) return s;
  const parts = s.parts.map((p) => {
    if (p.as !== 'subset' || !p.rows) return p;
    const rows = p.rows;
    const listed = new Uint8Array(flags.length);
    for (let i = 0; i < rows.length; i++) listed[rows[i]] = 1;
    for (const [name, bit] of SET_FLAGS) {
      if (!s.knownSets.includes(name)) continue;
      let same = true;
      for (let r = 0; r < flags.length && same; r++) same = ((flags[r] & bit) !== 0) === (listed[r] === 1);
      if (same) return { ...p, set: name };
    }
    const { set: _set, ...rest } = p;
    void _set;
    return rest;
  });
  return { ...s, parts };
}
