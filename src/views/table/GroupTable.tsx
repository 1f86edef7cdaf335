/** Allocations grouped by signature/class or by size class: sortable, filterable, virtualized, exportable. */
import { useState } from 'react';
import { fmtPct } from '../../format/numbers.ts';
import { useView } from '../../state/view.ts';
import { VirtualTable, type Column } from '../../components/VirtualTable.tsx';
import { Seg } from '../../components/Seg.tsx';
import type { AnalysisSummary } from '../../../workers/logic/aggregate/summary.ts';
import type { GroupRow } from '../../../workers/logic/aggregate/groups.ts';

type Grouping = 'type' | 'sizeClass';

export function groupColumns(all: number): Column<GroupRow>[] {
  return [
    { id: 'key', label: 'Group', value: (r) => (r.order ? r.order : r.key), exportValue: (r) => r.key, render: (r) => r.key },
    { id: 'usedCount', label: 'In use', num: true, value: (r) => r.usedCount },
    { id: 'usedBytes', label: 'In-use bytes', num: true, value: (r) => r.usedBytes },
    { id: 'freeCount', label: 'Free', num: true, value: (r) => r.freeCount },
    { id: 'freeBytes', label: 'Free bytes', num: true, value: (r) => r.freeBytes },
    {
      id: 'share',
      label: '% of bytes',
      num: true,
      value: (r) => r.usedBytes + r.freeBytes,
      // Exported as the percentage the cell shows (one decimal), not the bytes it sorts by.
      exportValue: (r) => (all > 0 ? Number(((100 * (r.usedBytes + r.freeBytes)) / all).toFixed(1)) : 0),
      render: (r) => fmtPct(r.usedBytes + r.freeBytes, all),
    },
    { id: 'maxSize', label: 'Largest', num: true, value: (r) => r.maxSize },
  ];
}

export function GroupTable({ summary }: { summary: AnalysisSummary }) {
  const inverted = useView((s) => s.inverted);
  const selected = useView((s) => s.node);
  const select = useView((s) => s.select);
  const [grouping, setGrouping] = useState<Grouping>(inverted ? 'sizeClass' : 'type');
  // The tree's first level is what this grouping groups by: a row click selects that node everywhere.
  const linked = (grouping === 'type') !== inverted;
  const rows = grouping === 'type' ? summary.byType : summary.bySizeClass;
  const all = summary.totals.inUse.bytes + summary.totals.free.bytes;
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
      selectedKey={linked ? (selected[0] ?? null) : null}
      onSelect={linked ? (r) => select([r.key]) : undefined}
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
