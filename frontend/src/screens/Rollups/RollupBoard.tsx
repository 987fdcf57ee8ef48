// One roll-up: its EMs from every source cycle with the director's decision
// and the roll-up's (an arrow where it moved), sortable or grouped by
// director; the 9-box beside them; the distribution against the guide;
// the directors compared; the shifts; and its guests. The lead changes
// decisions while it is open (a reason where it differs from the
// director's) and finalizes it, with a reason when outside the guide.
import { useId, useMemo, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { useFinalizeRollup, useNineBox, useRollup, useRollupBoard, useSaveRollupDecision, useShifts } from '../../api/queries';
import { READINESS, type Readiness } from '../../api/types';
import type { GuideLine, Rollup, RollupBoard as Board, RollupRow } from '../../api/rollupTypes';
import { useMe } from '../../auth/session';
import ShiftsChart from '../../charts/Shifts';
import { ReadinessBadge } from '../../components/Chips';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { GuestsPanel } from '../../components/Guests';
import { GuideTable } from '../../components/GuideTable';
import { NineBoxGrid } from '../../components/NineBoxGrid';
import { OverrideDialog } from '../../components/OverrideDialog';
import { Page } from '../../components/Page';
import { Empty, ErrorNote, FieldError, QueryState } from '../../components/Status';
import { Counter, RequiredMark } from '../../components/Form';
import { length } from '../../lib/form';
import { formatComposite, formatDate, formatSignedComposite, readinessLabel, stateLabel } from '../../lib/format';
import { outsideOf, rangeText } from '../../lib/guide';
import { groupByDirector, reasonNeeded, rollupStateLabel, sortRollupRows, standing, type RollupSort } from '../../lib/rollup';
import { rollupErrorText } from '../../lib/rollupErrors';
import { Distribution } from '../Board/Distribution';

const SORTS: { v: RollupSort; label: string }[] = [
  { v: 'director', label: 'Director (grouped)' },
  { v: 'name', label: 'Name' },
  { v: 'composite', label: 'Composite' },
  { v: 'decision', label: 'Decision' },
];

/** The longest reason for a roll-up decision the API takes. */
const REASON_MAX = 500;

export default function RollupBoardPage() {
  const { rollupId = '' } = useParams();
  const rollup = useRollup(rollupId);
  const board = useRollupBoard(rollupId);
  return (
    <QueryState query={rollup} what="Loading the roll-up">
      {(r) => <RollupView rollup={r} board={board} />}
    </QueryState>
  );
}

function RollupView({ rollup, board }: { rollup: Rollup; board: ReturnType<typeof useRollupBoard> }) {
  const id = useId();
  const me = useMe();
  const isLead = rollup.lead.id === me.id;
  const open = rollup.state === 'open';
  const [sort, setSort] = useState<RollupSort>('director');
  // Whose decision is open, by id: the row itself is read from the latest board.
  const [editing, setEditing] = useState<{ emId: string; prefill: Readiness | null } | null>(null);

  return (
    <Page
      title={`Roll-up: ${rollup.name}`}
      wide
      lead={
        <>
          {rollupStateLabel(rollup.state)} · led by {rollup.lead.name}
          {rollup.finalized_at && <> · finalized {formatDate(rollup.finalized_at)}</>} · cycles:{' '}
          {rollup.sources.map((s, i) => (
            <span key={s.id}>
              {i > 0 && ', '}
              <Link to={`/cycles/${s.id}/board`}>{s.name}</Link> ({stateLabel(s.state)}, {s.lead.name})
            </span>
          ))}
        </>
      }
      actions={isLead && open && <FinalizeButton rollup={rollup} />}
    >
      {rollup.override_reason && (
        <p className="notice">
          <strong>Finalized outside the guide.</strong> Reason: {rollup.override_reason}
        </p>
      )}
      <QueryState query={board} what="Loading the roll-up board">
        {(b) => {
          const sorted = sortRollupRows(b.rows, sort);
          return (
            <>
              <div className="toolbar" role="group" aria-label="Roll-up board options">
                <div className="field compact-field">
                  <label htmlFor={`${id}-sort`}>Sort by</label>
                  <select id={`${id}-sort`} value={sort} onChange={(e) => setSort(e.target.value as RollupSort)}>
                    {SORTS.map((s) => (
                      <option key={s.v} value={s.v}>
                        {s.label}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <div className="board-with-box">
                <div className="board-main">
                  {b.rows.length === 0 ? (
                    <Empty>This roll-up has no EMs.</Empty>
                  ) : (
                    <RollupTable
                      board={b}
                      rows={sorted}
                      grouped={sort === 'director'}
                      canEdit={isLead && open}
                      onEdit={(row) => setEditing({ emId: row.em.id, prefill: null })}
                    />
                  )}
                </div>
                <RollupNineBox
                  rollupId={rollup.id}
                  board={b}
                  canMove={isLead && open}
                  onMove={(row, prefill) => setEditing({ emId: row.em.id, prefill })}
                />
              </div>
              <div className="board-side">
                <section className="card" aria-label="Readiness distribution">
                  <Distribution board={b} />
                </section>
                <section className="card" aria-label="Distribution guide">
                  <GuideTable lines={b.guide} />
                  {!b.guide && rollup.distribution_guide && (
                    <p className="muted">
                      Guide:{' '}
                      {READINESS.filter((r) => rollup.distribution_guide?.[r])
                        .map((r) => `${readinessLabel(r)} ${rangeText(rollup.distribution_guide![r]!.min, rollup.distribution_guide![r]!.max)}`)
                        .join('; ')}
                    </p>
                  )}
                </section>
              </div>
              <section className="card" aria-label="Directors compared">
                <DirectorsTable board={b} />
              </section>
              <RollupShifts rollupId={rollup.id} />
              <RollupDecisionDialog
                rollupId={rollup.id}
                row={editing ? b.rows.find((r) => r.em.id === editing.emId) : undefined}
                prefill={editing?.prefill ?? null}
                onClose={() => setEditing(null)}
                refetch={() => void board.refetch()}
              />
            </>
          );
        }}
      </QueryState>
      {(isLead || me.role === 'admin') && (
        <GuestsPanel host={{ rollupId: rollup.id }} hostName={rollup.name} canManage={isLead && me.role === 'director'} />
      )}
    </Page>
  );
}

function RollupTable({
  board,
  rows,
  grouped,
  canEdit,
  onEdit,
}: {
  board: Board;
  rows: RollupRow[];
  grouped: boolean;
  canEdit: boolean;
  onEdit: (row: RollupRow) => void;
}) {
  const columns = 6 + (canEdit ? 1 : 0);
  const line = (r: RollupRow) => (
    <tr key={r.em.id}>
      <th scope="row">
        <Link to={`/ems/${r.em.id}?cycle=${r.source_cycle.id}`}>{r.em.name}</Link>
      </th>
      <td>{r.director.name}</td>
      <td>{r.source_cycle.name}</td>
      <td className="num">{formatComposite(r.composite)}</td>
      <td>
        <ReadinessBadge value={r.director_decision} />
      </td>
      <td>
        {r.rollup_decision && r.rollup_decision !== r.director_decision ? (
          <span className={r.moved ? `moved-${r.moved}` : undefined}>
            <span aria-hidden="true">{r.moved === 'down' ? '↓ ' : r.moved === 'up' ? '↑ ' : '→ '}</span>
            <ReadinessBadge value={r.rollup_decision} />
            <span className="visually-hidden">{r.moved ? `, moved ${r.moved} from the director’s decision` : ', changed from the director’s decision'}</span>
          </span>
        ) : (
          <span className="muted">Unchanged</span>
        )}
      </td>
      {canEdit && (
        <td>
          <button type="button" className="secondary small" onClick={() => onEdit(r)}>
            Change<span className="visually-hidden"> the decision for {r.em.name}</span>
          </button>
        </td>
      )}
    </tr>
  );
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Roll-up board, scrollable">
      <table className="compact rollup-table">
        <caption>
          Roll-up board<span className="caption-detail"> — {board.rollup.name}: each EM’s director decision and the roll-up’s.</span>
        </caption>
        <thead>
          <tr>
            <th scope="col">EM</th>
            <th scope="col">Director</th>
            <th scope="col">Cycle</th>
            <th scope="col" className="num">
              Composite
            </th>
            <th scope="col">Director’s decision</th>
            <th scope="col">Roll-up decision</th>
            {canEdit && <th scope="col">Decision</th>}
          </tr>
        </thead>
        {grouped ? (
          groupByDirector(rows).map((g) => (
            <tbody key={g.director.id} className="director-group">
              <tr>
                <th scope="colgroup" colSpan={columns}>
                  {g.director.name} · {g.rows.length} {g.rows.length === 1 ? 'EM' : 'EMs'}
                </th>
              </tr>
              {g.rows.map(line)}
            </tbody>
          ))
        ) : (
          <tbody>{rows.map(line)}</tbody>
        )}
      </table>
    </div>
  );
}

function DirectorsTable({ board }: { board: Board }) {
  return (
    <div className="table-wrap">
      <table className="compact">
        <caption>Directors compared</caption>
        <thead>
          <tr>
            <th scope="col">Director</th>
            <th scope="col" className="num">
              EMs
            </th>
            <th scope="col" className="num">
              Mean composite
            </th>
            <th scope="col" className="num">
              From the roll-up mean
            </th>
            {READINESS.map((r) => (
              <th scope="col" className="num" key={r}>
                {readinessLabel(r)}
              </th>
            ))}
            <th scope="col" className="num">
              Undecided
            </th>
          </tr>
        </thead>
        <tbody>
          {board.directors.map((d) => (
            <tr key={d.director.id}>
              <th scope="row">{d.director.name}</th>
              <td className="num">{d.em_count}</td>
              <td className="num">{formatComposite(d.mean_composite)}</td>
              <td className="num">{formatSignedComposite(d.delta_from_mean)}</td>
              {READINESS.map((r) => (
                <td className="num" key={r}>
                  {d.distribution[r] ?? 0}
                </td>
              ))}
              <td className="num">{d.distribution.undecided ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RollupNineBox({
  rollupId,
  board,
  canMove,
  onMove,
}: {
  rollupId: string;
  board: Board;
  canMove: boolean;
  onMove: (row: RollupRow, prefill: Readiness) => void;
}) {
  const nineBox = useNineBox({ rollupId });
  const rows = useMemo(() => new Map(board.rows.map((r) => [r.em.id, r])), [board.rows]);
  const names = useMemo(() => new Map(board.rows.map((r) => [r.em.id, r.em.name])), [board.rows]);
  return (
    <section className="card nine-box-card" aria-label="9-box">
      <QueryState query={nineBox} what="Loading the 9-box">
        {(nb) => (
          <NineBoxGrid
            nineBox={nb}
            names={names}
            readinessOf={(id) => {
              const r = rows.get(id);
              return r ? standing(r) : null;
            }}
            canMove={(id) => canMove && rows.has(id)}
            onMove={(emId, readiness) => {
              const r = rows.get(emId);
              if (r) onMove(r, readiness);
            }}
          />
        )}
      </QueryState>
    </section>
  );
}

function RollupShifts({ rollupId }: { rollupId: string }) {
  const shifts = useShifts({ rollupId });
  return (
    <section className="card" aria-label="Shifts">
      <QueryState query={shifts} what="Loading the shifts">
        {(s) => <ShiftsChart shifts={s} caption="Who moved: each EM's first decision against the final one, in the director sessions and the roll-up" />}
      </QueryState>
    </section>
  );
}

/** The roll-up's decision for one EM; the reason is needed where it differs from the director's. */
function RollupDecisionDialog({
  rollupId,
  row,
  prefill,
  onClose,
  refetch,
}: {
  rollupId: string;
  row: RollupRow | undefined;
  prefill: Readiness | null;
  onClose: () => void;
  refetch: () => void;
}) {
  return (
    <Dialog open={!!row} title={row ? `Roll-up decision: ${row.em.name}` : 'Roll-up decision'} onClose={onClose}>
      {row && (
        <DecisionEditor key={`${row.em.id}-${prefill ?? ''}`} rollupId={rollupId} row={row} prefill={prefill} onClose={onClose} refetch={refetch} />
      )}
    </Dialog>
  );
}

function DecisionEditor({
  rollupId,
  row,
  prefill,
  onClose,
  refetch,
}: {
  rollupId: string;
  row: RollupRow;
  prefill: Readiness | null;
  onClose: () => void;
  refetch: () => void;
}) {
  const id = useId();
  const save = useSaveRollupDecision(rollupId);
  const [readiness, setReadiness] = useState<Readiness | null>(prefill ?? standing(row));
  const [reason, setReason] = useState(row.rollup_reason ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const needReason = !!readiness && reasonNeeded(readiness, row.director_decision);
  const err = save.error;
  const words = rollupErrorText(err);
  const reasonErr = problem ?? (err instanceof ApiError && (err.code === 'reason_required' || err.fields.reason) ? (err.fields.reason ? `The reason ${err.fields.reason}` : words) : null);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (save.isPending || !readiness) return;
    const r = reason.trim();
    if (needReason && !r) {
      setProblem('Give a reason: the roll-up’s readiness differs from the director’s decision.');
      document.getElementById(`${id}-why`)?.focus();
      return;
    }
    if ([...r].length > REASON_MAX) {
      setProblem(`The reason is too long: at most ${REASON_MAX} characters.`);
      return;
    }
    setProblem(null);
    save.mutate(
      // The version of the latest board read: after a stale_version the board is read again, and a second save sends the new one.
      { emId: row.em.id, body: { readiness, version: row.rollup_version ?? 0, ...(r ? { reason: r } : {}) } },
      {
        onSuccess: () => onClose(),
        onError: (er) => {
          if (er instanceof ApiError && er.code === 'stale_version') refetch();
        },
      },
    );
  }

  return (
    <form onSubmit={submit} className="decision" noValidate>
      <div className="dialog-body">
        <p>
          {row.director.name} decided <strong>{readinessLabel(row.director_decision)}</strong> in {row.source_cycle.name}.
          {prefill && <> The readiness below is filled in from your move; nothing changes until you save.</>}
        </p>
        <fieldset>
          <legend>Roll-up readiness</legend>
          <div className="readiness-options">
            {READINESS.map((r) => (
              <label key={r} className="radio-card">
                <input type="radio" name={`${id}-r`} value={r} checked={readiness === r} onChange={() => setReadiness(r)} />
                {readinessLabel(r)}
                {r === row.director_decision && <span className="muted small-text"> (the director’s)</span>}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <div className="label-line">
            <label htmlFor={`${id}-why`}>Reason{needReason ? '' : ' (optional)'}</label>
            {needReason && <RequiredMark />}
          </div>
          <textarea
            id={`${id}-why`}
            rows={3}
            maxLength={REASON_MAX}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-required={needReason || undefined}
            aria-invalid={reasonErr ? true : undefined}
            aria-describedby={`${id}-why-hint ${id}-why-count${reasonErr ? ` ${id}-why-err` : ''}`}
          />
          <Counter id={`${id}-why-count`} n={length(reason)} max={REASON_MAX} />
          <p className="hint" id={`${id}-why-hint`}>
            Required when the roll-up’s readiness differs from the director’s decision. Owners and
            the roll-up read it; it is never released to the EM.
          </p>
          <FieldError id={`${id}-why-err`} message={reasonErr ?? undefined} />
        </div>
      </div>
      {!reasonErr &&
        (words ? (
          <div className="error-note" role="alert">
            {words}
          </div>
        ) : (
          <ErrorNote error={err} />
        ))}
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" aria-disabled={save.isPending || undefined}>
          {save.isPending ? 'Saving…' : 'Save decision'}
        </button>
      </div>
    </form>
  );
}

function FinalizeButton({ rollup }: { rollup: Rollup }) {
  const finalize = useFinalizeRollup(rollup.id);
  const [confirming, setConfirming] = useState(false);
  const [outside, setOutside] = useState<GuideLine[] | null>(null);
  return (
    <>
      <button type="button" className="primary" onClick={() => setConfirming(true)}>
        Finalize roll-up
      </button>
      <ConfirmDialog
        open={confirming}
        title={`Finalize roll-up: ${rollup.name}?`}
        confirmLabel="Finalize roll-up"
        busy={finalize.isPending}
        error={finalize.error}
        onCancel={() => {
          setConfirming(false);
          finalize.reset();
        }}
        onConfirm={() =>
          finalize.mutate(undefined, {
            onSuccess: () => setConfirming(false),
            onError: (err) => {
              const lines = outsideOf(err);
              if (lines) {
                setConfirming(false);
                finalize.reset();
                setOutside(lines);
              }
            },
          })
        }
      >
        <p>
          The roll-up’s decisions become final: they replace the directors’ decisions of its cycles, and no decision can change any
          more. Each cycle’s lead then releases their cycle to its EMs.
        </p>
      </ConfirmDialog>
      <OverrideDialog
        open={!!outside}
        what="the roll-up"
        outside={outside ?? []}
        busy={finalize.isPending}
        error={finalize.error}
        onCancel={() => {
          setOutside(null);
          finalize.reset();
        }}
        onConfirm={(reason) => finalize.mutate(reason, { onSuccess: () => setOutside(null) })}
      />
    </>
  );
}
