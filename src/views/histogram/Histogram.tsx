/** Size histogram: log2 size buckets, used vs free side by side, by count or by bytes (d3 scales, SVG). */
import { scaleBand, scaleLinear, scaleSymlog } from 'd3';
import { useMemo, useRef, useState } from 'react';
import { useContainerWidth } from '../canvas.ts';
import { fmtInt } from '../../format/numbers.ts';
import { binaryLogTicks, binaryTicks, tickBytes } from '../../format/units.ts';
import { bytesText } from '../tree-common.tsx';
import { Seg } from '../../components/Seg.tsx';
import type { HistogramBucket } from '../../../workers/logic/aggregate/histogram.ts';

type Metric = 'count' | 'bytes';

const H = 400;
const M = { top: 16, right: 16, bottom: 56, left: 84 };

export function bucketLabel(b: HistogramBucket): string {
  return `${tickBytes(b.lo)} – ${tickBytes(b.hi)}`;
}

export function Histogram({ buckets }: { buckets: HistogramBucket[] }) {
  const [metric, setMetric] = useState<Metric>('bytes');
  const [logY, setLogY] = useState(false);
  const [hover, setHover] = useState<number | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const W = useContainerWidth(box, 480);
  const used = (b: HistogramBucket) => (metric === 'count' ? b.usedCount : b.usedBytes);
  const free = (b: HistogramBucket) => (metric === 'count' ? b.freeCount : b.freeBytes);
  const max = Math.max(1, ...buckets.map((b) => Math.max(used(b), free(b))));
  const x = useMemo(
    () => scaleBand<number>().domain(buckets.map((_, i) => i)).range([M.left, W - M.right]).paddingInner(0.2).paddingOuter(0.1),
    [buckets, W],
  );
  // Byte axes tick at round binary values (256 KiB, 512 KiB, 1 MiB; log: 1 B, 16 B, 256 B, 4 KiB, …); counts at decimal ones.
  const ticks =
    metric === 'bytes'
      ? logY
        ? binaryLogTicks(max)
        : binaryTicks(max, 6)
      : logY
        ? [0, 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10].filter((_, i, a) => i === 0 || a[i - 1] < max)
        : scaleLinear().domain([0, max]).nice(6).ticks(6);
  const top = Math.max(max, ticks[ticks.length - 1]);
  const y = (logY ? scaleSymlog() : scaleLinear()).domain([0, top]).range([H - M.bottom, M.top]);
  const bw = x.bandwidth() / 2;
  const hb = hover !== null ? buckets[hover] : null;
  return (
    <div className="histogram">
      <div className="toolbar">
        <Seg label="Metric" value={metric} onChange={setMetric} options={[{ value: 'bytes', label: 'Bytes' }, { value: 'count', label: 'Count' }]} />
        <label className="check">
          <input type="checkbox" checked={logY} onChange={(e) => setLogY(e.target.checked)} /> log scale
        </label>
        <span className="legend">
          <i className="sw used" /> in use <i className="sw free" /> free
        </span>
      </div>
      <div ref={box} className="chart-box">
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} className="chart" role="img" aria-label={`Size histogram by ${metric}`} data-testid="histogram">
        {ticks.map((t) => (
          <g key={t} transform={`translate(0,${y(t)})`}>
            <line x1={M.left} x2={W - M.right} className="gridline" />
            <text x={M.left - 8} dy="0.32em" textAnchor="end" className="tick">
              {metric === 'bytes' ? tickBytes(t) : fmtInt(t)}
            </text>
          </g>
        ))}
        {buckets.map((b, i) => {
          const x0 = x(i)!;
          const u = used(b);
          const f = free(b);
          return (
            <g key={i} onMouseEnter={() => setHover(i)} onMouseLeave={() => setHover(null)} data-testid="histogram-bucket">
              <rect x={x0 - 2} y={M.top} width={x.bandwidth() + 4} height={H - M.bottom - M.top} className={hover === i ? 'hoverband on' : 'hoverband'} />
              <rect x={x0} y={y(u)} width={bw} height={Math.max(0, y(0) - y(u))} className="bar used" />
              <rect x={x0 + bw} y={y(f)} width={bw} height={Math.max(0, y(0) - y(f))} className="bar free" />
              <text x={x0 + x.bandwidth() / 2} y={H - M.bottom + 14} textAnchor="end" className="tick" transform={`rotate(-35 ${x0 + x.bandwidth() / 2} ${H - M.bottom + 14})`}>
                {tickBytes(b.lo)}
              </text>
            </g>
          );
        })}
        <line x1={M.left} x2={W - M.right} y1={y(0)} y2={y(0)} className="axis" />
        <text x={(M.left + W - M.right) / 2} y={H - 4} textAnchor="middle" className="axis-label">
          allocation size (each bucket from its power of two up to the next)
        </text>
      </svg>
      </div>
      <div className="hist-detail" data-testid="histogram-detail">
        {hb ? (
          <>
            <strong>{bucketLabel(hb)}</strong>: in use {fmtInt(hb.usedCount)} allocations, {bytesText(hb.usedBytes)} · free {fmtInt(hb.freeCount)} allocations,{' '}
            {bytesText(hb.freeBytes)}
          </>
        ) : (
          <span className="muted">Hover a bucket for its exact figures.</span>
        )}
      </div>
    </div>
  );
}
