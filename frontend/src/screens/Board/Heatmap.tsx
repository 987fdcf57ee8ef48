// The board as a real table: EMs × criteria, one view at a time (director,
// self, peer, or the gap between director and self). Every cell shows its
// value as text; the colour only repeats it.
//
// A board can hold hundreds of EMs, so a row renders again only when its
// own data, the view or its change notice does (sorting moves rows, it does
// not redraw them), and a long board renders only the rows near the
// viewport. A short board stays a plain table: every row in the DOM, found
// by the browser's search and read whole by screen readers. On a phone each
// row is laid out as a card, its cells labelled by their data-label.
import { memo, useMemo, useRef } from 'react';
import { Link } from 'react-router-dom';
import type { Board, BoardRow } from '../../api/types';
import type { ChangeNotice } from '../../lib/live';
import { FlagChips, ReadinessBadge } from '../../components/Chips';
import { PrereadCounts } from '../../components/Preread';
import { cellView, type HeatView } from '../../lib/heatmap';
import { viewComposite, type SortDir, type SortKey } from '../../lib/board';
import { Composite } from '../../components/Composite';
import { formatPercent } from '../../lib/format';
import { useRowWindow } from '../../lib/rowWindow';

/** Boards longer than this render only the rows near the viewport. */
export const WINDOW_ABOVE = 100;

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
  /** for an owner while the cycle is calibrating: opens their pre-read of the row (keep it stable: rows compare it) */
  onPreread?: (row: BoardRow) => void;
  /** co-owners' latest change of each EM while the board is open, by EM id */
  changes?: Record<string, ChangeNotice>;
}) {
  const titles = useMemo(() => Object.fromEntries(board.criteria.map((c) => [c.key, c.title])), [board.criteria]);
  const body = useRef<HTMLTableSectionElement>(null);
  const windowed = rows.length > WINDOW_ABOVE;
  const win = useRowWindow(body, rows.length, windowed);
  const columns = board.criteria.length + 6;
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
      {/* A windowed table tells assistive technology how many rows it has and where each rendered one stands. */}
      <table className="heatmap" aria-rowcount={windowed ? rows.length + 1 : undefined}>
        <caption>
          Calibration board
          <span className="caption-detail">
            {' '}
            — {board.cycle.name}: {VIEW_CAPTION[view]}. Bar {board.scale.bar} on a scale of {board.scale.min} to {board.scale.max}.
          </span>
        </caption>
        <thead>
          <tr aria-rowindex={windowed ? 1 : undefined}>
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
        <tbody ref={body}>
          {win.before > 0 && <Spacer height={win.before} columns={columns} />}
          {rows.slice(win.start, win.end).map((r, i) => (
            <HeatRow
              key={r.em.id}
              row={r}
              criteria={board.criteria}
              scale={board.scale}
              cycleId={board.cycle.id}
              titles={titles}
              view={view}
              change={changes?.[r.em.id]}
              onPreread={onPreread}
              rowIndex={windowed ? win.start + i + 2 : undefined}
            />
          ))}
          {win.after > 0 && <Spacer height={win.after} columns={columns} />}
        </tbody>
      </table>
    </div>
  );
}

/** Stands in for the rows a windowed board does not render; nothing to read. */
function Spacer({ height, columns }: { height: number; columns: number }) {
  return (
    <tr className="heat-spacer" aria-hidden="true">
      <td colSpan={columns} style={{ height }} />
    </tr>
  );
}

interface HeatRowProps {
  row: BoardRow;
  criteria: Board['criteria'];
  scale: Board['scale'];
  cycleId: string;
  titles: Record<string, string>;
  view: HeatView;
  change: ChangeNotice | undefined;
  onPreread?: (row: BoardRow) => void;
  /** the row's aria-rowindex in a windowed table (the header row is 1) */
  rowIndex?: number;
}

// Compared prop by prop: a sort hands every row the same props, so none renders again.
const HeatRow = memo(function HeatRow({ row: r, criteria, scale, cycleId, titles, view, change, onPreread, rowIndex }: HeatRowProps) {
  return (
    <tr data-row="" aria-rowindex={rowIndex}>
      <th scope="row">
        <Link to={`/ems/${r.em.id}?cycle=${cycleId}`}>{r.em.name}</Link>
        {r.meeting.discussed && (
          <div>
            <span className="chip discussed-chip">Discussed</span>
          </div>
        )}
        {change && <div className="muted small-text row-change">{change.short}</div>}
      </th>
      {criteria.map((c) => {
        const v = cellView(r.scores[c.key], view, scale);
        return (
          <td key={c.key} className="heat-cell" data-label={c.title} style={{ '--cell': v.colour } as React.CSSProperties}>
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
      <td className="num composite-cell" data-label={COMPOSITE_HEADER[view]}>
        <Composite {...viewComposite(r, criteria, view)} signed={view === 'gap'} />
      </td>
      <td className="num evidence-cell" data-label="Evidence">
        {formatPercent(r.evidence_coverage)}
      </td>
      <td className="readiness-cell" data-label="Readiness">
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
      <td className="flags-cell" data-label="Flags">
        <FlagChips flags={r.flags} titles={titles} compact />
      </td>
      <td className="preread-cell" data-label="Pre-reads">
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
  );
});

function readinessShort(r: string): string {
  return { ready_now: 'ready now', ready_6_12_months: '6–12 months', ready_12_24_months: '12–24 months', not_yet: 'not yet' }[r] ?? r;
}
