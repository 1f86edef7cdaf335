/**
 * Object dumps (meliae): meliae's summary table, the dominator tree with
 * retained sizes (expand a node to see what it keeps alive), and one object's
 * referrers, referents, reachable size and dominator chain.
 */
import { useEffect, useState } from 'react';
import { fmtInt, fmtPct } from '../../format/numbers.ts';
import { aggregatorApi } from '../../pipeline/workers.ts';
import { useAnalysis, type InputEntry } from '../../state/analysis.ts';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { Seg } from '../../components/Seg.tsx';
import type { MeliaeSummary, MeliaeSummaryRow } from '../../../workers/logic/graph/meliae-summary.ts';
import type { ObjectDesc, ObjectDetails } from '../../../workers/logic/graph/views.ts';

const SUMMARY_COLS: Column<MeliaeSummaryRow>[] = [
  { id: 'index', label: 'Index', num: true, value: (r) => r.index, width: '70px' },
  { id: 'count', label: 'Count', num: true, value: (r) => r.count },
  { id: 'countPct', label: '%', num: true, value: (r) => r.countPct, width: '60px' },
  { id: 'size', label: 'Size', num: true, value: (r) => r.size },
  { id: 'sizePct', label: '%', num: true, value: (r) => r.sizePct, width: '60px' },
  { id: 'cumPct', label: 'Cum', num: true, value: (r) => r.cumPct, width: '60px' },
  { id: 'max', label: 'Max', num: true, value: (r) => r.max },
  { id: 'kind', label: 'Kind', value: (r) => r.kind },
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

interface TreeRow {
  d: ObjectDesc;
  depth: number;
  open: boolean;
  more?: number;
}

function DominatorTable({ input, total, selected, onPick }: { input: InputEntry; total: number; selected: number; onPick(row: number): void }) {
  const [rows, setRows] = useState<TreeRow[] | null>(null);
  const key = String(input.id);
  useEffect(() => {
    let live = true;
    void aggregatorApi()
      .dominatorLevel(key, input.table!, input.objects!, -1)
      .then((lvl) => {
        if (!live) return;
        const top: TreeRow[] = lvl.children.map((d) => ({ d, depth: 0, open: false }));
        if (lvl.more) top.push({ d: { ...lvl.node, type: `… ${fmtInt(lvl.more)} more` }, depth: 0, open: false, more: lvl.more });
        setRows(top);
      });
    return () => {
      live = false;
    };
  }, [input, key]);
  const toggle = async (i: number) => {
    if (!rows) return;
    const r = rows[i];
    if (r.more !== undefined || !r.d.children) return;
    if (r.open) {
      let j = i + 1;
      while (j < rows.length && rows[j].depth > r.depth) j++;
      setRows([...rows.slice(0, i), { ...r, open: false }, ...rows.slice(j)]);
      return;
    }
    const lvl = await aggregatorApi().dominatorLevel(key, input.table!, input.objects!, r.d.row);
    const kids: TreeRow[] = lvl.children.map((d) => ({ d, depth: r.depth + 1, open: false }));
    if (lvl.more) kids.push({ d: { ...lvl.node, type: `… ${fmtInt(lvl.more)} more` }, depth: r.depth + 1, open: false, more: lvl.more });
    setRows((cur) => (cur ? [...cur.slice(0, i), { ...r, open: true }, ...kids, ...cur.slice(i + 1)] : cur));
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
                  void toggle(i);
                }}
              >
                {r.more !== undefined ? ' ' : r.d.children ? (r.open ? '▾' : '▸') : '·'}
              </span>{' '}
              {r.more !== undefined ? r.d.type : label(r.d)}
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

function Details({ input, row, onPick }: { input: InputEntry; row: number; onPick(row: number): void }) {
  const [d, setD] = useState<ObjectDetails | null>(null);
  useEffect(() => {
    let live = true;
    void aggregatorApi()
      .objectDetails(String(input.id), input.table!, input.objects!, row)
      .then((x) => live && setD(x));
    return () => {
      live = false;
    };
  }, [input, row]);
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
        </tbody>
      </table>
      <div className="obj-lists">
        <ObjList title={`Referrers (${fmtInt(d.referrerCount)})`} items={d.referrers} onPick={onPick} />
        <ObjList title={`Referents (${fmtInt(d.referentCount)})`} items={d.referents} onPick={onPick} />
        <ObjList title="Kept alive by (dominators)" items={d.chain} onPick={onPick} empty="a GC root" />
      </div>
    </div>
  );
}

export function ObjectsView() {
  const inputs = useAnalysis((s) => s.inputs).filter((e) => e.status === 'done' && e.objects && e.table);
  const [inputId, setInputId] = useState<number | null>(null);
  const input = inputs.find((e) => e.id === inputId) ?? inputs[0];
  const [mode, setMode] = useState<'summary' | 'dominators'>('summary');
  const [summary, setSummary] = useState<MeliaeSummary | null>(null);
  const [selected, setSelected] = useState(-1);
  useEffect(() => {
    if (!input) return;
    let live = true;
    setSummary(null);
    setSelected(-1);
    void aggregatorApi()
      .objectSummary(input.table!, input.objects!)
      .then((s) => live && setSummary(s));
    return () => {
      live = false;
    };
  }, [input]);
  if (!input) return null;
  return (
    <div className="objects">
      <div className="toolbar">
        <Seg label="Object view" value={mode} onChange={setMode} options={[{ value: 'summary', label: 'Summary' }, { value: 'dominators', label: 'Dominators' }]} />
        {inputs.length > 1 && (
          <select aria-label="Dump" value={input.id} onChange={(e) => setInputId(Number(e.target.value))}>
            {inputs.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        )}
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
                onSelect={(r) => setSelected(r.maxRow)}
                height="calc(100vh - 330px)"
              />
            ) : (
              <div className="muted">Summarising…</div>
            )
          ) : (
            <DominatorTable input={input} total={summary?.totalSize ?? 0} selected={selected} onPick={setSelected} />
          )}
        </div>
        {selected >= 0 && <Details input={input} row={selected} onPick={setSelected} />}
      </div>
      {mode === 'summary' && <p className="muted small">Click a row to inspect its largest object.</p>}
    </div>
  );
}
