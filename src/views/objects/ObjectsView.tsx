/**
 * Object dumps (meliae): meliae's summary table, the dominator tree with
 * retained sizes (expand a node to see what it keeps alive), and one object's
 * referrers, referents, reachable size and dominator chain.
 */
import { useState } from 'react';
import { fmtInt, fmtPct } from '../../format/numbers.ts';
import { useDominatorTree, useObjectDetails, useObjectSummary } from '../../state/derived.ts';
import { useCurrentSnapshot, type SnapshotState } from '../../state/snapshots.ts';
import { GrowthPanel } from '../python/Growth.tsx';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { Seg } from '../../components/Seg.tsx';
import type { MeliaeSummaryRow } from '../../../workers/logic/graph/meliae-summary.ts';
import type { ObjectDesc } from '../../../workers/logic/graph/views.ts';

const SUMMARY_COLS: Column<MeliaeSummaryRow>[] = [
  { id: 'index', label: 'Index', num: true, value: (r) => r.index, width: '70px' },
  { id: 'count', label: 'Count', num: true, value: (r) => r.count },
  { id: 'countPct', label: '%', num: true, value: (r) => r.countPct, width: '60px' },
  { id: 'size', label: 'Size', num: true, value: (r) => r.size },
  { id: 'sizePct', label: '%', num: true, value: (r) => r.sizePct, width: '60px' },
  { id: 'cumPct', label: 'Cum', num: true, value: (r) => r.cumPct, width: '60px' },
  { id: 'max', label: 'Max', num: true, value: (r) => r.max },
  // Beside the object's details at 1280 the row is short of room: the type name gives way down to 20ch (cut with an
  // ellipsis, whole in its title) rather than push the table past the window.
  { id: 'kind', label: 'Kind', value: (r) => r.kind, width: 'minmax(20ch, 1fr)' },
];

function label(d: ObjectDesc): string {
  const extra = d.name ?? (d.value !== undefined ? JSON.stringify(d.value) : d.len !== undefined ? `len ${d.len}` : '');
  return extra ? `${d.type} ${extra}` : d.type;
}

function ObjLink({ d, onPick }: { d: ObjectDesc; onPick(row: number): void }) {
  return (
    <button className="link" onClick={() => onPick(d.row)} title={`0x${d.address}`}>
      {label(d)} <span className="muted">({fmtInt(d.size)} B)</span>
    </button>
  );
}

