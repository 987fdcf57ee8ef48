// A textarea that underlines the words language hints point at, as the
// user types (docs/language-hints.md). The underlines are drawn in a copy
// of the text behind the textarea (aria-hidden, same font, padding and
// wrapping; the textarea's background is transparent), and the hints'
// messages are listed under the field, announced politely and tied to the
// textarea by aria-describedby. Hints inform: they never block a save.
import { useId, useLayoutEffect, useRef, type TextareaHTMLAttributes } from 'react';
import { useLanguageHints } from '../api/queries';
import type { FieldHint } from '../api/types';
import { hintSegments, rebaseHints } from '../lib/hints';

export function HintedTextarea({
  value,
  hints = true,
  className,
  onScroll,
  'aria-describedby': describedBy,
  ...props
}: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value'> & {
  value: string;
  /** false: a plain textarea (a read-only one, say), with no calls for hints */
  hints?: boolean;
}) {
  const id = useId();
  const backdrop = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const enabled = hints && !props.readOnly && !props.disabled;
  const answer = useLanguageHints(value, enabled);
  // The answer may be about the text as it was a moment ago: its hints are
  // moved onto the text as it is now.
  const found = enabled && value.trim() !== '' && answer.data ? rebaseHints(answer.data.hints, answer.data.text, value) : [];
  const listId = `${id}-hints`;
  // The copy scrolls with the textarea: on its scroll events, and after
  // each render (the copy may only now be long enough to scroll as far).
  useLayoutEffect(() => {
    if (backdrop.current && input.current) backdrop.current.scrollTop = input.current.scrollTop;
  });
  return (
    <>
      <div className="hinted">
        <div className="hinted-backdrop" ref={backdrop} aria-hidden="true">
          {enabled &&
            hintSegments(value, found).map((s, i) =>
              s.hint ? (
                <mark key={i} className={`hint-mark hint-${s.hint.kind}`} title={s.hint.message}>
                  {s.text}
                </mark>
              ) : (
                s.text
              ),
            )}
          {/* a trailing newline of the text still takes a line, as in the textarea */}{' '}
        </div>
        <textarea
          {...props}
          ref={input}
          value={value}
          className={className ? `hinted-input ${className}` : 'hinted-input'}
          aria-describedby={[describedBy, enabled ? listId : undefined].filter(Boolean).join(' ') || undefined}
          onScroll={(e) => {
            if (backdrop.current) backdrop.current.scrollTop = e.currentTarget.scrollTop;
            onScroll?.(e);
          }}
        />
      </div>
      {enabled && (
        <div id={listId} className="language-hints" aria-live="polite">
          {found.length > 0 && (
            <>
              <p className="visually-hidden">Language hints:</p>
              <ul>
                {found.map((h) => (
                  <li key={`${h.start}-${h.end}-${h.kind}`} className={`hint-${h.kind}`}>
                    {h.message} <span className="hint-suggestion">{h.suggestion}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </>
  );
}

/**
 * The hints a save answered, by field: what was saved, with the words
 * that may need another look. Nothing when there are none.
 */
export function SavedHints({ hints, fieldLabel }: { hints: readonly FieldHint[] | undefined; fieldLabel: (h: FieldHint) => string }) {
  if (!hints || hints.length === 0) return null;
  return (
    <div className="saved-hints">
      <p>
        Saved with {hints.length} language {hints.length === 1 ? 'hint' : 'hints'}. Hints never block a save; reword where they fit.
      </p>
      <ul>
        {hints.map((h, i) => (
          <li key={i}>
            <strong>{fieldLabel(h)}:</strong> {h.message} <span className="hint-suggestion">{h.suggestion}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
