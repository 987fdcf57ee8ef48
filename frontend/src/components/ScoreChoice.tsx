// A score as a labelled radio choice over the framework's scale.
import type { Scale } from '../api/types';
import { scaleSteps } from '../lib/format';

export function ScoreChoice({
  name,
  legend,
  scale,
  value,
  onChange,
  disabled,
  describedBy,
}: {
  name: string;
  legend: string;
  scale: Scale;
  value: number | null;
  onChange: (v: number | null) => void;
  disabled?: boolean;
  describedBy?: string;
}) {
  return (
    <fieldset className="score-choice" disabled={disabled} aria-describedby={describedBy}>
      <legend>{legend}</legend>
      <div className="score-options">
        {scaleSteps(scale).map((s) => (
          <label key={s} className={s >= scale.bar ? 'score-option at-bar' : 'score-option'}>
            <input type="radio" name={name} value={s} checked={value === s} onChange={() => onChange(s)} />
            <span className="score-num">{s}</span> <span className="score-text">{scale.labels[s - scale.min] ?? ''}</span>
          </label>
        ))}
        <label className="score-option none">
          <input type="radio" name={name} value="" checked={value === null} onChange={() => onChange(null)} />
          <span className="score-text">Not rated</span>
        </label>
      </div>
    </fieldset>
  );
}
