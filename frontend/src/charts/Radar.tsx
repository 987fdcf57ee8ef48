// A radar of scores per criterion against the bar, in hand-written SVG.
// The numbers are also in the table beside it; the chart is a picture of them.
import type { Scale } from '../api/types';

export interface RadarSeries {
  name: string;
  values: Record<string, number | null | undefined>;
  tone: 'primary' | 'secondary';
}

const SIZE = 360;
const C = SIZE / 2;
const R = 120;

function point(i: number, n: number, r: number): [number, number] {
  const a = (Math.PI * 2 * i) / n - Math.PI / 2;
  return [C + r * Math.cos(a), C + r * Math.sin(a)];
}

export default function Radar({
  axes,
  series,
  scale,
  label,
}: {
  axes: { key: string; title: string }[];
  series: RadarSeries[];
  scale: Scale;
  label: string;
}) {
  const n = axes.length;
  if (n < 3) return <p className="muted">A radar needs at least three criteria.</p>;
  const radius = (v: number) => ((v - scale.min) / Math.max(1, scale.max - scale.min)) * R;
  const ring = (v: number) => axes.map((_, i) => point(i, n, radius(v)).join(',')).join(' ');
  const steps: number[] = [];
  for (let s = scale.min; s <= scale.max; s++) steps.push(s);
  return (
    <figure className="chart radar">
      <svg viewBox={`-110 -10 ${SIZE + 220} ${SIZE + 20}`} role="img" aria-label={label}>
        <title>{label}</title>
        {steps.map((s) => (
          <polygon key={s} points={ring(s)} className="grid-ring" />
        ))}
        <polygon points={ring(scale.bar)} className="bar-ring" />
        {axes.map((a, i) => {
          const [x, y] = point(i, n, R);
          const [lx, ly] = point(i, n, R + 22);
          return (
            <g key={a.key}>
              <line x1={C} y1={C} x2={x} y2={y} className="axis" />
              <text x={lx} y={ly} textAnchor={lx < C - 5 ? 'end' : lx > C + 5 ? 'start' : 'middle'} dominantBaseline="middle" className="axis-label">
                {a.title.length > 24 ? `${a.title.slice(0, 23)}…` : a.title}
              </text>
            </g>
          );
        })}
        {series.map((s) => {
          const pts = axes.map((a, i) => point(i, n, radius(s.values[a.key] ?? scale.min)));
          return (
            <g key={s.name} className={`series series-${s.tone}`}>
              <polygon points={pts.map((p) => p.join(',')).join(' ')} />
              {pts.map(([x, y], i) => (
                <circle key={i} cx={x} cy={y} r={3.5} />
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span className="key key-bar">Bar ({scale.bar})</span>
        {series.map((s) => (
          <span key={s.name} className={`key key-${s.tone}`}>
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
