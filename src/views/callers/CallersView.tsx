/**
 * malloc_tracer attribution of a core: library → function → return address,
 * with User (requested), Mem (usable − 16) and Chunk (usable) bytes and counts,
 * as the malloc_tracer gdb plugin reports them.
 */
import { useMemo, useState } from 'react';
import { fmtInt, pluginMean, pluginSize } from '../../format/numbers.ts';
import { useCurrentSnapshot } from '../../state/snapshots.ts';
import { useView } from '../../state/view.ts';
import { pctValue } from '../../components/table-columns.ts';
import { attributionPath } from '../../model/site-keys.ts';
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
  /** The node's name path in the flame graph's library → function → return address tree. */
  path: string[];
}

const LEVEL_LABELS: Record<Level, string> = { library: 'Library', function: 'Function', site: 'Return address' };

export function CallersView() {
  const current = useCurrentSnapshot();
  const busy = current?.busy ?? null;
  const [level, setLevel] = useState<Level>('library');
  const [plugin, setPlugin] = useState(false);
  const selected = useView((s) => s.node);
  const select = useView((s) => s.select);
  const a = current?.attribution;
  const rows = useMemo(() => {
    const out: Row[] = [];
    if (!a) return out;
    for (const l of a.libraries) {
      if (level === 'library') {
        out.push({ key: l.name, lib: l.name, func: '', site: '', sizes: l.sizes, path: attributionPath(l.name) });
        continue;
      }
      for (const f of l.functions) {
        if (level === 'function') {
          out.push({ key: `${l.name}\u0000${f.name}`, lib: l.name, func: f.name, site: '', sizes: f.sizes, path: attributionPath(l.name, f.name) });
          continue;
        }
        for (const s of f.sites) {
          out.push({
            key: `${l.name}\u0000${f.name}\u0000${s.addr}`,
            lib: l.name,
            func: f.name,
            site: `0x${s.addr.toString(16)} (+0x${s.offset.toString(16)})`,
            sizes: s.sizes,
            path: attributionPath(l.name, f.name, s.offset),
          });
        }
      }
    }
    return out;
  }, [a, level]);
  const columns = useMemo(() => {
    const total = a?.total.user ?? 0;
    const cols: Column<Row>[] = [{ id: 'lib', label: 'Library', value: (r) => r.lib }];
    if (level !== 'library') cols.push({ id: 'func', label: 'Function', value: (r) => r.func });
    if (level === 'site') cols.push({ id: 'site', label: 'Return address', value: (r) => r.site });
    const bytes = (id: 'user' | 'mem' | 'chunk', label: string, title: string): Column<Row> => ({
      id,
      label,
      num: true,
      title,
      value: (r) => r.sizes[id],
      text: plugin ? (r) => pluginSize(r.sizes[id]) : undefined,
    });
    cols.push(
      { id: 'count', label: 'Count', num: true, value: (r) => r.sizes.count },
      bytes('user', 'User', 'Bytes the program asked for (the footer\'s requested size)'),
      bytes('mem', 'Mem', 'Usable bytes less the 16-byte footer'),
      bytes('chunk', 'Chunk', 'Usable bytes of the chunks (the size chap lists)'),
      plugin
        ? { id: 'mean', label: 'PerAllocMean', num: true, title: 'User bytes per allocation, as the plugin prints it', value: (r) => r.sizes.user / r.sizes.count, text: (r) => `${pluginMean(r.sizes.user, r.sizes.count)}b` }
        : { id: 'share', label: '% of User', num: true, format: 'pct', value: (r) => (total ? r.sizes.user / total : 0), text: (r) => pctValue(r.sizes.user, total) },
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
        initialSort={{ id: 'user', desc: true }}
        exportName={`attribution-${level}`}
        testId="attribution"
        rowKey={(r) => r.path.join('\u0000')}
        selectedKey={selected.join('\u0000') || null}
        onSelect={(r) => select(r.path)}
        note={
          <>
            <strong>User</strong> = bytes the program asked for (from the footer) · <strong>Mem</strong> = usable bytes less the 16-byte footer ·{' '}
            <strong>Chunk</strong> = usable bytes of the chunk, the size chap lists. Largest User first; click a row to select it in the flame graph and treemap.
          </>
        }
      />
    </div>
  );
}
