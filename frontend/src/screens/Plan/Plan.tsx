// An EM's development plan: actions per criterion, with a date to revisit
// and a status the EM moves along.
import { useId, useState, type FormEvent } from 'react';
import { useAddPlanItem, useCycles, useFrameworksById, usePatchPlanItem, usePlan } from '../../api/queries';
import { PLAN_STATUSES, type Framework, type PlanItem, type PlanStatus } from '../../api/types';
import { useMe } from '../../auth/session';
import { Page } from '../../components/Page';
import { Empty, ErrorNote, fieldError, FieldError, QueryState } from '../../components/Status';
import { formatDate, planStatusLabel } from '../../lib/format';

export default function Plan() {
  const me = useMe();
  const plan = usePlan(me.id);
  const cycles = useCycles();
  const frameworks = useFrameworksById();
  // The criteria of the EM's latest cycle, else of the newest framework.
  const fid = cycles.data?.[0]?.framework_id;
  const framework = (fid && frameworks.byId.get(fid)) || frameworks.data?.at(-1);
  return (
    <Page title="Development plan" lead="What you will work on before the next cycle, criterion by criterion.">
      {framework && <AddItem emId={me.id} framework={framework} />}
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

function AddItem({ emId, framework }: { emId: string; framework: Framework }) {
  const id = useId();
  const add = useAddPlanItem(emId);
  const [criterion, setCriterion] = useState(framework.criteria[0]?.key ?? '');
  const [action, setAction] = useState('');
  const [revisit, setRevisit] = useState('');
  function submit(e: FormEvent) {
    e.preventDefault();
    add.mutate(
      { criterion, action: action.trim(), revisit_on: revisit || null },
      {
        onSuccess: () => {
          setAction('');
          setRevisit('');
        },
      },
    );
  }
  const desc = framework.criteria.find((c) => c.key === criterion)?.description;
  return (
    <form className="card form" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>New plan item</h2>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-c`}>Criterion</label>
          <select id={`${id}-c`} value={criterion} onChange={(e) => setCriterion(e.target.value)} aria-describedby={`${id}-c-desc`}>
            {framework.criteria.map((c) => (
              <option key={c.key} value={c.key}>
                {c.title}
              </option>
            ))}
          </select>
          <p className="hint" id={`${id}-c-desc`}>
            {desc}
          </p>
          <FieldError id={`${id}-c-err`} message={fieldError(add.error, 'criterion')} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-d`}>Revisit on</label>
          <input id={`${id}-d`} type="date" value={revisit} onChange={(e) => setRevisit(e.target.value)} />
          <FieldError id={`${id}-d-err`} message={fieldError(add.error, 'revisit_on')} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-a`}>Action</label>
        <textarea id={`${id}-a`} rows={2} value={action} onChange={(e) => setAction(e.target.value)} required />
        <FieldError id={`${id}-a-err`} message={fieldError(add.error, 'action')} />
      </div>
      <ErrorNote error={add.error} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={add.isPending || !action.trim()}>
          Add to plan
        </button>
      </div>
    </form>
  );
}

function PlanRow({ item, emId, framework }: { item: PlanItem; emId: string; framework: Framework | undefined }) {
  const id = useId();
  const patch = usePatchPlanItem(emId);
  const title = framework?.criteria.find((c) => c.key === item.criterion)?.title ?? item.criterion;
  return (
    <li className="card plan-item">
      <h2 className="plan-title">{title}</h2>
      <p>{item.action}</p>
      <p className="muted">{item.revisit_on ? `Revisit on ${formatDate(item.revisit_on)}` : 'No revisit date'}</p>
      <div className="field compact-field">
        <label htmlFor={`${id}-s`}>Status of “{item.action.length > 40 ? `${item.action.slice(0, 40)}…` : item.action}”</label>
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
      <ErrorNote error={patch.error} />
    </li>
  );
}
