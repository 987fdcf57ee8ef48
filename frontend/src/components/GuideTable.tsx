// The readiness distribution against the distribution guide: for each
// readiness with a range, the range, how many EMs have it and their share,
// and whether that is within the guide, in words (colour only repeats it).
import type { GuideLine } from '../api/rollupTypes';
import { readinessLabel } from '../lib/format';
import { guideStatus, guideStatusText, rangeText } from '../lib/guide';

export function GuideTable({ lines, caption = 'Actual against the distribution guide' }: { lines: GuideLine[] | null | undefined; caption?: string }) {
  if (!lines || lines.length === 0) return <p className="muted">No distribution guide.</p>;
  return (
    <div className="table-wrap">
      <table className="compact guide-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Readiness</th>
            <th scope="col">Guide</th>
            <th scope="col" className="num">
              EMs
            </th>
            <th scope="col" className="num">
              Actual
            </th>
            <th scope="col">Against the guide</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.readiness}>
              <th scope="row">{readinessLabel(l.readiness)}</th>
              <td>{rangeText(l.min, l.max)}</td>
              <td className="num">{l.count}</td>
              <td className="num">{Math.round(l.percent)}%</td>
              <td>
                <span className={`guide-status guide-${guideStatus(l)}`}>{guideStatusText(l)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
