/** Allocations grouped by signature/class or by size class: sortable, filterable, virtualized, exportable. */
import { useState } from 'react';
import { pctValue } from '../../components/table-columns.ts';
import { useView } from '../../state/view.ts';
import { useSnapshotTree } from '../../state/derived.ts';
import { useCurrentSnapshot } from '../../state/snapshots.ts';
import { currentFilters, usePython } from '../../state/python.ts';
import { useMemo } from 'react';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { Seg } from '../../components/Seg.tsx';
import type { AnalysisSummary } from '../../../workers/logic/aggregate/summary.ts';
import type { GroupRow } from '../../../workers/logic/aggregate/groups.ts';

type Grouping = 'type' | 'sizeClass';

export function groupColumns(all: number): Column<GroupRow>[] {
  return [
    { id: 'key', label: 'Group', value: (r) => (r.order ? r.order : r.key), text: (r) => r.key },
    { id: 'usedCount', label: 'In use', num: true, value: (r) => r.usedCount },
    { id: 'usedBytes', label: 'In-use bytes', num: true, value: (r) => r.usedBytes },
    { id: 'freeCount', label: 'Free', num: true, value: (r) => r.freeCount },
    { id: 'freeBytes', label: 'Free bytes', num: true, value: (r) => r.freeBytes },
    { id: 'share', label: '% of bytes', num: true, format: 'pct', value: (r) => r.usedBytes + r.freeBytes, text: (r) => pctValue(r.usedBytes + r.freeBytes, all), title: 'In-use and free bytes of the group, of all bytes' },
    { id: 'maxSize', label: 'Largest', num: true, value: (r) => r.maxSize },
  ];
}

const LEVEL: Record<Grouping, string> = { type: 'signature / class', sizeClass: 'size class' };

/**
 * How a row of `grouping` reaches the tree views: as the node at the tree's
 * first level (select it), as every node of a deeper level (a search names
 * them all), or not at all (the tree has no such level: say why).
 */
export function rowLink(levels: string[] | undefined, grouping: Grouping): { kind: 'select' } | { kind: 'search' } | { kind: 'none'; why: string } {
  if (!levels) return { kind: 'none', why: 'The tree is still being built.' };
  const i = levels.indexOf(LEVEL[grouping]);
  if (i === 1) return { kind: 'select' };
  if (i > 1) return { kind: 'search' };
  return {
    kind: 'none',
    why: `The flame graph of this analysis is ${levels.slice(1).join(' → ')}: it has no ${LEVEL[grouping]} level, so a row cannot select a node in it.`,
  };
}

export function GroupTable({ summary }: { summary: AnalysisSummary }) {
  const inverted = useView((s) => s.inverted);
  const selected = useView((s) => s.node);
  const select = useView((s) => s.select);
  const q = useView((s) => s.q);
  const setSearch = useView((s) => s.setSearch);
  // The tree the flame graph draws (the same cached one): which of its levels this grouping is.
  const current = useCurrentSnapshot();
  const { hideImports, patterns, domain } = usePython();
  const filters = useMemo(() => currentFilters({ hideImports, patterns, domain }), [hideImports, patterns, domain]);
  const levels = useSnapshotTree(current, inverted, filters).value?.levels;
  const [grouping, setGrouping] = useState<Grouping>(inverted ? 'sizeClass' : 'type');
  const link = rowLink(levels, grouping);
  const rows = grouping === 'type' ? summary.byType : summary.bySizeClass;
  const all = summary.totals.inUse.bytes + summary.totals.free.bytes;
  const note =
    link.kind === 'select'
      ? 'Click a row to select it in the flame graph and treemap.'
      : link.kind === 'search'
        ? `In the flame graph each ${LEVEL[grouping]} sits under every ${grouping === 'sizeClass' ? 'class' : 'size class'} it occurs in: a click highlights all of those nodes (as a search).`
        : link.why;
  return (
    <VirtualTable
      key={grouping}
      rows={rows}
      columns={groupColumns(all)}
      filterText={(r) => r.key}
      initialSort={{ id: 'usedBytes', desc: true }}
      exportName={grouping === 'type' ? 'groups-by-class' : 'groups-by-size-class'}
      testId="group"
      rowKey={(r) => r.key}
      selectedKey={link.kind === 'select' ? (selected[0] ?? null) : link.kind === 'search' ? q || null : null}
      onSelect={link.kind === 'select' ? (r) => select([r.key]) : link.kind === 'search' ? (r) => setSearch(r.key) : undefined}
      note={<span data-testid="group-link-note">{note}</span>}
      toolbar={
        <Seg
          label="Group by"
          value={grouping}
          onChange={setGrouping}
          options={[
            { value: 'type', label: 'By signature / class' },
            { value: 'sizeClass', label: 'By size class' },
          ]}
        />
      }
    />
  );
}
