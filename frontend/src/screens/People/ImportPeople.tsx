// Admin: the org chart from a spreadsheet. Choose a CSV file, see what it
// would change (a dry run, by line), then apply it — the whole file or
// nothing.
import { useId, useState, type ChangeEvent } from 'react';
import { ApiError } from '../../api/client';
import { useImportUsers } from '../../api/queries';
import type { ImportChange, ImportResult } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { ErrorNote } from '../../components/Status';
import { canApply, describeChange, fileProblem, importCounts, IMPORT_COLUMNS, lineErrors, type LineError } from '../../lib/peopleImport';

export function ImportPeople({ onClose }: { onClose: () => void }) {
  const id = useId();
  const run = useImportUsers();
  const [csv, setCsv] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportResult | null>(null);
  const [applied, setApplied] = useState<ImportResult | null>(null);

  async function choose(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    setPreview(null);
    setApplied(null);
    setCsv(null);
    run.reset();
    if (!file) return;
    const p = fileProblem(file);
    setProblem(p);
    if (p) return;
    const text = await file.text();
    setCsv(text);
    run.mutate({ csv: text, dryRun: true }, { onSuccess: setPreview });
  }

  function apply() {
    if (!csv) return;
    run.mutate({ csv, dryRun: false }, { onSuccess: setApplied });
  }

  // A refused apply (someone changed a user meanwhile) lists its errors by line.
  const refused: LineError[] =
    run.error instanceof ApiError && run.error.status === 422 ? lineErrors(run.error.fields) : [];
  const shown = applied ?? preview;

  return (
    <Dialog open title="Import from a spreadsheet" onClose={onClose}>
      <div className="form">
        <p>
          A CSV file with a header row. Columns, in any order: <code>{IMPORT_COLUMNS.join(', ')}</code>;{' '}
          <code>email</code>, <code>name</code> and <code>role</code> are required. People are matched by e-mail; new
          e-mails are added without a password. Only a row with <code>active</code> set to <code>false</code>{' '}
          deactivates someone: people missing from the file stay as they are. An empty <code>manager_email</code> or{' '}
          <code>em_since</code> removes it.
        </p>
        <div className="field">
          <label htmlFor={`${id}-file`}>CSV file</label>
          <input id={`${id}-file`} type="file" accept=".csv,text/csv" onChange={choose} disabled={run.isPending} />
        </div>
        {problem && (
          <div className="error-note" role="alert">
            {problem}
          </div>
        )}
        {run.isPending && <p aria-live="polite">{csv && preview ? 'Applying…' : 'Checking the file…'}</p>}
        {refused.length > 0 ? <ImportErrors errors={refused} /> : <ErrorNote error={run.error} />}
        {shown && <ImportSummary result={shown} />}
        {applied && <p className="notice" role="status">The file was applied.</p>}
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            {applied ? 'Close' : 'Cancel'}
          </button>
          {!applied && (
            <button type="button" className="primary" disabled={!preview || !canApply(preview) || run.isPending} onClick={apply}>
              Apply
            </button>
          )}
        </div>
      </div>
    </Dialog>
  );
}

function ImportSummary({ result }: { result: ImportResult }) {
  const c = importCounts(result);
  return (
    <section aria-label="What the file changes">
      <p>
        {result.applied ? 'Done: ' : 'The file would make: '}
        {c.created} new, {c.updated} changed, {c.deactivated} deactivated, {c.unchanged} unchanged
        {c.errors > 0 && `, ${c.errors} ${c.errors === 1 ? 'error' : 'errors'} — fix the file and choose it again; nothing is applied while any line has an error`}
        .
      </p>
      {result.errors.length > 0 && <ImportErrors errors={result.errors} />}
      {result.created.length > 0 && (
        <>
          <h3>New people</h3>
          <ul>
            {result.created.map((u) => (
              <li key={u.line}>
                Line {u.line}: {u.name} ({u.email}), {u.role}
                {!u.active && ', deactivated'}
              </li>
            ))}
          </ul>
        </>
      )}
      <Changes title="Changed" items={result.updated} />
      <Changes title="Deactivated" items={result.deactivated} />
    </section>
  );
}

function Changes({ title, items }: { title: string; items: ImportChange[] }) {
  if (items.length === 0) return null;
  return (
    <>
      <h3>{title}</h3>
      <ul>
        {items.map((u) => (
          <li key={u.line}>
            Line {u.line}: {u.name} ({u.email}) — {u.changes.map(describeChange).join('; ')}
          </li>
        ))}
      </ul>
    </>
  );
}

function ImportErrors({ errors }: { errors: LineError[] }) {
  return (
    <div className="error-note" role="alert">
      <strong>Errors by line</strong>
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            {e.line > 0 ? `Line ${e.line}` : 'The file'}
            {e.field ? `, ${e.field}` : ''}: {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
