/**
 * Heap layout and heap map: per arena (from a core's heap walk) used and free
 * counts and bytes, as chap's `describe arenas` gives them; and each heap
 * region (or, for a chap list alone, each run of allocations) drawn as a strip
 * where used, free and unaccounted bytes show, so fragmentation can be seen.
 * Click the strip to list the allocations there; click one to inspect it.
 */
import type { AllocationTable } from '../../model/allocations.ts';
import { useEffect, useMemo, useRef, useState } from 'react';
import { STATE_LABELS } from '../../model/allocations.ts';
import { fmtInt, fmtPct } from '../../format/numbers.ts';
import { useHeapMap, useRowsInRange } from '../../state/derived.ts';
import { useCurrentSnapshot, type SnapshotState } from '../../state/snapshots.ts';
import { humanBytes, plural } from '../../format/units.ts';
import { useThemeName } from '../../state/view.ts';
import { useCallerOf } from '../use-callers.ts';
import { bytesText } from '../tree-common.tsx';
import { useInspector } from '../../state/inspector.ts';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { prepareCanvas } from '../canvas.ts';
import type { MapRange, RangeRow } from '../../../workers/logic/aggregate/heap-map.ts';

const BINS = 400;
const STRIP_H = 26;
const MAX_RANGES = 200;

/** Strip colours per theme: the same as the legend's swatches (CSS variables --used, --free, --none). */
function stripColors(): { used: string; free: string; none: string } {
  const cs = getComputedStyle(document.documentElement);
  return { used: cs.getPropertyValue('--used').trim(), free: cs.getPropertyValue('--free').trim(), none: cs.getPropertyValue('--none').trim() };
}

