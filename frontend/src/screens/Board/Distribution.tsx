// The readiness distribution as one stacked bar (SVG) with its numbers in
// text, and the raters' statistics.
import type { Board, Readiness } from '../../api/types';
import { READINESS } from '../../api/types';
import { readinessLabel } from '../../lib/format';

const FILL: Record<Readiness | 'undecided', string> = {
  ready_now: '#2e7d4f',
  ready_6_12_months: '#6fbf8e',
  ready_12_24_months: '#f0c674',
  not_yet: '#e08e79',
  undecided: '#c5cad1',
};

export function Distribution({ board }: { board: Pick<Board, 'distribution'> }) {
  const keys = [...READINESS, 'undecided'] as const;
  const total = keys.reduce((n, k) => n + (board.distribution[k] ?? 0), 0);
  let x = 0;
  return (
    <figure className="distribution">
      <figcaption>Readiness decisions ({total} EMs)</figcaption>
      <svg viewBox="0 0 100 8" preserveAspectRatio="none" className="dist-bar" aria-hidden="true">
        {keys.map((k) => {
          const n = board.distribution[k] ?? 0;
          if (!total || !n) return null;
          const w = (n / total) * 100;
          const rect = <rect key={k} x={x} y={0} width={w} height={8} fill={FILL[k]} />;
          x += w;
          return rect;
        })}
        {!total && <rect x={0} y={0} width={100} height={8} fill="#eef0f3" />}
      </svg>
      <ul className="legend">
        {keys.map((k) => (
          <li key={k}>
            <svg width="12" height="12" aria-hidden="true">
              <rect width="12" height="12" rx="2" fill={FILL[k]} />
            </svg>{' '}
            {k === 'undecided' ? 'Undecided' : readinessLabel(k)}: <strong>{board.distribution[k] ?? 0}</strong>
          </li>
        ))}
      </ul>
    </figure>
  );
}

export function Raters({ board }: { board: Board }) {
  const f = (n: number | null) => (n === null ? '–' : n.toFixed(2));
  return (
    <div className="table-wrap">
      <table className="compact">
        <caption>Rater statistics</caption>
        <thead>
          <tr>
            <th scope="col">Director</th>
            <th scope="col" className="num">
              Mean
            </th>
            <th scope="col" className="num">
              Spread (σ)
            </th>
            <th scope="col" className="num">
              Scores
            </th>
          </tr>
        </thead>
        <tbody>
          {board.raters.map((r) => (
            <tr key={r.director.id}>
              <th scope="row">{r.director.name}</th>
              <td className="num">{f(r.mean)}</td>
              <td className="num">{f(r.stdev)}</td>
              <td className="num">{r.count}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Organisation, last 12 months</th>
            <td className="num">{f(board.org_mean)}</td>
            <td />
            <td />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
