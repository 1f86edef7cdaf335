/** React hook: the allocating function (malloc_tracer footer) of listed allocations of the current snapshot, when it has an attribution. */
import { useMemo } from 'react';
import { useCurrentSnapshot } from '../state/snapshots.ts';
import { CallerIndex, callerText } from './alloc-caller.ts';

/** `row → "func +0xOFF (lib)"` for rows of the current snapshot's table, or null when it has no attribution. */
export function useCallerOf(): ((row: number) => string | null) | null {
  const current = useCurrentSnapshot();
  return useMemo(() => {
    const a = current?.attribution;
    const t = current?.snap.table;
    if (!a?.detected || !t || a.rowSite.length !== t.rows) return null;
    const index = new CallerIndex(a, t);
    return (row) => {
      const c = index.ofRow(row);
      return c ? callerText(c) : null;
    };
  }, [current]);
}
