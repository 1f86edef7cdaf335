/**
 * Allocation inspector (a drawer): address, size, state, class, the
 * malloc_tracer footer decoded, and — when a core is loaded — a virtualized
 * hex + ASCII dump whose pointer words link to the allocations they point into.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import { STATE_LABELS } from '../../model/allocations.ts';
import { hexOf } from '../../model/address.ts';
import { StringTable } from '../../model/strings.ts';
import { fmtInt } from '../../format/numbers.ts';
import { useInspect, useInspectPages, type InspectPageLoad } from '../../state/derived.ts';
import { useSnapshots, type SnapshotState } from '../../state/snapshots.ts';
import { useCompareSource } from '../../state/compare-source.ts';
import { useInspector } from '../../state/inspector.ts';
import { useEscape } from '../../components/keys.ts';
import type { InspectPage, InspectResult, InspectWord } from '../../../workers/logic/session/core-session.ts';
import { LeakPanel } from './LeakPanel.tsx';
import { findSorted } from '../../model/sorted.ts';

/** Bytes of the first screen, read with the allocation's details (64 rows: more than the drawer shows at once). */
const FIRST = 1024;
/** Bytes read at once as the dump scrolls: only pages with a row in view (or in the overscan) are read. */
const PAGE = 4096;
/** Rows past the first 16 MiB are not drawn (1M rows of 20 px: within what a browser lays out). */
const SHOWN = 16 << 20;
const ROW_H = 20;

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** A page's words by offset in the allocation (one map per page, made when it is first drawn). */
const wordMaps = new WeakMap<InspectPage, Map<number, InspectWord>>();
function wordsOf(p: InspectPage): Map<number, InspectWord> {
  let m = wordMaps.get(p);
  if (!m) wordMaps.set(p, (m = new Map(p.words.map((w) => [w.offset, w]))));
  return m;
}

/**
 * The hex + ASCII dump: virtualized rows over the allocation (its first 16 MiB), whose bytes come in pages as the
 * rows come into view — the first screen with the allocation's details, every later page from `useInspectPages`.
 */
