// A score as a labelled radio choice over the framework's scale. The arrow
// keys move along the scale and stop at its ends (no wrap): no key clears
// a score. Clearing is the explicit "Clear score" button, which leaves an
// "Undo" in its place that restores the score, until a score is chosen again.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Scale } from '../api/types';
import { scaleSteps } from '../lib/format';
import { scoreAfterKey } from '../lib/ratings';

export function ScoreChoice({
  id,
  name,
  legend,
  scale,
  value,
  onChange,
  disabled,
  describedBy,
  error,
}: {
  /** the group's id (an error summary links to it) */
  id?: string;
  name: string;
  legend: string;
  scale: Scale;
  value: number | null;
  onChange: (v: number | null) => void;
  disabled?: boolean;
  describedBy?: string;
  /** the id of the score's error message, when there is one: the choice is marked invalid */
  error?: string;
}) {
  const group = useRef<HTMLFieldSetElement>(null);
  // "score for Delivery": the buttons' names say whose score they change.
  const lower = legend.charAt(0).toLowerCase() + legend.slice(1);
  // The score a Clear removed, while its Undo is offered.
  const [undo, setUndo] = useState<number | null>(null);
  // Where the focus goes after Clear or Undo replaced the button it was on.
  const [focusAfter, setFocusAfter] = useState<'undo' | 'clear' | null>(null);
  useEffect(() => {
    if (!focusAfter) return;
    group.current?.querySelector<HTMLElement>(`[data-score-action=${focusAfter}]`)?.focus();
    setFocusAfter(null);
  }, [focusAfter]);

  const choose = (v: number) => {
    setUndo(null);
    onChange(v);
  };

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const next = scoreAfterKey(e.key, Number(e.currentTarget.value), scale);
    if (next === null) return;
    e.preventDefault();
    if (next !== value) choose(next);
    group.current?.querySelector<HTMLInputElement>(`input[type=radio][value="${next}"]`)?.focus();
  }

  return (
    <fieldset
      ref={group}
      id={id}
      className="score-choice"
      disabled={disabled}
      aria-describedby={[describedBy, error].filter(Boolean).join(' ') || undefined}
      aria-invalid={error ? true : undefined}
    >
      <legend>{legend}</legend>
      <div className="score-options">
        {scaleSteps(scale).map((s) => (
          <label key={s} className={s >= scale.bar ? 'score-option at-bar' : 'score-option'}>
            <input type="radio" name={name} value={s} checked={value === s} onChange={() => choose(s)} onKeyDown={onKeyDown} />
            <span className="score-num">{s}</span> <span className="score-text">{scale.labels[s - scale.min] ?? ''}</span>
          </label>
        ))}
        {!disabled && value !== null && (
          <button
            type="button"
            className="secondary small score-clear"
            data-score-action="clear"
            aria-label={`Clear ${lower}`}
            onClick={() => {
              setUndo(value);
              onChange(null);
              setFocusAfter('undo');
            }}
          >
            Clear score
          </button>
        )}
        {!disabled && value === null && undo !== null && (
          <button
            type="button"
            className="secondary small score-undo"
            data-score-action="undo"
            aria-label={`Undo: restore ${lower} to ${undo}`}
            onClick={() => {
              onChange(undo);
              setUndo(null);
              setFocusAfter('clear');
            }}
          >
            Undo
          </button>
        )}
        {value === null && <span className="muted score-none">Not rated</span>}
      </div>
      <span className="visually-hidden" role="status">
        {value === null && undo !== null ? `Score cleared. Undo restores ${undo}.` : ''}
      </span>
    </fieldset>
  );
}