function Strip({ r, onPick }: { r: MapRange; onPick(start: number, end: number): void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const theme = useThemeName();
  const binBytes = (r.end - r.start) / BINS;
  useEffect(() => {
    const c = ref.current;
    if (!c) return;
    const w = c.clientWidth;
    const ctx = prepareCanvas(c, w, STRIP_H);
    const col = stripColors();
    ctx.fillStyle = col.none;
    ctx.fillRect(0, 0, w, STRIP_H);
    const bw = w / BINS;
    // Edges on whole device pixels: fractional edges blend with the background into seams between bins.
    const dpr = window.devicePixelRatio || 1;
    const snap = (v: number) => Math.round(v * dpr) / dpr;
    for (let b = 0; b < BINS; b++) {
      const u = Math.min(1, r.usedBytes[b] / binBytes);
      const f = Math.min(1 - u, r.freeBytes[b] / binBytes);
      const x0 = snap(b * bw);
      const x1 = Math.max(snap((b + 1) * bw), x0 + 1 / dpr);
      const hu = u > 0 ? Math.max(1 / dpr, snap(STRIP_H * u)) : 0;
      const hf = f > 0 ? Math.max(1 / dpr, snap(STRIP_H * (u + f)) - hu) : 0;
      if (hu > 0) {
        ctx.fillStyle = col.used;
        ctx.fillRect(x0, STRIP_H - hu, x1 - x0, hu);
      }
      if (hf > 0) {
        ctx.fillStyle = col.free;
        ctx.fillRect(x0, STRIP_H - hu - hf, x1 - x0, hf);
      }
    }
  }, [r, binBytes, theme]);
  return (
    <canvas
      ref={ref}
      className="strip"
      style={{ height: STRIP_H }}
      data-testid="heap-strip"
      onClick={(e) => {
        const box = e.currentTarget.getBoundingClientRect();
        const b = Math.min(BINS - 1, Math.floor(((e.clientX - box.left) / box.width) * BINS));
        // A few bins around the click, so small allocations are easy to hit.
        const lo = Math.max(0, b - 2);
        const hi = Math.min(BINS, b + 3);
        onPick(r.start + lo * binBytes, r.start + hi * binBytes);
      }}
    />
  );
}

/** True when every allocation of the tables is at address 0 (a shared copy with addresses left out). */
function noAddresses(tables: AllocationTable[]): boolean {
  let rows = 0;
  for (const t of tables) {
    rows += t.rows;
    for (let i = 0; i < t.rows; i++) if (t.addrHi[i] !== 0 || t.addrLo[i] !== 0) return false;
  }
  return rows > 0;
}

const ROW_COLS: Column<RangeRow>[] = [
  { id: 'address', label: 'Address', value: (r) => r.address, text: (r) => `0x${r.address}`, render: (r) => <span className="mono">0x{r.address}</span> },
  { id: 'size', label: 'Size', num: true, value: (r) => r.size },
  { id: 'state', label: 'State', value: (r) => STATE_LABELS[r.state] },
  { id: 'type', label: 'Class / signature', value: (r) => r.type || '—' },
];

export function HeapMapView() {
  const current = useCurrentSnapshot();
  const openInspector = useInspector((s) => s.open);
  const layout = current?.layout ?? null;
  const ranges = useMemo(() => layout?.regions?.map((r) => ({ start: parseInt(r.start, 16), end: parseInt(r.end, 16), label: `${r.kind} ${r.start}–${r.end}` })) ?? null, [layout]);
  const drawn = useHeapMap(current, ranges, BINS).value;
  const map = useMemo(() => drawn?.filter((r) => r.usedCount + r.freeCount > 0).sort((a, b) => b.usedTotal + b.freeTotal - (a.usedTotal + a.freeTotal)) ?? null, [drawn]);
  // The last click: its range of the snapshot drawn then (its rows stay that snapshot's), and how many clicks so far.
  const [pick, setPick] = useState<{ seq: number; start: number; end: number; of: SnapshotState } | null>(null);
  const range = useMemo(() => (pick ? { start: pick.start, end: pick.end } : null), [pick]);
  const picked = useRowsInRange(pick?.of ?? null, range);
  const callerOf = useCallerOf();
  const addressless = useMemo(() => !!current?.snap.table && noAddresses([current.snap.table]), [current]);
  const onPick = (start: number, end: number) => {
    if (current) setPick((p) => ({ seq: (p?.seq ?? 0) + 1, start, end, of: current }));
  };
  return (
    <div className="heapview">
      {layout && (
        <section className="panel" data-testid="allocators">
          <h2>
            Allocators{' '}
            <span className="muted small">
              · {layout.arch} · {plural(Number(layout.threads), 'thread')}
              {layout.allocators.length ? '' : ` · ${layout.allocator}`}
            </span>
          </h2>
          {layout.allocators.map((al) => (
            <div key={al.id} className="allocator" data-testid="allocator">
              <h3 className="small">
                {al.description}{' '}
                <span className="muted">
                  · used {plural(al.usedCount, 'allocation')}, {bytesText(al.usedBytes)} · free {plural(al.freeCount, 'allocation')}, {bytesText(al.freeBytes)}
                </span>
              </h3>
              {al.facts.length > 0 && (
                <div className="muted small allocator-facts" data-testid="allocator-facts">
                  {al.facts.map((f) => `${f.label}: ${f.value}`).join(' · ')}
                </div>
              )}
              {al.arenas && al.arenas.length > 0 && (
                <table className="grid" data-testid="arenas">
                  <thead>
                    <tr>
                      <th>Arena</th>
                      <th className="num">Size</th>
                      {al.arenas.some((a) => a.top) && <th>Top</th>}
                      <th className="num">Used allocations</th>
                      <th className="num">Used bytes</th>
                      <th className="num">Free allocations</th>
                      <th className="num">Free bytes</th>
                    </tr>
                  </thead>
                  <tbody>
                    {al.arenas.map((a) => (
                      <tr key={a.address}>
                        <td className="mono">
                          {a.address}
                          {a.isMain ? ' (main)' : ''}
                        </td>
                        <td className="num">{fmtInt(a.size)}</td>
                        {al.arenas!.some((x) => x.top) && <td className="mono">{a.top ?? ''}</td>}
                        <td className="num">{fmtInt(a.usedCount)}</td>
                        <td className="num">{fmtInt(a.usedBytes)}</td>
                        <td className="num">{fmtInt(a.freeCount)}</td>
                        <td className="num">{fmtInt(a.freeBytes)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          ))}
        </section>
      )}
      <section className="panel">
        <h2>
          Heap map{' '}
          <span className="muted small">
            · {layout ? 'heap regions of the core' : 'runs of allocations (gaps over 1 MiB split them)'} · <i className="sw used" /> used <i className="sw free" /> free{' '}
            <i className="sw none" /> headers, slack or unknown · click a strip to list its allocations
          </span>
        </h2>
        {!map && <div className="muted">Mapping…</div>}
        {map && addressless && (
          <div className="msg warning" data-testid="heap-no-addresses">
            The addresses were left out of this shared copy: there is no layout to draw.
          </div>
        )}
        {map?.slice(0, MAX_RANGES).map((r, i) => (
          <div key={i} className="range">
            <div className="range-head small">
              <span className="mono">{r.label}</span>
              <span className="muted">
                {' '}
                · {humanBytes(r.regionEnd - r.regionStart)}
                {r.end - r.start < r.regionEnd - r.regionStart ? ` (strip: the ${humanBytes(r.end - r.start)} from its first chunk to its last)` : ''} · used{' '}
                {plural(r.usedCount, 'allocation')}, {fmtInt(r.usedTotal)} bytes · free {plural(r.freeCount, 'allocation')}, {fmtInt(r.freeTotal)} bytes{' '}
                {`(${fmtPct(r.freeTotal, r.usedTotal + r.freeTotal)} free)`}
              </span>
            </div>
            <Strip r={r} onPick={onPick} />
          </div>
        ))}
        {map && map.length > MAX_RANGES && <div className="muted small">{fmtInt(map.length - MAX_RANGES)} smaller ranges not drawn.</div>}
      </section>
      {pick && picked.error && <p className="msg error">The allocations there could not be listed: {picked.error}</p>}
      {pick && picked.value && (
        // data-pick: the click whose rows these are (absent while a newer click's rows are computed).
        <section className="panel" data-testid="range-panel" data-pick={picked.busy ? undefined : pick.seq}>
          <h2>
            Allocations at 0x{Math.floor(pick.start).toString(16)} – 0x{Math.ceil(pick.end).toString(16)}{' '}
            <span className="muted small">
              {picked.busy
                ? '· listing…'
                : `· ${fmtInt(picked.value.total)} allocation(s)${picked.value.total > picked.value.rows.length ? `, first ${fmtInt(picked.value.rows.length)} shown` : ''} · click one to inspect it`}
            </span>
          </h2>
          <VirtualTable
            rows={picked.value.rows}
            columns={
              callerOf
                ? [...ROW_COLS, { id: 'caller', label: 'Allocated by', value: (r: RangeRow) => callerOf(r.row) ?? '—' }]
                : ROW_COLS
            }
            filterText={(r) => `${r.address} ${r.type}`}
            initialSort={{ id: '', desc: false }}
            exportName="heap-range"
            testId="range-rows"
            rowKey={(r) => `${r.input}:${r.row}`}
            onSelect={(r) => openInspector({ snapshot: pick.of.snap.key, row: r.row })}
            height="320px"
          />
        </section>
      )}
    </div>
  );
}
