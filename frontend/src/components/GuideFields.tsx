// The distribution guide's inputs: a minimum and a maximum percent for each
// readiness, all optional. The parent keeps the draft and shows the
// problems lib/guide.ts finds in it.
import { useId } from 'react';
import { READINESS } from '../api/types';
import { readinessLabel } from '../lib/format';
import type { GuideDraft } from '../lib/guide';
import { FieldError } from './Status';

export function GuideFields({
  draft,
  onChange,
  problems = {},
  legend = 'Distribution guide (optional)',
  disabled,
}: {
  draft: GuideDraft;
  onChange: (d: GuideDraft) => void;
  problems?: Partial<Record<keyof GuideDraft, string>>;
  legend?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <fieldset className="field guide-fields" aria-describedby={`${id}-hint`} disabled={disabled}>
      <legend>{legend}</legend>
      <p className="hint" id={`${id}-hint`}>
        The share of EMs you expect at each readiness, in whole percents. Leave a readiness empty for no range. Finalizing outside
        the guide asks for a reason, which the record keeps.
      </p>
      <table className="compact guide-inputs">
        <caption className="visually-hidden">{legend}</caption>
        <thead>
          <tr>
            <th scope="col">Readiness</th>
            <th scope="col">Minimum %</th>
            <th scope="col">Maximum %</th>
          </tr>
        </thead>
        <tbody>
          {READINESS.map((r) => {
            const err = problems[r];
            const set = (k: 'min' | 'max', v: string) => onChange({ ...draft, [r]: { ...draft[r], [k]: v } });
            return (
              <tr key={r}>
                <th scope="row">{readinessLabel(r)}</th>
                {(['min', 'max'] as const).map((k) => (
                  <td key={k}>
                    <input
                      className="percent-input"
                      inputMode="numeric"
                      maxLength={3}
                      aria-label={`${readinessLabel(r)}: ${k === 'min' ? 'minimum' : 'maximum'} percent`}
                      value={draft[r][k]}
                      onChange={(e) => set(k, e.target.value)}
                      aria-invalid={err ? true : undefined}
                      aria-describedby={err ? `${id}-${r}-err` : undefined}
                    />
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {READINESS.map((r) => (
        <FieldError key={r} id={`${id}-${r}-err`} message={problems[r]} />
      ))}
    </fieldset>
  );
}
