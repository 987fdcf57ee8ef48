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

// Room around the circle for the axis labels: a label starts 22 units out
// from the rim and runs at most LINE characters (about 7.5 units each at
// 13px) before it wraps, so MARGIN holds the longest line on either side.
const LINE = 18;
const MARGIN = 160;

/** A title in lines of at most LINE characters, broken between words; never shortened. */
function wrapLabel(title: string, line = LINE): string[] {
  const lines: string[] = [];
  for (const word of title.split(/\s+/).filter(Boolean)) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 1 + word.length <= line) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

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
      <svg viewBox={`${-MARGIN} -20 ${SIZE + 2 * MARGIN} ${SIZE + 40}`} role="img" aria-label={label}>
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
                {lines(a.title, ly).map(([text, dy], j) => (
                  <tspan key={j} x={lx} dy={dy}>
                    {text}
                  </tspan>
                ))}
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

/**
 * The label's lines with their vertical offsets (em): centred on the anchor,
 * except above the circle (growing upwards) and below it (downwards), so
 * that no line runs into the chart.
 */
function lines(title: string, y: number): [string, string][] {
  const ls = wrapLabel(title);
  const first = y < C - R ? -(ls.length - 1) * 1.2 : y > C + R ? 0 : (-(ls.length - 1) * 1.2) / 2;
  return ls.map((t, j) => [t, `${j === 0 ? first : 1.2}em`]);
}
