// The calibration board: the heatmap with its view, filters (the API's
// flag and readiness parameters) and sort (client-side), the readiness
// distribution, the rater statistics, and the CSV export. While the cycle
// is calibrating, its owners write their pre-reads from each row. Admins'
// changes to the cycle's people show above the heatmap. Co-owners' changes
// show as they happen (the cycle's events), with who made them.
import { useCallback, useId, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useCycleEvents } from '../../api/live';
import { useBoard, useCycle, useDownload } from '../../api/queries';
import { FLAG_CODES, READINESS, type BoardQuery, type BoardRow } from '../../api/types';
import { useMe } from '../../auth/session';
import { AdminNotices } from '../../components/AdminNotices';
import { Dialog } from '../../components/Dialog';
import { LiveChanges } from '../../components/LiveChanges';
import { Page } from '../../components/Page';
import { PrereadComments, PrereadCounts, PrereadForm } from '../../components/Preread';
import { Empty, ErrorNote, QueryState } from '../../components/Status';
import { DEFAULT_DIR, sortRows, viewComposite, type SortDir, type SortKey } from '../../lib/board';
import { saveBlob } from '../../lib/download';
import { flagLabel, readinessLabel, stateLabel } from '../../lib/format';
import type { HeatView } from '../../lib/heatmap';
import { Distribution, Raters } from './Distribution';
import { Heatmap, WINDOW_ABOVE } from './Heatmap';
import { NineBoxPanel } from './NineBoxPanel';
import { GuideTable } from '../../components/GuideTable';
import { useShifts } from '../../api/queries';
import ShiftsChart from '../../charts/Shifts';

const VIEWS: { v: HeatView; label: string }[] = [
  { v: 'director', label: 'Director' },
  { v: 'self', label: 'Self' },
  { v: 'peer', label: 'Peer' },
  { v: 'gap', label: 'Gap (director − self)' },
];

const SORT_KEYS: SortKey[] = ['name', 'composite', 'flags', 'readiness', 'coverage'];
const SORT_LABELS: Record<SortKey, string> = {
  name: 'Name',
  composite: 'Composite',
  flags: 'Flags',
  readiness: 'Readiness',
  coverage: 'Evidence coverage',
};

