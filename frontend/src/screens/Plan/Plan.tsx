// An EM's development plan: actions per criterion, with a date to revisit
// and a status the EM moves along. Items are added (or prefilled from the
// criteria below the bar in the latest released cycle), edited, completed
// and deleted. An action says what will be done in at least 10 characters;
// a revisit date is today or later.
import { useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import { useAddPlanItem, useCycles, useDeletePlanItem, useFrameworksById, useMyFeedback, usePatchPlanItem, usePlan } from '../../api/queries';
import { PLAN_STATUSES, type Framework, type PlanItem, type PlanStatus } from '../../api/types';
import { useMe } from '../../auth/session';
import { ConfirmDialog } from '../../components/Dialog';
import { Page } from '../../components/Page';
import { Empty, ErrorNote, fieldError, FieldError, QueryState } from '../../components/Status';
import { formatDate, planStatusLabel } from '../../lib/format';
import { MAX_ACTION, MIN_ACTION, planErrors, suggestions, todayISO, type Suggestion } from '../../lib/emYear';

interface Draft {
  criterion: string;
  action: string;
  revisit: string;
}

export default function Plan() {
  const me = useMe();
  const plan = usePlan(me.id);
  const cycles = useCycles();
  const feedback = useMyFeedback();
  const frameworks = useFrameworksById();
  // The criteria of the EM's latest cycle, else of the newest framework.
  const fid = cycles.data?.[0]?.framework_id;
  const framework = (fid && frameworks.byId.get(fid)) || frameworks.data?.at(-1);
  const [draft, setDraft] = useState<Draft | null>(null);
  const actionRef = useRef<HTMLTextAreaElement>(null);

  // Suggestions: the criteria below the bar in the latest released cycle,
  // except those the plan already works on.
  const latest = [...(feedback.data?.cycles ?? [])].sort((a, b) => (b.cycle.released_at ?? '').localeCompare(a.cycle.released_at ?? ''))[0];
  const latestFw = latest && frameworks.byId.get(cycles.data?.find((c) => c.id === latest.cycle.id)?.framework_id ?? '');
  const covered = new Set((plan.data ?? []).filter((p) => p.status === 'open' || p.status === 'in_progress').map((p) => p.criterion));
  const suggested = latest ? suggestions(latest.ratings, latestFw?.scale.bar ?? framework?.scale.bar ?? 3, covered) : [];

  function use(s: Suggestion) {
    setDraft({ criterion: s.criterion, action: s.action, revisit: '' });
    // The form re-renders with the text first; then the caret goes there.
    requestAnimationFrame(() => actionRef.current?.focus());
  }

  return (
    <Page title="Development plan" lead="What you will work on before the next cycle, criterion by criterion.">
      {framework && (
        <AddItem
          key={draft ? `${draft.criterion}|${draft.action}` : 'new'}
          emId={me.id}
          framework={framework}
          initial={draft}
          actionRef={actionRef}
          onAdded={() => setDraft(null)}
        />
      )}
      {latest && suggested.length > 0 && (
        <section className="card plan-suggestions" aria-labelledby="suggest-h">
          <h2 id="suggest-h">Suggested from {latest.cycle.name}</h2>
          <p className="muted">These criteria were below the bar in your latest released cycle. Pick one to start a plan item from it.</p>
          <ul className="suggestion-list">
            {suggested.map((s) => (
              <li key={s.criterion}>
                <span>
                  <strong>{s.title}</strong> <span className="muted">scored {s.score}, below the bar</span>
                </span>
                <button type="button" className="secondary" onClick={() => use(s)} aria-label={`Start a plan item for ${s.title}`}>
                  Use this
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <QueryState query={plan} what="Loading your plan">
        {(items) =>
          items.length === 0 ? (
            <Empty>Your plan is empty. Add the first action above.</Empty>
          ) : (
            <ul className="card-list">
              {items.map((p) => (
                <PlanRow key={p.id} item={p} emId={me.id} framework={framework} />
              ))}
            </ul>
          )
        }
      </QueryState>
    </Page>
  );
}

/** The fields of a plan item, with their errors in plain words beside them. */
function ItemFields({
  id,
  framework,
  value,
  onChange,
  errors,
  actionRef,
}: {
  id: string;
  framework: Framework;
  value: Draft;
  onChange: (d: Draft) => void;
  errors: Record<string, string | undefined>;
  actionRef?: RefObject<HTMLTextAreaElement | null>;
}) {
  const desc = framework.criteria.find((c) => c.key === value.criterion)?.description;
  const n = [...value.action.trim()].length;
  return (
    <>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-c`}>Criterion</label>
          <select id={`${id}-c`} value={value.criterion} onChange={(e) => onChange({ ...value, criterion: e.target.value })} aria-describedby={`${id}-c-desc`}>
            {framework.criteria.map((c) => (
              <option key={c.key} value={c.key}>
                {c.title}
              </option>
            ))}
          </select>
          <p className="hint" id={`${id}-c-desc`}>
            {desc}
          </p>
          <FieldError id={`${id}-c-err`} message={errors.criterion} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-d`}>Revisit on (optional)</label>
          <input
            id={`${id}-d`}
            type="date"
            min={todayISO()}
            value={value.revisit}
            onChange={(e) => onChange({ ...value, revisit: e.target.value })}
            aria-invalid={errors.revisit_on ? true : undefined}
            aria-describedby={errors.revisit_on ? `${id}-d-err` : undefined}
          />
          <FieldError id={`${id}-d-err`} message={errors.revisit_on} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-a`}>
          Action <span className="required-mark">(required)</span>
        </label>
        <textarea
          id={`${id}-a`}
          ref={actionRef}
          rows={2}
          maxLength={MAX_ACTION}
          value={value.action}
          onChange={(e) => onChange({ ...value, action: e.target.value })}
          aria-invalid={errors.action ? true : undefined}
          aria-describedby={errors.action ? `${id}-a-count ${id}-a-err` : `${id}-a-count`}
        />
        <p className="hint" id={`${id}-a-count`}>
          What you will do, in at least {MIN_ACTION} characters: {n} of {MAX_ACTION}.
        </p>
        <FieldError id={`${id}-a-err`} message={errors.action} />
      </div>
    </>
  );
}

/** Checks a draft: the first field at fault gets the focus. */
function useChecked(id: string) {
  const [tried, setTried] = useState(false);
  function errorsOf(d: Draft, unchangedRevisit?: string | null) {
    return tried ? planErrors(d.action, d.revisit, new Date(), unchangedRevisit) : {};
  }
  function check(d: Draft, unchangedRevisit?: string | null): boolean {
    setTried(true);
    const errs = planErrors(d.action, d.revisit, new Date(), unchangedRevisit);
    const first = errs.action ? `${id}-a` : errs.revisit_on ? `${id}-d` : null;
    if (first) document.getElementById(first)?.focus();
    return !first;
  }
  return { errorsOf, check, reset: () => setTried(false) };
}

function AddItem({
  emId,
  framework,
  initial,
  actionRef,
  onAdded,
}: {
  emId: string;
  framework: Framework;
  initial: Draft | null;
  actionRef: RefObject<HTMLTextAreaElement | null>;
  onAdded: () => void;
}) {
  const id = useId();
  const add = useAddPlanItem(emId);
  const [d, setD] = useState<Draft>(initial ?? { criterion: framework.criteria[0]?.key ?? '', action: '', revisit: '' });
  const checked = useChecked(id);
  const [done, setDone] = useState('');
  const local = checked.errorsOf(d);
  // A server error shows until the field changes; the local check wins.
  const errors = {
    criterion: fieldError(add.error, 'criterion'),
    action: local.action ?? fieldError(add.error, 'action'),
    revisit_on: local.revisit_on ?? fieldError(add.error, 'revisit_on'),
  };
  function change(next: Draft) {
    setD(next);
    setDone('');
    if (add.error) add.reset();
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!checked.check(d)) return;
    add.mutate(
      { criterion: d.criterion, action: d.action.trim(), revisit_on: d.revisit || null },
      {
        onSuccess: () => {
          setD({ ...d, action: '', revisit: '' });
          checked.reset();
          setDone('Added to your plan.');
          onAdded();
        },
      },
    );
  }
  const fieldsAtFault = !!(errors.criterion || errors.action || errors.revisit_on);
  return (
    <form className="card form" onSubmit={submit} aria-labelledby={`${id}-h`} noValidate>
      <h2 id={`${id}-h`}>New plan item</h2>
      <ItemFields id={id} framework={framework} value={d} onChange={change} errors={errors} actionRef={actionRef} />
      {!fieldsAtFault && <ErrorNote error={add.error} />}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={add.isPending}>
          Add to plan
        </button>
        <span role="status" className="muted">
          {done}
        </span>
      </div>
    </form>
  );
}

function PlanRow({ item, emId, framework }: { item: PlanItem; emId: string; framework: Framework | undefined }) {
  const id = useId();
  const patch = usePatchPlanItem(emId);
  const del = useDeletePlanItem(emId);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const title = framework?.criteria.find((c) => c.key === item.criterion)?.title ?? item.criterion;
  const short = item.action.length > 40 ? `${item.action.slice(0, 40)}…` : item.action;
  const editRef = useRef<HTMLButtonElement>(null);
  if (editing && framework) {
    return (
      <li className="card plan-item">
        <EditItem
          item={item}
          emId={emId}
          framework={framework}
          onDone={() => {
            setEditing(false);
            requestAnimationFrame(() => editRef.current?.focus());
          }}
        />
      </li>
    );
  }
  const finished = item.status === 'done' || item.status === 'dropped';
  return (
    <li className={`card plan-item${item.status === 'done' ? ' plan-done' : ''}`}>
      <h2 className="plan-title">{title}</h2>
      <p>{item.action}</p>
      <p className="muted">
        {item.revisit_on ? `Revisit on ${formatDate(item.revisit_on)}` : 'No revisit date'} · {planStatusLabel(item.status)}
      </p>
      <div className="plan-controls">
        <div className="field compact-field">
          <label htmlFor={`${id}-s`}>Status of “{short}”</label>
          <select
            id={`${id}-s`}
            value={item.status}
            disabled={patch.isPending}
            onChange={(e) => patch.mutate({ id: item.id, body: { status: e.target.value as PlanStatus } })}
          >
            {PLAN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {planStatusLabel(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="button-row">
          {!finished && (
            <button
              type="button"
              className="secondary"
              disabled={patch.isPending}
              onClick={() => patch.mutate({ id: item.id, body: { status: 'done' } })}
              aria-label={`Mark “${short}” done`}
            >
              Mark done
            </button>
          )}
          <button type="button" className="secondary" ref={editRef} onClick={() => setEditing(true)} disabled={!framework} aria-label={`Edit “${short}”`}>
            Edit
          </button>
          <button type="button" className="secondary danger-text" onClick={() => setConfirming(true)} aria-label={`Delete “${short}”`}>
            Delete
          </button>
        </div>
      </div>
      <ErrorNote error={patch.error} />
      <ConfirmDialog
        open={confirming}
        title="Delete this plan item?"
        confirmLabel="Delete item"
        danger
        busy={del.isPending}
        error={del.error}
        onCancel={() => {
          setConfirming(false);
          del.reset();
        }}
        onConfirm={() => del.mutate(item.id, { onSuccess: () => setConfirming(false) })}
      >
        <p>
          “{item.action}” ({title}) is removed from your plan. This cannot be undone; to keep a record, mark it done or dropped instead.
        </p>
      </ConfirmDialog>
    </li>
  );
}

function EditItem({ item, emId, framework, onDone }: { item: PlanItem; emId: string; framework: Framework; onDone: () => void }) {
  const id = useId();
  const patch = usePatchPlanItem(emId);
  const [d, setD] = useState<Draft>({ criterion: item.criterion, action: item.action, revisit: item.revisit_on ?? '' });
  const checked = useChecked(id);
  const local = checked.errorsOf(d, item.revisit_on);
  const errors = {
    criterion: fieldError(patch.error, 'criterion'),
    action: local.action ?? fieldError(patch.error, 'action'),
    revisit_on: local.revisit_on ?? fieldError(patch.error, 'revisit_on'),
  };
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!checked.check(d, item.revisit_on)) return;
    // Only what changed is sent: an unchanged past date stays as it is.
    const body: { criterion?: string; action?: string; revisit_on?: string | null } = {};
    if (d.criterion !== item.criterion) body.criterion = d.criterion;
    if (d.action.trim() !== item.action) body.action = d.action.trim();
    if ((d.revisit || null) !== item.revisit_on) body.revisit_on = d.revisit || null;
    if (Object.keys(body).length === 0) return onDone();
    patch.mutate({ id: item.id, body }, { onSuccess: onDone });
  }
  const fieldsAtFault = !!(errors.criterion || errors.action || errors.revisit_on);
  return (
    <form className="form" onSubmit={submit} aria-labelledby={`${id}-h`} noValidate onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      <h2 id={`${id}-h`} className="plan-title">
        Edit plan item
      </h2>
      <ItemFields
        id={id}
        framework={framework}
        value={d}
        onChange={(n) => {
          setD(n);
          if (patch.error) patch.reset();
        }}
        errors={errors}
      />
      {!fieldsAtFault && <ErrorNote error={patch.error} />}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={patch.isPending}>
          Save changes
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
