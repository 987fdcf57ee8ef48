// An EM's development plan: actions per criterion, with a date to revisit
// and a status the EM moves along. Items are added (or prefilled from the
// criteria below the bar in the latest released cycle), edited, completed
// and deleted. An action says what will be done in at least 10 characters;
// a revisit date is today or later.
import { useId, useRef, useState, type RefObject } from 'react';
import { ApiError } from '../../api/client';
import { useAddPlanItem, useCycles, useDeletePlanItem, useFrameworksById, useMyFeedback, usePatchPlanItem, usePlan } from '../../api/queries';
import { PLAN_STATUSES, type Framework, type PlanItem, type PlanStatus } from '../../api/types';
import { useMe } from '../../auth/session';
import { ConfirmDialog } from '../../components/Dialog';
import { Page } from '../../components/Page';
import { ErrorSummary, Field, summaryItems, useForm, type FormState } from '../../components/Form';
import { Empty, ErrorNote, QueryState } from '../../components/Status';
import { formatDate, planStatusLabel } from '../../lib/format';
import { MAX_ACTION, MIN_ACTION, PLAN_SERVER, planRules, suggestions, todayISO, type PlanDraft, type Suggestion } from '../../lib/emYear';

export default function Plan() {
  const me = useMe();
  const plan = usePlan(me.id);
  const cycles = useCycles();
  const feedback = useMyFeedback();
  const frameworks = useFrameworksById();
  // The criteria of the EM's latest cycle, else of the newest framework.
  const fid = cycles.data?.[0]?.framework_id;
  const framework = (fid && frameworks.byId.get(fid)) || frameworks.data?.at(-1);
  const [draft, setDraft] = useState<PlanDraft | null>(null);
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

/** The fields of a plan item, in the form pattern: required mark, counter, errors at the fields. */
function ItemFields({
  form,
  framework,
  actionRef,
}: {
  form: FormState<PlanDraft>;
  framework: Framework;
  actionRef?: RefObject<HTMLTextAreaElement | null>;
}) {
  const v = form.values;
  const desc = framework.criteria.find((c) => c.key === v.criterion)?.description;
  return (
    <>
      <ErrorSummary items={summaryItems(form, ORDER)} other={form.rest} focusKey={form.focusKey} />
      <div className="field-row">
        <Field form={form} name="criterion" label="Criterion" hint={desc}>
          {(p) => (
            <select {...p} value={v.criterion} onChange={(e) => form.set('criterion', e.target.value)}>
              {framework.criteria.map((c) => (
                <option key={c.key} value={c.key}>
                  {c.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field form={form} name="revisit" label="Revisit on (optional)" hint="Today or later.">
          {(p) => <input {...p} type="date" min={todayISO()} value={v.revisit} onChange={(e) => form.set('revisit', e.target.value)} />}
        </Field>
      </div>
      <Field
        form={form}
        name="action"
        label="Action"
        required
        max={MAX_ACTION}
        min={MIN_ACTION}
        hint={`What you will do, in at least ${MIN_ACTION} characters.`}
      >
        {(p) => <textarea {...p} ref={actionRef} rows={2} value={v.action} onChange={(e) => form.set('action', e.target.value)} />}
      </Field>
    </>
  );
}

const ORDER: (keyof PlanDraft)[] = ['criterion', 'revisit', 'action'];

/** Whether a failed save's error was shown at the fields (else it shows below them). */
const atFields = (err: unknown) => err instanceof ApiError && Object.keys(err.fields).length > 0;

function AddItem({
  emId,
  framework,
  initial,
  actionRef,
  onAdded,
}: {
  emId: string;
  framework: Framework;
  initial: PlanDraft | null;
  actionRef: RefObject<HTMLTextAreaElement | null>;
  onAdded: () => void;
}) {
  const id = useId();
  const add = useAddPlanItem(emId);
  const form = useForm<PlanDraft>(initial ?? { criterion: framework.criteria[0]?.key ?? '', action: '', revisit: '' }, ADD_RULES, PLAN_SERVER);
  const [done, setDone] = useState('');
  const submit = form.submit((d) => {
    setDone('');
    add.mutate(
      { criterion: d.criterion, action: d.action.trim(), revisit_on: d.revisit || null },
      {
        onSuccess: () => {
          form.reset({ ...d, action: '', revisit: '' });
          setDone('Added to your plan.');
          onAdded();
        },
        onError: (err) => form.fail(err),
      },
    );
  });
  return (
    <form
      className="card form"
      onSubmit={submit}
      onChange={() => {
        setDone('');
        if (add.error && !atFields(add.error)) add.reset();
      }}
      aria-labelledby={`${id}-h`}
      noValidate
    >
      <h2 id={`${id}-h`}>New plan item</h2>
      <ItemFields form={form} framework={framework} actionRef={actionRef} />
      {!atFields(add.error) && <ErrorNote error={add.error} />}
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

const ADD_RULES = planRules();

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
  // An unchanged date that has gone by stays as it is: it is not sent again.
  const [rules] = useState(() => planRules(item.revisit_on));
  const form = useForm<PlanDraft>({ criterion: item.criterion, action: item.action, revisit: item.revisit_on ?? '' }, rules, PLAN_SERVER);
  const submit = form.submit((d) => {
    // Only what changed is sent.
    const body: { criterion?: string; action?: string; revisit_on?: string | null } = {};
    if (d.criterion !== item.criterion) body.criterion = d.criterion;
    if (d.action.trim() !== item.action) body.action = d.action.trim();
    if ((d.revisit || null) !== item.revisit_on) body.revisit_on = d.revisit || null;
    if (Object.keys(body).length === 0) return onDone();
    patch.mutate({ id: item.id, body }, { onSuccess: onDone, onError: (err) => form.fail(err) });
  });
  return (
    <form
      className="form"
      onSubmit={submit}
      onChange={() => {
        if (patch.error && !atFields(patch.error)) patch.reset();
      }}
      aria-labelledby={`${id}-h`}
      noValidate
      onKeyDown={(e) => e.key === 'Escape' && onDone()}
    >
      <h2 id={`${id}-h`} className="plan-title">
        Edit plan item
      </h2>
      <ItemFields form={form} framework={framework} />
      {!atFields(patch.error) && <ErrorNote error={patch.error} />}
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
