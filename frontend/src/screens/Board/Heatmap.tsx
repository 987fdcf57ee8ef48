// The board as a real table: EMs × criteria, one view at a time (director,
// self, peer, or the gap between director and self). Every cell shows its
// value as text; the colour only repeats it.
import { Link } from 'react-router-dom';
import type { Board, BoardRow } from '../../api/types';
import type { ChangeNotice } from '../../lib/live';
import { FlagChips, ReadinessBadge } from '../../components/Chips';
import { PrereadCounts } from '../../components/Preread';
import { cellView, type HeatView } from '../../lib/heatmap';
import { viewComposite, type SortDir, type SortKey } from '../../lib/board';
import { Composite } from '../../components/Composite';
import { formatPercent } from '../../lib/format';

// The composite column follows the view: the self view shows the self
// composite, the gap view the mean gap, and the peer view (notes carry no
// score) the director's composite. The header says which.
const COMPOSITE_HEADER: Record<HeatView, string> = {
  director: 'Composite (director)',
  self: 'Composite (self)',
  peer: 'Composite (director)',
  gap: 'Composite gap (director − self)',
};

const VIEW_CAPTION: Record<HeatView, string> = {
  director: "director's scores",
  self: 'self-assessment scores',
  peer: 'peer notes tagged with each criterion (S strong, + support, = neutral, ! concern)',
  gap: 'director minus self (positive: the director rates higher)',
};

export function Heatmap({
  board,
  rows,
  view,
  sort,
  dir,
  onSort,
  onPreread,
  changes,
}: {
  board: Board;
  rows: BoardRow[];
  view: HeatView;
  sort: SortKey;
  dir: SortDir;
  onSort: (key: SortKey) => void;
  /** for an owner while the cycle is calibrating: opens their pre-read of the row */
  onPreread?: (row: BoardRow) => void;
  /** co-owners' latest change of each EM while the board is open, by EM id */
  changes?: Record<string, ChangeNotice>;
}) {
  const titles = Object.fromEntries(board.criteria.map((c) => [c.key, c.title]));
  const ariaSort = (k: SortKey) => (sort === k ? (dir === 'asc' ? 'ascending' : 'descending') : undefined);
  const sortButton = (k: SortKey, label: string) => (
    <button type="button" className="sort-button" onClick={() => onSort(k)}>
      {label}
      <span aria-hidden="true" className="sort-mark">
        {sort === k ? (dir === 'asc' ? '▲' : '▼') : '↕'}
      </span>
    </button>
  );
  return (
    // Focusable so that keyboard users can scroll it sideways on a narrow screen.
    <div className="table-wrap heatmap-wrap" tabIndex={0} role="region" aria-label="Calibration board, scrollable">
      <table className="heatmap">
        <caption>
          Calibration board
          <span className="caption-detail">
            {' '}
            — {board.cycle.name}: {VIEW_CAPTION[view]}. Bar {board.scale.bar} on a scale of {board.scale.min} to {board.scale.max}.
          </span>
        </caption>
        <thead>
          <tr>
            <th scope="col" aria-sort={ariaSort('name')}>
              {sortButton('name', 'EM')}
            </th>
            {board.criteria.map((c) => (
              <th scope="col" key={c.key} className="crit-col">
                <abbr className="crit-label" title={c.description}>
                  {c.title}
                </abbr>
              </th>
            ))}
            <th scope="col" className="num" aria-sort={ariaSort('composite')}>
              {sortButton('composite', COMPOSITE_HEADER[view])}
            </th>
            <th scope="col" className="num" aria-sort={ariaSort('coverage')}>
              {sortButton('coverage', 'Evidence')}
            </th>
            <th scope="col" aria-sort={ariaSort('readiness')}>
              {sortButton('readiness', 'Readiness')}
            </th>
            <th scope="col" aria-sort={ariaSort('flags')}>
              {sortButton('flags', 'Flags')}
            </th>
            <th scope="col">Pre-reads</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.em.id}>
              <th scope="row">
                <Link to={`/ems/${r.em.id}?cycle=${board.cycle.id}`}>{r.em.name}</Link>
                {r.meeting.discussed && (
                  <div>
                    <span className="chip discussed-chip">Discussed</span>
                  </div>
                )}
                {changes?.[r.em.id] && <div className="muted small-text row-change">{changes[r.em.id]!.short}</div>}
              </th>
              {board.criteria.map((c) => {
                const v = cellView(r.scores[c.key], view, board.scale);
                return (
                  <td key={c.key} className="heat-cell" style={{ '--cell': v.colour } as React.CSSProperties}>
                    {view === 'peer' ? (
                      <>
                        <span aria-hidden="true">{v.text}</span>
                        <span className="visually-hidden">{v.label}</span>
                      </>
                    ) : (
                      <>
                        {v.text}
                        {v.below && <span className="visually-hidden"> (below the bar)</span>}
                      </>
                    )}
                  </td>
                );
              })}
              <td className="num">
                <Composite {...viewComposite(r, board.criteria, view)} signed={view === 'gap'} />
              </td>
              <td className="num">{formatPercent(r.evidence_coverage)}</td>
              <td>
                {r.readiness.decision ? (
                  <ReadinessBadge value={r.readiness.decision} />
                ) : (
                  <>
                    <ReadinessBadge value={r.readiness.suggested} empty="Undecided" />
                    {r.readiness.suggested && <span className="muted small-text"> suggested</span>}
                  </>
                )}
                {r.readiness.previous && <div className="muted small-text">before: {readinessShort(r.readiness.previous)}</div>}
              </td>
              <td>
                <FlagChips flags={r.flags} titles={titles} compact />
              </td>
              <td className="preread-cell">
                <PrereadCounts row={r} empty="–" />
                {onPreread && (
                  <div>
                    <button type="button" className="secondary small" onClick={() => onPreread(r)}>
                      Pre-read<span className="visually-hidden"> of {r.em.name}</span>
                    </button>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function readinessShort(r: string): string {
  return { ready_now: 'ready now', ready_6_12_months: '6–12 months', ready_12_24_months: '12–24 months', not_yet: 'not yet' }[r] ?? r;
}