export default function BoardPage() {
  const id = useId();
  const { cycleId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const view = (VIEWS.find((x) => x.v === params.get('view'))?.v ?? 'director') as HeatView;
  const sort = (SORT_KEYS.find((k) => k === params.get('sort')) ?? 'composite') as SortKey;
  const dir = (params.get('dir') === 'asc' || params.get('dir') === 'desc' ? params.get('dir') : DEFAULT_DIR[sort]) as SortDir;
  const flag = params.get('flag') ?? '';
  const readiness = params.get('readiness') ?? '';
  const query: BoardQuery = {};
  if (flag) query.flag = flag;
  if (readiness) query.readiness = readiness as BoardQuery['readiness'];
  const board = useBoard(cycleId, query);
  const download = useDownload();
  const me = useMe();
  const cycle = useCycle(cycleId);
  const live = useCycleEvents(cycleId);
  const [prereadOf, setPrereadOf] = useState<string | null>(null);
  // On a phone the options fold behind a "Filters" button; elsewhere they always show.
  const [optionsOpen, setOptionsOpen] = useState(false);
  const owner = !!cycle.data?.owners.some((o) => o.id === me.id);
  const prereading = owner && board.data?.cycle.state === 'calibrating';
  // Stable, so that the board's memoised rows do not all render again with each change of the page.
  const openPreread = useCallback((r: BoardRow) => setPrereadOf(r.em.id), []);

  const set = (patch: Record<string, string | null>) =>
    setParams(
      (p) => {
        const n = new URLSearchParams(p);
        for (const [k, v] of Object.entries(patch)) if (v) n.set(k, v); else n.delete(k);
        return n;
      },
      { replace: true },
    );

  const onSort = (k: SortKey) => set({ sort: k, dir: k === sort ? (dir === 'asc' ? 'desc' : 'asc') : DEFAULT_DIR[k] });
  // The composite column sorts by the composite the view shows.
  const sorted = useMemo(() => {
    const b = board.data;
    return b ? sortRows(b.rows, sort, dir, (r) => viewComposite(r, b.criteria, view).value) : [];
  }, [board.data, sort, dir, view]);
  // A long board renders only the rows in sight, which the browser's own
  // search cannot find; finding an EM by name stands in for it.
  const findable = (board.data?.rows.length ?? 0) > WINDOW_ABOVE;
  const [find, setFind] = useState('');
  const needle = findable ? find.trim().toLocaleLowerCase() : '';
  const rows = useMemo(() => (needle ? sorted.filter((r) => r.em.name.toLocaleLowerCase().includes(needle)) : sorted), [sorted, needle]);
  const filtered = !!(flag || readiness || needle);

  function exportCsv() {
    const apiSort: BoardQuery['sort'] =
      sort === 'composite' ? (dir === 'desc' ? '-composite' : 'composite') : sort === 'coverage' ? 'name' : sort;
    download.mutate({ board: cycleId, query: { ...query, sort: apiSort } }, { onSuccess: (d) => saveBlob(d.blob, d.filename) });
  }

  return (
    <Page
      title={board.data ? `Board: ${board.data.cycle.name}` : 'Board'}
      wide
      lead={
        board.data && (
          <>
            {me.role === 'peer' ? board.data.cycle.name : <Link to={`/cycles/${cycleId}`}>{board.data.cycle.name}</Link>} ·{' '}
            {stateLabel(board.data.cycle.state)}
            {me.role === 'peer' && <> · you are a guest: read only</>}
          </>
        )
      }
      actions={
        <>
          {me.role !== 'peer' && (
            <Link className="button secondary" to={`/cycles/${cycleId}/meeting`}>
              Meeting mode
            </Link>
          )}
          <button type="button" className="secondary" onClick={exportCsv} disabled={download.isPending}>
            {download.isPending ? 'Exporting…' : 'Export CSV'}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={download.isPending}
            onClick={() => download.mutate({ boardPdf: cycleId }, { onSuccess: (d) => saveBlob(d.blob, d.filename) })}
          >
            Download PDF
          </button>
        </>
      }
    >
      <ErrorNote error={download.error} />
      <LiveChanges live={live} />
      <button
        type="button"
        className="secondary small options-button"
        aria-expanded={optionsOpen}
        aria-controls={`${id}-options`}
        onClick={() => setOptionsOpen((o) => !o)}
      >
        Filters{filtered || view !== 'director' ? ' (on)' : ''}
      </button>
      <div id={`${id}-options`} className={optionsOpen ? 'toolbar options-fold open' : 'toolbar options-fold'} role="group" aria-label="Board options">
        <fieldset className="segmented">
          <legend>Show</legend>
          {VIEWS.map((x) => (
            <label key={x.v}>
              <input type="radio" name={`${id}-view`} value={x.v} checked={view === x.v} onChange={() => set({ view: x.v })} />
              <span>{x.label}</span>
            </label>
          ))}
        </fieldset>
        {findable && (
          <div className="field compact-field">
            <label htmlFor={`${id}-find`}>Find an EM</label>
            <input id={`${id}-find`} type="search" value={find} onChange={(e) => setFind(e.target.value)} autoComplete="off" />
          </div>
        )}
        <div className="field compact-field">
          <label htmlFor={`${id}-sort`}>Sort by</label>
          <select id={`${id}-sort`} value={sort} onChange={(e) => set({ sort: e.target.value, dir: DEFAULT_DIR[e.target.value as SortKey] })}>
            {SORT_KEYS.map((k) => (
              <option key={k} value={k}>
                {SORT_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div className="field compact-field">
          <label htmlFor={`${id}-dir`}>Order</label>
          <select id={`${id}-dir`} value={dir} onChange={(e) => set({ dir: e.target.value })}>
            <option value="asc">Ascending</option>
            <option value="desc">Descending</option>
          </select>
        </div>
        <div className="field compact-field">
          <label htmlFor={`${id}-flag`}>Only with flag</label>
          <select id={`${id}-flag`} value={flag} onChange={(e) => set({ flag: e.target.value })}>
            <option value="">Any</option>
            {FLAG_CODES.map((c) => (
              <option key={c} value={c}>
                {flagLabel(c)}
              </option>
            ))}
          </select>
        </div>
        <div className="field compact-field">
          <label htmlFor={`${id}-ready`}>Only readiness</label>
          <select id={`${id}-ready`} value={readiness} onChange={(e) => set({ readiness: e.target.value })}>
            <option value="">Any</option>
            {READINESS.map((r) => (
              <option key={r} value={r}>
                {readinessLabel(r)}
              </option>
            ))}
            <option value="undecided">Undecided</option>
          </select>
        </div>
      </div>
      <QueryState query={board} what="Loading the board">
        {(b) => (
          <>
            <AdminNotices notices={b.notices} />
            <div className="board-with-box">
              <div className="board-main">
                {rows.length === 0 ? (
                  <Empty>{filtered ? 'No EM matches these filters.' : 'This cycle has no participants.'}</Empty>
                ) : (
                  <Heatmap
                    board={b}
                    rows={rows}
                    view={view}
                    sort={sort}
                    dir={dir}
                    onSort={onSort}
                    onPreread={prereading ? openPreread : undefined}
                    changes={live.byEm}
                  />
                )}
              </div>
              <NineBoxPanel board={b} cycle={cycle.data} />
            </div>
            <p className="muted small-text" role="status">
              {rows.length} {rows.length === 1 ? 'EM' : 'EMs'} shown{filtered ? ' (filtered)' : ''}, sorted by{' '}
              {SORT_LABELS[sort].toLowerCase()}, {dir === 'asc' ? 'ascending' : 'descending'}.
            </p>
            <div className="board-side">
              <section className="card" aria-label="Readiness distribution">
                <Distribution board={b} />
              </section>
              <section className="card" aria-label="Distribution guide">
                <GuideTable lines={b.guide} />
              </section>
              <section className="card" aria-label="Rater statistics">
                <Raters board={b} />
              </section>
              {/* Shifts compare decisions, which are recorded from calibration on. */}
              {b.cycle.state !== 'draft' && b.cycle.state !== 'input_open' && <ShiftsCard cycleId={cycleId} />}
            </div>
            <PrereadDialog row={b.rows.find((r) => r.em.id === prereadOf)} cycleId={cycleId} onClose={() => setPrereadOf(null)} />
          </>
        )}
      </QueryState>
    </Page>
  );
}

function ShiftsCard({ cycleId }: { cycleId: string }) {
  const shifts = useShifts({ cycleId });
  return (
    <section className="card" aria-label="Shifts">
      <QueryState query={shifts} what="Loading the shifts">
        {(s) => <ShiftsChart shifts={s} caption="Who moved: each EM's first decision against the final one" />}
      </QueryState>
    </section>
  );
}

function PrereadDialog({ row, cycleId, onClose }: { row: BoardRow | undefined; cycleId: string; onClose: () => void }) {
  return (
    <Dialog open={!!row} title={row ? `Pre-read: ${row.em.name}` : 'Pre-read'} onClose={onClose}>
      {row && (
        <div className="dialog-body">
          <p>
            Before the meeting: do you agree with the director’s assessment, question it, or abstain? A question puts {row.em.name} first
            on the agenda. So far: <PrereadCounts row={row} empty="none" />.
          </p>
          <PrereadForm key={row.em.id} cycleId={cycleId} row={row} />
          <h3>The owners’ pre-reads</h3>
          <PrereadComments row={row} />
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
