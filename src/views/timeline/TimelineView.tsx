/**
 * memory_profiler timelines (`mprof run` files): memory over time as `mprof plot`
 * draws it (the samples merged with every function's entry and exit point, from
 * the run's first time), the peak (`mprof peak`) marked, child processes as their
 * own dashed lines, and each @profile function call as a span in a lane per stack
 * depth, labelled as mprof labels it (name and duration). Several runs overlay on
 * one axis of seconds since each run's start.
 */
import { scaleLinear } from 'd3';
import { useMemo, useState } from 'react';
import type { MprofFunc, MprofProfile } from '../../model/mprof.ts';
import { useMprofRuns } from '../../state/inputs.ts';
import { pyFixed } from '../../format/numbers.ts';

const W = 1100;
const CHART_H = 320;
const LANE_H = 22;
const M = { top: 14, right: 20, bottom: 34, left: 70 };
const COLORS = ['#4cc9f0', '#f72585', '#b5e48c', '#ffb703', '#9d4edd', '#f4a261'];

interface Run {
  id: number;
  name: string;
  p: MprofProfile;
  color: string;
}

export function TimelineView() {
  const mprof = useMprofRuns();
  const runs: Run[] = useMemo(() => mprof.map((r, i) => ({ id: r.id, name: r.name, p: r.profile, color: COLORS[i % COLORS.length] })), [mprof]);
  const [hover, setHover] = useState<{ run: Run; f: MprofFunc } | null>(null);
  if (!runs.length) return <div className="muted">Drop an mprof run file (mprofile_*.dat) to see its timeline.</div>;
  const span = Math.max(1e-9, ...runs.map((r) => r.p.end - r.p.start));
  let maxMib = 0;
  for (const r of runs) {
    for (const m of r.p.curve.mib) maxMib = Math.max(maxMib, m);
    for (const c of r.p.children) for (const m of c.series.mib) maxMib = Math.max(maxMib, m);
  }
  const depths = Math.max(0, ...runs.flatMap((r) => r.p.funcs.map((f) => f.depth + 1)));
  const lanes = runs.some((r) => r.p.funcs.length) ? Math.max(1, depths) * runs.length : 0;
  const H = M.top + CHART_H + M.bottom + lanes * LANE_H + (lanes ? 12 : 0);
  const x = scaleLinear().domain([0, span]).range([M.left, W - M.right]).nice();
  const y = scaleLinear()
    .domain([0, maxMib * 1.05 || 1])
    .range([M.top + CHART_H, M.top])
    .nice();
  const path = (r: Run, time: number[], mib: number[]): string => time.map((t, i) => `${i ? 'L' : 'M'}${x(t - r.p.start).toFixed(1)},${y(mib[i]).toFixed(1)}`).join('');
  const laneTop = M.top + CHART_H + M.bottom;
  return (
    <div className="timeline">
      <div className="toolbar">
        {runs.map((r) => (
          <span key={r.id} className="legend" data-testid="timeline-run">
            <i className="sw" style={{ background: r.color }} /> {r.name}
            {r.p.cmdline ? <span className="muted mono"> {r.p.cmdline}</span> : null} · peak{' '}
            <b data-testid="timeline-peak">{pyFixed(r.p.peak.mib, 3)} MiB</b> · {r.p.mem.time.length} samples · {r.p.funcs.length} function spans
            {r.p.children.length ? ` · ${r.p.children.length} child process${r.p.children.length === 1 ? '' : 'es'} (dashed)` : ''}
          </span>
        ))}
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} className="chart" role="img" aria-label="Memory over time" data-testid="timeline">
        {y.ticks(6).map((t) => (
          <g key={`y${t}`} transform={`translate(0,${y(t)})`}>
            <line x1={M.left} x2={W - M.right} className="gridline" />
            <text x={M.left - 8} dy="0.32em" textAnchor="end" className="tick">
              {t} MiB
            </text>
          </g>
        ))}
        {x.ticks(10).map((t) => (
          <text key={`x${t}`} x={x(t)} y={M.top + CHART_H + 18} textAnchor="middle" className="tick">
            {t}s
          </text>
        ))}
        <text x={W - M.right} y={M.top + CHART_H + 30} textAnchor="end" className="tick">
          time since the run started (s)
        </text>
        {runs.map((r) => (
          <g key={r.id}>
            <path d={path(r, r.p.curve.time, r.p.curve.mib)} fill="none" stroke={r.color} strokeWidth={1.8} data-testid="timeline-curve" />
            {r.p.children.map((c) => (
              <path key={c.pid} d={path(r, c.series.time, c.series.mib)} fill="none" stroke={r.color} strokeWidth={1.2} strokeDasharray="4 3" data-testid="timeline-child">
                <title>{`child ${c.pid}: peak ${pyFixed(c.peak, 3)} MiB`}</title>
              </path>
            ))}
            {Number.isFinite(r.p.peak.mib) && (
              <g>
                <line x1={M.left} x2={W - M.right} y1={y(r.p.peak.mib)} y2={y(r.p.peak.mib)} stroke={r.color} strokeDasharray="2 4" opacity={0.7} />
                <circle cx={x(r.p.peak.time - r.p.start)} cy={y(r.p.peak.mib)} r={4} fill={r.color} />
              </g>
            )}
          </g>
        ))}
        {lanes > 0 &&
          runs.map((r, ri) =>
            r.p.funcs.map((f, fi) => {
              const lane = ri * Math.max(1, depths) + Math.max(0, f.depth);
              const x0 = x(f.start - r.p.start);
              const x1 = Math.max(x0 + 2, x(f.end - r.p.start));
              const top = laneTop + lane * LANE_H;
              return (
                <g key={`${r.id}-${fi}`} onMouseEnter={() => setHover({ run: r, f })} onMouseLeave={() => setHover(null)} data-testid="timeline-span">
                  <rect x={x0} y={top} width={x1 - x0} height={LANE_H - 4} fill={r.color} opacity={0.35} stroke={r.color} />
                  <text x={x0 + 4} y={top + LANE_H / 2 + 2} className="tick" clipPath={undefined}>
                    {`${label(f.name)} ${pyFixed(f.end - f.start, 3)}s`}
                  </text>
                  <line x1={x0} x2={x0} y1={y(f.memStart)} y2={M.top + CHART_H} stroke={r.color} opacity={0.25} />
                </g>
              );
            }),
          )}
      </svg>
      {hover && (
        <div className="details" data-testid="timeline-detail">
          <b>{hover.f.name}</b> ({hover.run.name}): {pyFixed(hover.f.memStart, 3)} MiB at {pyFixed(hover.f.start - hover.run.p.start, 3)}s →{' '}
          {pyFixed(hover.f.memEnd, 3)} MiB at {pyFixed(hover.f.end - hover.run.p.start, 3)}s ({pyFixed(hover.f.memEnd - hover.f.memStart, 3)} MiB,{' '}
          {pyFixed(hover.f.end - hover.f.start, 3)}s{hover.f.depth >= 0 ? `, depth ${hover.f.depth}` : ''})
        </div>
      )}
    </div>
  );
}

/** mprof's label: the function name without its module (`__main__.load` → `load`). */
function label(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}
