/**
 * The Python objects of a CPython core: a table by type with what each type's
 * objects own folded in (a class with a __dict__ is one row: its instances'
 * own bytes plus their dicts'), the same rows in meliae's summary layout, the
 * founding article's moves computed from the objects (__slots__, array), and
 * obmalloc's arenas with how few used blocks keep each alive ("only an arena
 * can free memory"). Reads the core input's `info.python` (src/model/python-heap.ts).
 */
import { useState } from 'react';
import type { PythonHeapInfo, PyTypeRow } from '../../model/python-heap.ts';
import { useCurrentSnapshot } from '../../state/snapshots.ts';
import { fmtInt, formatBytes } from '../../format/numbers.ts';
import { Seg } from '../../components/Seg.tsx';
import { GrowthPanel } from './Growth.tsx';

type Layout = 'types' | 'meliae';
type SortKey = 'bytes' | 'count' | 'ownBytes' | 'ownedBytes' | 'largest' | 'type';

const pct = (x: number, total: number): number => (total > 0 ? Math.trunc((x * 100) / total) : 0);

export function PythonView() {
  const current = useCurrentSnapshot();
  const [layout, setLayout] = useState<Layout>('types');
  const [q, setQ] = useState('');
  const [sort, setSort] = useState<SortKey>('bytes');
  const [help, setHelp] = useState(false);
  const py = current?.layout?.python;
  const rows = sortedRows(py, q, sort);
  if (!py) return <div className="muted">This snapshot holds no CPython core: drop a core of a CPython process to see its Python objects.</div>;
  const totalBytes = py.types.reduce((n, t) => n + t.bytes, 0);
  const totalCount = py.types.reduce((n, t) => n + t.count, 0);
  const unnamed = py.types.filter((t) => t.type.startsWith('<type ')).length;
  return (
    <div className="pyobjects">
      <div className="toolbar py-toolbar">
        <div className="py-header" data-testid="py-header">
          <span>CPython {py.version}</span> · <span>{fmtInt(py.objects)} objects in {fmtInt(py.types.length)} types</span> · <span>{formatBytes(totalBytes)}</span> ·{' '}
          <span>
            {fmtInt(py.arenas.length)} obmalloc arenas of {formatBytes(py.arenaSize)}
          </span>
          <button className="small-btn help-q" aria-label="What these figures are" aria-expanded={help} aria-controls="py-help" title="What these figures are" onClick={() => setHelp(!help)} data-testid="py-help-button">
            ?
          </button>
        </div>
        <div className="py-controls">
          <Seg label="Layout" value={layout} onChange={setLayout} options={[{ value: 'types', label: 'Types' }, { value: 'meliae', label: 'meliae summary' }]} />
          <input className="filter narrow" type="search" placeholder="Filter types…" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Filter types" />
        </div>
      </div>
      {help && <Help py={py} unnamed={unnamed} />}
      {unnamed > 0 && (
        <p className="muted small py-unnamed" data-testid="py-unnamed">
          {fmtInt(unnamed)} {unnamed === 1 ? 'type reads' : 'types read'} <span className="mono">&lt;type 0x…&gt;</span>: static types keep their names in libpython&apos;s read-only data, which the
          core leaves out — drop the python executable or libpython (and extension modules) the process mapped to name {unnamed === 1 ? 'it' : 'them'}.
        </p>
      )}
      <Advice py={py} />
      {current && <GrowthPanel current={current} />}
      <div className="py-columns">
        <div className="py-table">
          {layout === 'types' ? <TypesTable rows={rows} sort={sort} setSort={setSort} /> : <MeliaeTable rows={rows} totalBytes={totalBytes} totalCount={totalCount} />}
          <div className="muted small">
            {fmtInt(py.other.count)} allocations ({formatBytes(py.other.bytes)}) in use hold no Python object and belong to none (interpreter state, buffers, free lists).
          </div>
        </div>
        <Arenas py={py} />
      </div>
    </div>
  );
}

