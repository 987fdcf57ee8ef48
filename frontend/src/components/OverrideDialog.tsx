// Finalizing outside the distribution guide: the dialog shows the lines
// outside their range and asks for the reason (1–500 characters) that the
// finalize is sent again with.
import { useId, useState } from 'react';
import type { GuideLine } from '../api/rollupTypes';
import { guideLineText, OVERRIDE_MAX, overrideProblem } from '../lib/guide';
import { Dialog } from './Dialog';
import { ErrorNote, FieldError } from './Status';
import { Counter, RequiredMark } from './Form';
import { length } from '../lib/form';

export function OverrideDialog({
  open,
  what,
  outside,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  /** "the cycle", "the roll-up" */
  what: string;
  outside: GuideLine[];
  busy?: boolean;
  error?: unknown;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const problem = tried ? overrideProblem(reason) : null;
  function confirm() {
    setTried(true);
    if (overrideProblem(reason)) {
      document.getElementById(`${id}-reason`)?.focus();
      return;
    }
    onConfirm(reason.trim());
  }
  return (
    <Dialog open={open} title="Outside the distribution guide" onClose={onCancel}>
      <div className="dialog-body">
        <p>The decisions of {what} are outside its distribution guide:</p>
        <ul className="outside-list">
          {outside.map((l) => (
            <li key={l.readiness}>{guideLineText(l)}</li>
          ))}
        </ul>
        <p>You can still finalize: say why, and the record keeps your reason beside the decisions.</p>
        <div className="field">
          <div className="label-line">
            <label htmlFor={`${id}-reason`}>Reason for finalizing outside the guide</label>
            <RequiredMark />
          </div>
          <textarea
            id={`${id}-reason`}
            rows={3}
            maxLength={OVERRIDE_MAX}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-required="true"
            aria-invalid={problem ? true : undefined}
            aria-describedby={`${id}-hint ${id}-count${problem ? ` ${id}-err` : ''}`}
            autoFocus
          />
          <p className="hint" id={`${id}-hint`}>
            Kept on the record beside the decisions.
          </p>
          <Counter id={`${id}-count`} n={length(reason)} max={OVERRIDE_MAX} />
          <FieldError id={`${id}-err`} message={problem ?? undefined} />
        </div>
      </div>
      <ErrorNote error={error} />
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={confirm} aria-disabled={busy || undefined}>
          {busy ? 'Working…' : 'Finalize with this reason'}
        </button>
      </div>
    </Dialog>
  );
}