function ObjList({ title, items, onPick, empty }: { title: string; items: ObjectDesc[]; onPick(row: number): void; empty?: string }) {
  return (
    <div>
      <h3>{title}</h3>
      <ul>
        {items.length === 0 && empty && <li className="muted">{empty}</li>}
        {items.map((x, i) => (
          <li key={i}>
            <ObjLink d={x} onPick={onPick} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/** No object opened. */
const NONE: readonly number[] = [];

function DominatorTable({ input, total, selected, onPick }: { input: SnapshotState; total: number; selected: number; onPick(row: number): void }) {
  // The objects opened by the user, while they are of this snapshot.
  const [opened, setOpened] = useState<{ uid: number; rows: number[] }>({ uid: input.uid, rows: [] });
  const open: readonly number[] = opened.uid === input.uid ? opened.rows : NONE;
  const rows = useDominatorTree(input, open).value;
  const toggle = (i: number) => {
    if (!rows) return;
    const r = rows[i];
    if (r.more !== undefined || !r.d.children) return;
    if (r.open) {
      // Closed, it forgets what was opened below it: opened again, its level shows closed.
      const below = new Set<number>([r.d.row]);
      for (let j = i + 1; j < rows.length && rows[j].depth > r.depth; j++) below.add(rows[j].d.row);
      setOpened({ uid: input.uid, rows: open.filter((x) => !below.has(x)) });
    } else setOpened({ uid: input.uid, rows: [...open, r.d.row] });
  };
  if (!rows) return <div className="muted">Computing the dominator tree…</div>;
  return (
    <div className="vtable domtree" role="treegrid" aria-label="Dominator tree" data-testid="dominator-tree">
      <div className="vrow vhead dom-grid" role="row">
        <div className="vcell">Object</div>
        <div className="vcell num">Shallow size</div>
        <div className="vcell num">Retained size</div>
        <div className="vcell num">% of heap</div>
      </div>
      <div className="vbody">
        {rows.map((r, i) => (
          <div
            key={`${r.d.row}-${i}`}
            role="row"
            aria-level={r.depth + 1}
            aria-expanded={r.d.children ? r.open : undefined}
            className={`vrow dom-grid ${selected === r.d.row && r.more === undefined ? 'selected' : ''}`}
            data-testid="dominator-row"
            data-clickable
            onClick={() => r.more === undefined && onPick(r.d.row)}
          >
            <div className="vcell name" style={{ paddingLeft: 10 + r.depth * 16 }} title={`0x${r.d.address}`}>
              <span
                className="twisty"
                onClick={(e) => {
                  e.stopPropagation();
                  toggle(i);
                }}
              >
                {r.more !== undefined ? ' ' : r.d.children ? (r.open ? '▾' : '▸') : '·'}
              </span>{' '}
              {r.more !== undefined ? `… ${fmtInt(r.more)} more` : label(r.d)}
            </div>
            <div className="vcell num">{r.more === undefined ? fmtInt(r.d.size) : ''}</div>
            <div className="vcell num">{r.more === undefined ? fmtInt(r.d.retained ?? 0) : ''}</div>
            <div className="vcell num">{r.more === undefined ? fmtPct(r.d.retained ?? 0, total) : ''}</div>
          </div>
        ))}
      </div>
    </div>
  );
}

function Details({ input, row, onPick }: { input: SnapshotState; row: number; onPick(row: number): void }) {
  const d = useObjectDetails(input, row).value;
  if (!d) return <div className="details muted">Loading…</div>;
  return (
    <div className="details obj-details" data-testid="object-details">
      <div className="tt-name">
        {label(d.self)} <span className="muted mono">0x{d.self.address}</span>
      </div>
      <table className="grid compact">
        <tbody>
          <tr>
            <td>shallow size</td>
            <td className="num">{fmtInt(d.self.size)} bytes</td>
          </tr>
          <tr>
            <td>retained size</td>
            <td className="num" data-testid="obj-retained">
              {fmtInt(d.self.retained ?? 0)} bytes
            </td>
          </tr>
          <tr>
            <td>reachable from it</td>
            <td className="num" data-testid="obj-reachable">
              {fmtInt(d.reachable.size)} bytes in {fmtInt(d.reachable.count)} objects
            </td>
          </tr>
          <tr>
            <td>as meliae loads it</td>
            <td className="mono" data-testid="obj-meliae-repr">
              {d.meliae.repr}
            </td>
          </tr>
          <tr>
            <td>compute_total_size</td>
            <td className="num" data-testid="obj-total-size">
              {d.meliae.foldedInto ? 'not in meliae’s collection' : `${fmtInt(d.meliae.totalSize)} bytes`}
            </td>
          </tr>
        </tbody>
      </table>
      {d.meliae.foldedInto && (
        <div className="muted" data-testid="obj-folded">
          meliae folds this dict into {fmtInt(d.meliae.foldedInto.length)} instance{d.meliae.foldedInto.length === 1 ? '' : 's'} (its size is counted in each)
        </div>
      )}
      <div className="obj-lists">
        {d.meliae.foldedInto ? (
          <ObjList title={`Folded by meliae into (${fmtInt(d.meliae.foldedInto.length)})`} items={d.meliae.foldedInto} onPick={onPick} />
        ) : (
          <ObjList title={`.p — referrers after meliae’s collapse (${fmtInt(d.meliae.parentCount)})`} items={d.meliae.parents} onPick={onPick} />
        )}
        <ObjList title={`.c — referents after meliae’s collapse (${fmtInt(d.meliae.childCount)})`} items={d.meliae.children} onPick={onPick} />
        <ObjList title={`Referrers (${fmtInt(d.referrerCount)})`} items={d.referrers} onPick={onPick} />
        <ObjList title={`Referents (${fmtInt(d.referentCount)})`} items={d.referents} onPick={onPick} />
        <ObjList title="Kept alive by (dominators)" items={d.chain} onPick={onPick} empty="a GC root" />
      </div>
    </div>
  );
}

export function ObjectsView() {
  const current = useCurrentSnapshot();
  const input = current?.snap.objects ? current : null;
  const [mode, setMode] = useState<'summary' | 'dominators'>('summary');
  const summary = useObjectSummary(input).value;
  const [picked, setSelected] = useState<{ of: SnapshotState | null; row: number }>({ of: null, row: -1 });
  // A pick belongs to the dump it was made in: another snapshot starts with none.
  const selected = picked.of === input ? picked.row : -1;
  const select = (row: number) => setSelected({ of: input, row });
  if (!input) return null;
  return (
    <div className="objects">
      <div className="toolbar">
        <Seg label="Object view" value={mode} onChange={setMode} options={[{ value: 'summary', label: 'Summary' }, { value: 'dominators', label: 'Dominators' }]} />
        {summary && (
          <span className="muted small" data-testid="meliae-total">
            Total {fmtInt(summary.totalCount)} objects, {summary.types} types, Total size = {fmtInt(summary.totalSize)} bytes
            {summary.collapsed ? ` (${fmtInt(summary.collapsed)} instance dicts folded into their owners, as meliae does)` : ''}
          </span>
        )}
      </div>
      <div className="objects-main">
        <div className="objects-left">
          {mode === 'summary' ? (
            summary ? (
              <VirtualTable
                rows={summary.rows}
                columns={SUMMARY_COLS}
                filterText={(r) => r.kind}
                initialSort={{ id: '', desc: false }}
                exportName="meliae-summary"
                testId="meliae-summary"
                rowKey={(r) => r.kind}
                selectedKey={null}
                onSelect={(r) => select(r.maxRow)}
                height="calc(100vh - 330px)"
              />
            ) : (
              <div className="muted">Summarising…</div>
            )
          ) : (
            <DominatorTable input={input} total={summary?.totalSize ?? 0} selected={selected} onPick={select} />
          )}
        </div>
        {selected >= 0 && <Details input={input} row={selected} onPick={select} />}
      </div>
      {mode === 'summary' && <p className="muted small">Click a row to inspect its largest object.</p>}
      <GrowthPanel current={input} />
    </div>
  );
}