/** What the header's figures are, and where the names come from. */
function Help({ py, unnamed }: { py: PythonHeapInfo; unnamed: number }) {
  return (
    <div className="py-help small" id="py-help" data-testid="py-help">
      <p>
        <b>Objects</b>: allocations in use (obmalloc blocks and glibc chunks, as chap lists them) that hold a PyObject, typed by its <span className="mono">ob_type</span> →{' '}
        <span className="mono">tp_name</span>. A row counts the objects no other object owns; what they own (their <span className="mono">__dict__</span>s and dict tables, list item
        arrays) is folded into <b>Owned</b>, so <b>Total</b> = own + owned bytes, and the rows plus the {fmtInt(py.other.count)} allocations that hold no object add up to the bytes in use.
      </p>
      <p>
        <b>Counts</b> are of live objects, whether the garbage collector tracks them or not (CPython untracks dicts and tuples that hold only atoms), so a type can count more
        than <span className="mono">gc.get_objects()</span> returns; deallocated objects that CPython keeps on its free lists, and freed chunks in glibc&apos;s tcache, are not counted.
      </p>
      <p>
        <b>Arenas</b>: obmalloc takes memory from the system {formatBytes(py.arenaSize)} at a time, in pools of {formatBytes(py.poolSize)}; an arena goes back only when its last block is freed.
      </p>
      <p>
        <b>Names</b>: classes and the builtins&apos; types are named from the core. Other static types keep their names in libpython&apos;s read-only data, which gcore leaves out: they
        read <span className="mono">&lt;type 0x…&gt;</span>
        {unnamed ? ` (${fmtInt(unnamed)} here)` : ''} until you drop the binaries the process mapped (the python executable or libpython, extension modules) with the core —{' '}
        <span className="mono">heapscope summary CORE BINARY… --by python-type</span> names them the same way.
      </p>
    </div>
  );
}

function sortedRows(py: PythonHeapInfo | undefined, q: string, sort: SortKey): PyTypeRow[] {
  if (!py) return [];
  const f = q.toLowerCase();
  const r = py.types.filter((t) => !f || t.type.toLowerCase().includes(f));
  return [...r].sort((a, b) => (sort === 'type' ? a.type.localeCompare(b.type) : b[sort] - a[sort] || a.type.localeCompare(b.type)));
}

function Advice({ py }: { py: PythonHeapInfo }) {
  const { slots, arrays } = py.advice;
  if (!slots.length && !arrays.length) return null;
  return (
    <div className="py-advice" data-testid="py-advice">
      {slots.slice(0, 4).map((a) => (
        <div key={a.type} data-testid="py-advice-slots">
          <b>{fmtInt(a.instances)}</b> instances of <b className="mono">{a.type}</b> carry a <span className="mono">__dict__</span> of {formatBytes(a.dictBytes)} in all; with{' '}
          <span className="mono">__slots__</span> ({a.attributes} attribute{a.attributes === 1 ? '' : 's'}) they would take {formatBytes(a.slotsBytes)} (saves <b>{formatBytes(a.saves)}</b>)
        </div>
      ))}
      {arrays.map((a) => (
        <div key={a.kind} data-testid="py-advice-array">
          {fmtInt(a.lists)} list{a.lists === 1 ? '' : 's'} of {fmtInt(a.items)} {a.kind}s take {formatBytes(a.bytes)}; <span className="mono">array('{a.typecode}')</span> would hold them in{' '}
          {formatBytes(a.arrayBytes)} (saves <b>{formatBytes(a.saves)}</b>)
        </div>
      ))}
    </div>
  );
}

