// How decisions moved from the previous cycle's: a stacked horizontal bar
// (up, down, unchanged) per level, per director and per group, in
// hand-written SVG sized by its viewBox. Groups of fewer than four EMs show
// that in words instead of a bar. A table with the same numbers follows for
// screen readers, which skip the drawing.
import type { Shifts } from '../api/rollupTypes';
import { barSegments, chartLayout, countsText, BAR_H, SHIFT_KINDS, shiftLabel, shiftRows } from '../lib/shifts';

export default function ShiftsChart({ shifts, caption }: { shifts: Shifts; caption: string }) {
  const rows = shiftRows(shifts);
  const layout = chartLayout(rows);
  const t = shifts.total;
  return (
    <figure className="chart shifts">
      <figcaption className="shifts-caption">
        <span>
          {caption}: {countsText(t)}.
        </span>
      </figcaption>
      <ul className="legend" aria-hidden="true">
        {SHIFT_KINDS.map((k) => (
          <li key={k}>
            <svg width="12" height="12">
              <rect width="12" height="12" rx="2" className={`shift-${k}`} />
            </svg>{' '}
            {shiftLabel(k)}
          </li>
        ))}
      </ul>
      {rows.length === 0 ? (
        <p className="muted">No decisions to compare yet.</p>
      ) : (
        <svg viewBox={`0 0 ${layout.width} ${layout.height}`} aria-hidden="true" className="shifts-svg">
          {layout.rows.map(({ row, y, headingY }) => (
            <g key={row.key}>
              {headingY !== null && (
                <text x={0} y={headingY} className="shift-heading">
                  {row.section}
                </text>
              )}
              <text x={layout.labelWidth - 8} y={y + BAR_H / 2} textAnchor="end" dominantBaseline="middle" className="tick">
                {row.label}
              </text>
              {row.counts ? (
                <>
                  {barSegments(row.counts, layout.barWidth).map((s) => (
                    <g key={s.kind}>
                      <rect x={layout.labelWidth + s.x} y={y} width={s.width} height={BAR_H} className={`shift-${s.kind}`} />
                      {s.width >= 16 && (
                        <text
                          x={layout.labelWidth + s.x + s.width / 2}
                          y={y + BAR_H / 2}
                          textAnchor="middle"
                          dominantBaseline="middle"
                          className={`shift-n shift-n-${s.kind}`}
                        >
                          {s.n}
                        </text>
                      )}
                    </g>
                  ))}
                  {row.counts.up + row.counts.down + row.counts.unchanged === 0 && (
                    <text x={layout.labelWidth} y={y + BAR_H / 2} dominantBaseline="middle" className="tick">
                      no EMs
                    </text>
                  )}
                </>
              ) : (
                <text x={layout.labelWidth} y={y + BAR_H / 2} dominantBaseline="middle" className="tick fewer">
                  fewer than 4 EMs: not shown
                </text>
              )}
            </g>
          ))}
        </svg>
      )}
      <table className="visually-hidden">
        <caption>{caption}, as a table</caption>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Up</th>
            <th scope="col">Down</th>
            <th scope="col">Unchanged</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">All EMs</th>
            <td>{t.up}</td>
            <td>{t.down}</td>
            <td>{t.unchanged}</td>
          </tr>
          {rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">
                {r.section}: {r.label}
              </th>
              {r.counts ? (
                <>
                  <td>{r.counts.up}</td>
                  <td>{r.counts.down}</td>
                  <td>{r.counts.unchanged}</td>
                </>
              ) : (
                <td colSpan={3}>fewer than 4 EMs: not shown</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
