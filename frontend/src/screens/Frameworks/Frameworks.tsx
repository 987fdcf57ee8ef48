// Admin: the organisation's frameworks. A framework is never edited in
// place: a change is a new version based on the one it changes.
import { useId, useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { useCreateFramework, useFrameworks } from '../../api/queries';
import type { CriterionInput, Framework } from '../../api/types';
import { Page } from '../../components/Page';
import { Empty, ErrorNote, fieldError, FieldError, QueryState } from '../../components/Status';
import { formatDate } from '../../lib/format';

export default function Frameworks() {
  const frameworks = useFrameworks();
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<Framework | 'new' | null>(null);
  return (
    <Page
      title="Frameworks"
      lead="The rubrics cycles rate against. A framework in use never changes: make a new version instead."
      actions={
        !editing && (
          <button type="button" className="secondary" onClick={() => setEditing('new')}>
            New framework
          </button>
        )
      }
    >
      {editing ? (
        <FrameworkEditor base={editing === 'new' ? null : editing} onDone={(f) => {
          setEditing(null);
          if (f) setSelected(f.id);
        }} />
      ) : (
        <QueryState query={frameworks} what="Loading frameworks">
          {(list) => {
            if (list.length === 0) return <Empty>No frameworks yet.</Empty>;
            const current = list.find((f) => f.id === selected) ?? list.at(-1)!;
            return (
              <div className="split">
                <div className="table-wrap">
                  <table className="compact">
                    <caption className="visually-hidden">Frameworks and their versions</caption>
                    <thead>
                      <tr>
                        <th scope="col">Framework</th>
                        <th scope="col" className="num">
                          Version
                        </th>
                        <th scope="col">In use</th>
                        <th scope="col">Created</th>
                      </tr>
                    </thead>
                    <tbody>
                      {/* The newest version first, as every list. */}
                      {[...list].reverse().map((f) => (
                        <tr key={f.id} className={f.id === current.id ? 'selected' : undefined}>
                          <th scope="row">
                            <button type="button" className="link-button" onClick={() => setSelected(f.id)} aria-pressed={f.id === current.id}>
                              {f.name}
                            </button>
                          </th>
                          <td className="num">{f.version}</td>
                          <td>{f.in_use ? 'Yes' : 'No'}</td>
                          <td>{formatDate(f.created_at)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <FrameworkView framework={current} onNewVersion={() => setEditing(current)} />
              </div>
            );
          }}
        </QueryState>
      )}
    </Page>
  );
}

function FrameworkView({ framework: f, onNewVersion }: { framework: Framework; onNewVersion: () => void }) {
  return (
    <section className="card" aria-labelledby="fw-h">
      <div className="card-head">
        <h2 id="fw-h">
          {f.name}, version {f.version}
        </h2>
        <span className="spacer" />
        <button type="button" className="primary" onClick={onNewVersion}>
          New version
        </button>
      </div>
      <p>
        Scale {f.scale.min} to {f.scale.max}, bar {f.scale.bar}.{f.in_use && ' In use by a cycle.'}
      </p>
      <ol className="scale-list" start={f.scale.min}>
        {f.scale.labels.map((l, i) => (
          <li key={i} value={f.scale.min + i}>
            {l}
            {f.scale.min + i === f.scale.bar && <strong> (the bar)</strong>}
          </li>
        ))}
      </ol>
      <table className="compact">
        <caption>Criteria</caption>
        <thead>
          <tr>
            <th scope="col">Criterion</th>
            <th scope="col">What it looks for</th>
            <th scope="col" className="num">
              Weight
            </th>
          </tr>
        </thead>
        <tbody>
          {f.criteria.map((c) => (
            <tr key={c.key}>
              <th scope="row">
                {c.title}
                <div className="muted small-text">
                  <code>{c.key}</code>
                </div>
              </th>
              <td>{c.description}</td>
              <td className="num">{c.weight}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface Row extends Required<Pick<CriterionInput, 'key' | 'title'>> {
  description: string;
  weight: number;
}

function FrameworkEditor({ base, onDone }: { base: Framework | null; onDone: (f: Framework | null) => void }) {
  const id = useId();
  const create = useCreateFramework();
  const [name, setName] = useState(base?.name ?? '');
  const [min, setMin] = useState(base?.scale.min ?? 1);
  const [bar, setBar] = useState(base?.scale.bar ?? 3);
  const [labels, setLabels] = useState<string[]>(base?.scale.labels ?? ['Not yet evident', 'Emerging', 'At the bar', 'Beyond the bar']);
  const [rows, setRows] = useState<Row[]>(
    base?.criteria.map((c) => ({ key: c.key, title: c.title, description: c.description, weight: c.weight })) ?? [
      { key: '', title: '', description: '', weight: 1 },
    ],
  );
  const max = min + labels.length - 1;

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate(
      {
        ...(base ? { based_on: base.id } : { name: name.trim() }),
        scale: { min, max, bar, labels },
        criteria: rows.map((r) => ({ key: r.key.trim(), title: r.title.trim(), description: r.description.trim(), weight: r.weight })),
      },
      { onSuccess: (f) => onDone(f) },
    );
  }

  const setRow = (i: number, patch: Partial<Row>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const err = create.error;
  const otherFieldErrors =
    err instanceof ApiError ? Object.entries(err.fields).filter(([k]) => k !== 'name' && !/^criteria\[\d+\]/.test(k)) : [];

  return (
    <form onSubmit={submit} className="form card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{base ? `New version of ${base.name} (after version ${base.version})` : 'New framework'}</h2>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} readOnly={!!base} />
        {base && <p className="hint">A new version keeps the framework's name.</p>}
        <FieldError id={`${id}-name-err`} message={fieldError(err, 'name')} />
      </div>
      <fieldset>
        <legend>Scale</legend>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-min`}>Lowest score</label>
            <input id={`${id}-min`} type="number" min={0} value={min} onChange={(e) => setMin(Number(e.target.value))} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-bar`}>Bar (senior level)</label>
            <input id={`${id}-bar`} type="number" min={min} max={max} value={bar} onChange={(e) => setBar(Number(e.target.value))} />
          </div>
        </div>
        <ol className="label-list">
          {labels.map((l, i) => (
            <li key={i} className="field inline">
              <label htmlFor={`${id}-label-${i}`}>Label of score {min + i}</label>
              <input id={`${id}-label-${i}`} value={l} onChange={(e) => setLabels((ls) => ls.map((x, j) => (j === i ? e.target.value : x)))} />
            </li>
          ))}
        </ol>
        <div className="button-row">
          <button type="button" className="secondary small" onClick={() => setLabels((ls) => [...ls, ''])} disabled={labels.length >= 10}>
            Add a score
          </button>
          <button type="button" className="secondary small" onClick={() => setLabels((ls) => ls.slice(0, -1))} disabled={labels.length <= 2}>
            Remove the top score
          </button>
        </div>
      </fieldset>
      <fieldset>
        <legend>Criteria</legend>
        {rows.map((r, i) => (
          <div key={i} className="criterion-edit">
            <div className="field-row">
              <div className="field">
                <label htmlFor={`${id}-k${i}`}>Key of criterion {i + 1}</label>
                <input id={`${id}-k${i}`} value={r.key} onChange={(e) => setRow(i, { key: e.target.value })} pattern="[a-z][a-z0-9_]*" />
                <FieldError id={`${id}-k${i}-err`} message={fieldError(err, `criteria[${i}].key`)} />
              </div>
              <div className="field">
                <label htmlFor={`${id}-t${i}`}>Title of criterion {i + 1}</label>
                <input id={`${id}-t${i}`} value={r.title} onChange={(e) => setRow(i, { title: e.target.value })} />
                <FieldError id={`${id}-t${i}-err`} message={fieldError(err, `criteria[${i}].title`)} />
              </div>
              <div className="field narrow">
                <label htmlFor={`${id}-w${i}`}>Weight of criterion {i + 1}</label>
                <input id={`${id}-w${i}`} type="number" min={0} max={100} step="0.5" value={r.weight} onChange={(e) => setRow(i, { weight: Number(e.target.value) })} />
                <FieldError id={`${id}-w${i}-err`} message={fieldError(err, `criteria[${i}].weight`)} />
              </div>
            </div>
            <div className="field">
              <label htmlFor={`${id}-d${i}`}>Description of criterion {i + 1}</label>
              <textarea id={`${id}-d${i}`} rows={2} value={r.description} onChange={(e) => setRow(i, { description: e.target.value })} />
              <FieldError id={`${id}-d${i}-err`} message={fieldError(err, `criteria[${i}].description`, `criteria[${i}]`)} />
            </div>
            <button type="button" className="secondary small" onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))} disabled={rows.length <= 1}>
              Remove criterion {i + 1}
            </button>
          </div>
        ))}
        <button type="button" className="secondary small" onClick={() => setRows((rs) => [...rs, { key: '', title: '', description: '', weight: 1 }])} disabled={rows.length >= 30}>
          Add a criterion
        </button>
      </fieldset>
      {otherFieldErrors.length > 0 && (
        <ul className="field-error-list">
          {otherFieldErrors.map(([k, v]) => (
            <li key={k} className="field-error">
              {k}: {v}
            </li>
          ))}
        </ul>
      )}
      <ErrorNote error={err} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? 'Saving…' : base ? 'Save new version' : 'Save framework'}
        </button>
        <button type="button" className="secondary" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