function TypesTable({ rows, sort, setSort }: { rows: PyTypeRow[]; sort: SortKey; setSort(k: SortKey): void }) {
  const th = (k: SortKey, label: string, num = true) => (
    <th className={num ? 'num' : ''} aria-sort={sort === k ? 'descending' : 'none'} onClick={() => setSort(k)} style={{ cursor: 'pointer' }}>
      {label}
      {sort === k ? ' ▾' : ''}
    </th>
  );
  return (
    <table className="grid compact" data-testid="py-types">
      <thead>
        <tr>
          {th('type', 'Type', false)}
          {th('count', 'Count')}
          {th('ownBytes', 'Own bytes')}
          {th('ownedBytes', 'Owned (dicts, items)')}
          {th('bytes', 'Total')}
          {th('largest', 'Largest')}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.type} data-testid="py-type-row">
            <td className="mono">{r.type}</td>
            <td className="num">{fmtInt(r.count)}</td>
            <td className="num">{fmtInt(r.ownBytes)}</td>
            <td className="num" title={r.dictBytes ? `${fmtInt(r.dictBytes)} bytes in __dict__s` : undefined}>
              {fmtInt(r.ownedBytes)}
            </td>
            <td className="num">{fmtInt(r.bytes)}</td>
            <td className="num" title={r.largestAddress}>
              {fmtInt(r.largest)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** meliae's summarize() columns over the core's types (Size = own + owned, Max = the largest object). */
function MeliaeTable({ rows, totalBytes, totalCount }: { rows: PyTypeRow[]; totalBytes: number; totalCount: number }) {
  const sorted = [...rows].sort((a, b) => b.bytes - a.bytes || b.count - a.count);
  const cums = sorted.reduce<number[]>((acc, r) => [...acc, (acc.length ? acc[acc.length - 1] : 0) + r.bytes], []);
  return (
    <table className="grid compact" data-testid="py-meliae">
      <thead>
        <tr>
          <th className="num">Index</th>
          <th className="num">Count</th>
          <th className="num">%</th>
          <th className="num">Size</th>
          <th className="num">%</th>
          <th className="num">Cum</th>
          <th className="num">Max</th>
          <th>Kind</th>
        </tr>
      </thead>
      <tbody>
        {sorted.slice(0, 300).map((r, i) => {
          const cum = cums[i];
          return (
            <tr key={r.type} data-testid="py-meliae-row">
              <td className="num">{i}</td>
              <td className="num">{fmtInt(r.count)}</td>
              <td className="num">{pct(r.count, totalCount)}</td>
              <td className="num">{fmtInt(r.bytes)}</td>
              <td className="num">{pct(r.bytes, totalBytes)}</td>
              <td className="num">{pct(cum, totalBytes)}</td>
              <td className="num">{fmtInt(r.largest)}</td>
              <td className="mono">{r.type}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Each arena as a bar of its used bytes; arenas kept alive by few used blocks stand out. */
function Arenas({ py }: { py: PythonHeapInfo }) {
  const few = 64;
  const sparse = py.arenas.filter((a) => a.usedBlocks > 0 && a.usedBlocks <= few);
  return (
    <div className="py-arenas" data-testid="py-arenas">
      <h3>obmalloc arenas</h3>
      <div className="muted small">
        Only a whole arena goes back to the system: {fmtInt(sparse.length)} of {fmtInt(py.arenas.length)} arenas are kept alive by {few} used blocks or fewer.
      </div>
      <div className="muted small" data-testid="py-arenas-legend">
        Each bar is one arena of {formatBytes(py.arenaSize)}: <span className="swatch used" /> bytes in used blocks, <span className="swatch sparse" /> the same when {few} or fewer keep the arena, dark the rest (free blocks, empty pools).
      </div>
      {py.arenas.map((a) => {
        const used = a.usedBytes / py.arenaSize;
        return (
          <div key={a.address} className="arena-bar" title={`${a.address}: ${fmtInt(a.usedBlocks)} used blocks (${formatBytes(a.usedBytes)}), ${fmtInt(a.poolsInUse)} of ${fmtInt(a.pools)} pools in use`} data-testid="py-arena">
            <span className="mono small">{a.address}</span>
            <span className="bar-track">
              <span className={`bar-fill ${a.usedBlocks <= few ? 'sparse' : ''}`} style={{ width: `${Math.max(0.5, used * 100).toFixed(1)}%` }} />
            </span>
            <span className="small num">{fmtInt(a.usedBlocks)} used</span>
          </div>
        );
      })}
    </div>
  );
}
