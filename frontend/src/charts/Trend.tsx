// The composite over cycles against the bar, with each cycle's decision,
// in hand-written SVG.
import type { Readiness } from '../api/types';
import { formatComposite, readinessLabel } from '../lib/format';

export interface TrendPoint {
  label: string;
  composite: number | null;
  decision: Readiness | null;
}

const W = 560;
const H = 240;
const PAD = { l: 40, r: 20, t: 22, b: 58 };
// Points sit this far inside the plot, clear of the axis labels.
const INSET = 48;

export default function Trend({
  points,
  min,
  max,
  bar,
  label,
}: {
  points: TrendPoint[];
  min: number;
  max: number;
  bar: number;
  label: string;
}) {
  if (points.length === 0) return <p className="muted">No finalized cycle yet.</p>;
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const x = (i: number) => PAD.l + (points.length === 1 ? iw / 2 : INSET + ((iw - 2 * INSET) * i) / (points.length - 1));
  const y = (v: number) => PAD.t + ih - ((v - min) / Math.max(1, max - min)) * ih;
  const ticks: number[] = [];
  for (let v = min; v <= max; v++) ticks.push(v);
  const line = points
    .map((p, i) => (p.composite === null ? null : `${x(i)},${y(p.composite)}`))
    .filter(Boolean)
    .join(' ');
  return (
    <figure className="chart trend">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <title>{label}</title>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} className="grid-line" />
            <text x={PAD.l - 8} y={y(v)} textAnchor="end" dominantBaseline="middle" className="tick">
              {v}
            </text>
          </g>
        ))}
        <line x1={PAD.l} x2={W - PAD.r} y1={y(bar)} y2={y(bar)} className="bar-line" />
        <text x={W - PAD.r} y={y(bar) - 6} textAnchor="end" className="tick">
          bar
        </text>
        <polyline points={line} className="trend-line" />
        {points.map((p, i) => (
          <g key={i}>
            {p.composite !== null && (
              <>
                <circle cx={x(i)} cy={y(p.composite)} r={4.5} className="trend-dot" />
                <text x={x(i)} y={y(p.composite) - 10} textAnchor="middle" className="value">
                  {formatComposite(p.composite)}
                </text>
              </>
            )}
            <text x={x(i)} y={H - PAD.b + 18} textAnchor="middle" className="tick">
              {p.label}
            </text>
            <text x={x(i)} y={H - PAD.b + 36} textAnchor="middle" className={`tick readiness-text-${p.decision ?? 'none'}`}>
              {readinessLabel(p.decision, 'undecided')}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