function HexDump({ r, snapshot, row, onFollow }: { r: InspectResult; snapshot: SnapshotState; row: number; onFollow(w: InspectWord): void }) {
  const shown = Math.min(r.size, SHOWN);
  const rows = Math.ceil(shown / 16);
  const scroller = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({ count: rows, getScrollElement: () => scroller.current, estimateSize: () => ROW_H, overscan: 20 });
  const [first] = useState<InspectPage>(() => ({ offset: 0, bytes: r.bytes, words: r.words }));
  const firstLen = r.bytes?.length ?? 0;
  const items = virt.getVirtualItems();
  const lo = items.length ? items[0].index * 16 : 0;
  const hi = items.length ? (items[items.length - 1].index + 1) * 16 : 0;
  // The pages of the rows in view (and in the overscan) that the first screen does not hold.
  const wanted: number[] = [];
  if (!(firstLen === r.size && r.bytes)) for (let p = Math.floor(lo / PAGE); p * PAGE < hi; p++) if ((p + 1) * PAGE > firstLen) wanted.push(p);
  const pages = useInspectPages(snapshot, row, wanted, PAGE);
  return (
    <div className="hexdump" ref={scroller} data-testid="hexdump">
      <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
        {items.map((vi) => {
          const off = vi.index * 16;
          const style = { position: 'absolute', top: 0, left: 0, right: 0, height: ROW_H, transform: `translateY(${vi.start}px)` } as const;
          const src: InspectPageLoad | undefined = off < firstLen || (firstLen === r.size && r.bytes) ? first : pages.get(Math.floor(off / PAGE));
          const offText = <span className="hoff">{off.toString(16).padStart(6, '0')}</span>;
          if (!src || 'error' in src || !src.bytes) {
            return (
              <div key={vi.key} className="hexrow" style={style} data-testid="hex-pending">
                {offText}
                <span className="muted small">{!src ? 'reading…' : 'error' in src ? `could not read: ${src.error}` : 'the core does not hold these bytes'}</span>
              </div>
            );
          }
          const line = src.bytes.subarray(off - src.offset, off - src.offset + 16);
          const wordAt = wordsOf(src);
          const cells = [];
          for (let i = 0; i < 16; i++) {
            const p = off + i;
            const w = wordAt.get(p - (p % r.pointerSize));
            const kind = w ? (w.target ? 'ptr' : 'sym') : '';
            cells.push(
              <span key={i} className={`hb ${kind} ${i === 8 ? 'gap' : ''}`} title={w ? (w.target ? `→ 0x${w.target.address}` : w.symbol) : undefined}>
                {i < line.length ? hex2(line[i]) : '  '}
              </span>,
            );
          }
          let ascii = '';
          for (const b of line) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
          return (
            <div key={vi.key} className="hexrow" style={style}>
              {offText}
              <span className="hbytes">{cells}</span>
              <span className="hascii" data-testid="hex-ascii">
                {ascii}
              </span>
              {[0, 8].map((k) => {
                const w = wordAt.get(off + k);
                if (!w) return null;
                const text = w.target ? `→0x${w.target.address}${w.target.offset ? `+${w.target.offset}` : ''}${w.target.preview ? ` "${w.target.preview}"` : ''}` : w.symbol;
                // Cut at its width with an ellipsis (a long string preview), whole in its title.
                return (
                  <button key={k} className="link small" onClick={() => onFollow(w)} disabled={!w.target} title={text}>
                    {text}
                  </button>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** Row of `t` (sorted by address) starting at hex address `addr`, or -1. */
function rowAtAddress(t: { rows: number; addrHi: Uint32Array; addrLo: Uint32Array }, addr: string): number {
  const v = parseInt(addr, 16);
  if (Number.isNaN(v)) return -1;
  return findSorted(t.rows, (i) => t.addrHi[i] * 4294967296 + t.addrLo[i] - v);
}

export function Inspector() {
  const { target, history, open, back, close } = useInspector();
  const list = useSnapshots((s) => s.list);
  const shared = useCompareSource((s) => s.snapshots);
  // The snapshot the row belongs to backs everything shown: its table, its core's memory.
  const snapshot = target ? [...list, ...shared].find((s) => s.snap.key === target.snapshot) ?? null : null;
  const core = snapshot?.live ? snapshot : null;
  const inspected = useInspect(core, target?.row ?? -1, FIRST);
  const res = inspected.value;
  const err = inspected.error;
  useEscape(close);
  if (!target || !snapshot?.snap.table) return null;
  const t = snapshot.snap.table;
  const strings = new StringTable(t.strings);
  const row = target.row;
  const type = strings.get(t.type[row]);
  return (
    <aside className="inspector" role="dialog" aria-label="Allocation inspector" data-testid="inspector">
      <div className="insp-head">
        {history.length > 0 && (
          <button className="small-btn" onClick={back} aria-label="Back">
            ←
          </button>
        )}
        <strong className="mono">0x{hexOf(t.addrHi[row], t.addrLo[row])}</strong>
        <span className="spacer" />
        <button className="small-btn" onClick={close} aria-label="Close inspector">
          ✕
        </button>
      </div>
      <table className="grid compact">
        <tbody>
          <tr>
            <td>size</td>
            <td>
              {fmtInt(t.size[row])} bytes (0x{t.size[row].toString(16)})
            </td>
          </tr>
          <tr>
            <td>state</td>
            <td>{STATE_LABELS[t.state[row]]}</td>
          </tr>
          <tr>
            <td>class</td>
            <td data-testid="insp-class">{res?.className ?? (type || '—')}</td>
          </tr>
          <tr>
            <td>from</td>
            <td data-testid="insp-snapshot">{snapshot.snap.name}</td>
          </tr>
          {res?.footer && (
            <tr>
              <td>footer</td>
              <td data-testid="insp-footer">
                {res.footer.valid ? (
                  <>
                    allocated by <strong>{res.footer.func}</strong>+0x{res.footer.offset.toString(16)} in {res.footer.lib} · requested {fmtInt(res.footer.requested)} bytes
                  </>
                ) : (
                  <span className="muted">
                    no valid malloc_tracer footer (last 16 bytes: 0x{res.footer.returnAddress}, {fmtInt(res.footer.requested)})
                  </span>
                )}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {!core && (
        <p className="muted small">
          {snapshot.saved ? 'Saved analyses keep no memory contents: open the core dump itself to see the bytes.' : "Drop the core dump this list came from to see the allocation's bytes."}
        </p>
      )}
      {err && <p className="msg error">{err}</p>}
      {core && !res && !err && <p className="muted">Reading memory…</p>}
      {res && !res.bytes && <p className="msg warning">The core does not hold these bytes (truncated core or a segment gdb did not dump).</p>}
      {/* The leak panel asks the core worker only once the first screen is there, so that it never delays it. */}
      {core && (res || err) && t.state[row] !== 1 && t.state[row] !== 5 && (
        <LeakPanel
          snapshot={core}
          address={hexOf(t.addrHi[row], t.addrLo[row])}
          onOpen={(addr) => {
            const r = rowAtAddress(t, addr);
            if (r >= 0) open({ snapshot: target.snapshot, row: r });
          }}
        />
      )}
      {res?.bytes && core && (
        <>
          <div className="muted small">
            pointer words: <span className="hb ptr">to allocations</span> <span className="hb sym">to code/data</span>
            {res.size > SHOWN ? ` · first ${fmtInt(SHOWN)} bytes shown` : ''}
          </div>
          <HexDump
            key={`${target.snapshot}:${row}`}
            r={res}
            snapshot={core}
            row={row}
            onFollow={(w) => w.target && open({ snapshot: target.snapshot, row: w.target.row })}
          />
        </>
      )}
    </aside>
  );
}
