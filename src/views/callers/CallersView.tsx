/**
 * malloc_tracer attribution of a core: library → function → return address,
 * with User (requested), Mem (usable − 16) and Chunk (usable) bytes and counts,
 * as the malloc_tracer gdb plugin reports them.
 */
import { useMemo, useState } from 'react';
import { fmtInt, fmtPct, pluginMean, pluginSize } from '../../format/numbers.ts';
import { useCurrentSnapshot } from '../../state/snapshots.ts';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { Seg } from '../../components/Seg.tsx';
import type { Sizes } from '../../model/attribution.ts';

type Level = 'library' | 'function' | 'site';

interface Row {
  key: string;
  lib: string;
  func: string;
  site: string;
  sizes: Sizes;
}

const LEVEL_LABELS: Record<Level, string> = { library: 'Library', function: 'Function', site: 'Return address' };

export function CallersView() {
  const current = useCurrentSnapshot();
  const busy = current?.busy ?? null;
  const [level, setLevel] = useState<Level>('library');
  const [plugin, setPlugin] = useState(false);
  const a = current?.attribution;
  const rows = useMemo(() => {
    const out: Row[] = [];
    if (!a) return out;
    for (const l of a.libraries) {
      if (level === 'library') {
        out.push({ key: l.name, lib: l.name, func: '', site: '', sizes: l.sizes });
        continue;
      }
      for (const f of l.functions) {
        if (level === 'function') {
          out.push({ key: `${l.name}\u0000${f.name}`, lib: l.name, func: f.name, site: '', sizes: f.sizes });
          continue;
        }
        for (const s of f.sites) {
          out.push({ key: `${l.name}\u0000${f.name}\u0000${s.addr}`, lib: l.name, func: f.name, site: `0x${s.addr.toString(16)} (+0x${s.offset.toString(16)})`, sizes: s.sizes });
        }
      }
    }
    return out;
  }, [a, level]);
  const columns = useMemo(() => {
    const total = a?.total.user ?? 0;
    const cols: Column<Row>[] = [{ id: 'lib', label: 'Library', value: (r) => r.lib }];
    if (level !== 'library') cols.push({ id: 'func', label: 'Function', value: (r) => r.func, width: 'minmax(260px, 4fr)' });
    if (level === 'site') cols.push({ id: 'site', label: 'Return address', value: (r) => r.site, width: 'minmax(160px, 1.4fr)' });
    const bytes = (id: 'user' | 'mem' | 'chunk', label: string): Column<Row> => ({
      id,
      label,
      num: true,
      value: (r) => r.sizes[id],
      render: plugin ? (r) => pluginSize(r.sizes[id]) : undefined,
    });
    cols.push(
      { id: 'count', label: 'Count', num: true, value: (r) => r.sizes.count },
      bytes('user', 'User'),
      bytes('mem', 'Mem'),
      bytes('chunk', 'Chunk'),
      plugin
        ? { id: 'mean', label: 'PerAllocMean', num: true, value: (r) => r.sizes.user / r.sizes.count, render: (r) => `${pluginMean(r.sizes.user, r.sizes.count)}b` }
        : { id: 'share', label: '% of User', num: true, value: (r) => (total ? r.sizes.user / total : 0), render: (r) => fmtPct(r.sizes.user, total) },
    );
    return cols;
  }, [a, level, plugin]);
  if (!current || !a) return <div className="muted">{busy ?? 'No core dump in this snapshot.'}</div>;
  const listName = current.snap.parts.find((p) => p.as === 'used')?.name;
  const binaries = current.snap.parts.filter((p) => p.as === 'binary').map((p) => p.name);
  return (
    <div className="attribution">
      <div className="toolbar">
        <Seg label="Level" value={level} onChange={setLevel} options={(['library', 'function', 'site'] as const).map((l) => ({ value: l, label: LEVEL_LABELS[l] }))} />
        <label className="check" title="Round sizes the way malloc_tracer's heap_total prints them">
          <input type="checkbox" checked={plugin} onChange={(e) => setPlugin(e.target.checked)} /> sizes as the gdb plugin prints them
        </label>
        <span className="small" data-testid="attribution-total">
          Total: Count={fmtInt(a!.total.count)} User={fmtInt(a!.total.user)} Mem={fmtInt(a!.total.mem)} Chunk={fmtInt(a!.total.chunk)} bytes
        </span>
      </div>
      <p className="muted small" data-testid="attribution-source">
        {a!.detected
          ? `malloc_tracer footers on ${fmtInt(a!.valid)} of ${fmtInt(a!.checked)} in-use allocations`
          : `No malloc_tracer footers found (${fmtInt(a!.valid)} of ${fmtInt(a!.checked)} allocations look like one): this process did not run under malloc_tracer, so allocations cannot be attributed to callers.`}
        {' · boundaries from '}
        {listName ? `the core's heap walk, equal to the chap list ${listName}` : "the core's own heap walk"}
        {' · symbols from '}
        {binaries.length ? binaries.join(', ') : 'the core alone (drop the binaries for full symbols)'}
        {a!.errors.count ? ` · ${fmtInt(a!.errors.count)} footers with errors (${fmtInt(a!.errors.chunk)} bytes)` : ''}
      </p>
      <VirtualTable
        key={level}
        rows={rows}
        columns={columns}
        filterText={(r) => `${r.lib} ${r.func} ${r.site}`}
        initialSort={{ id: '', desc: false }}
        exportName={`attribution-${level}`}
        testId="attribution"
        rowKey={(r) => r.key}
      />
    </div>
  );
}
