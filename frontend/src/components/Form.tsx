// The one form pattern of the web app (rules and words in lib/form.ts):
// - a required field says so in its label before any submit, and its
//   control carries aria-required;
// - a failed submit (the form's own rules, or the API's field errors)
//   puts each error at its field (aria-invalid, aria-describedby) and a
//   summary at the top of the form, announced and focused, whose links
//   move to the fields;
// - an error goes as soon as its value is valid;
// - a limited text cannot grow past its limit while typing (maxLength),
//   and a counter under it says how much is used.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { counterText, length, recheck, serverErrors, validate, type Errors, type Rules, type ServerField } from '../lib/form';

export interface FormState<T> {
  values: T;
  errors: Errors;
  /** API field errors the form has no field for: shown in the summary */
  rest: string[];
  set: <K extends keyof T & string>(k: K, v: T[K]) => void;
  /** the id of a field's control (or group) */
  idOf: (k: keyof T & string) => string;
  /** onSubmit of the form: runs `send` only when the rules pass */
  submit: (send: (values: T) => void) => (e: FormEvent) => void;
  /** takes a failed save's error: its field errors go to the fields; true when there were any */
  fail: (err: unknown) => boolean;
  /** replaces every value (a reload), clearing the errors */
  reset: (values: T) => void;
  /** changes each time the summary should take the focus */
  focusKey: number;
}

/**
 * A form's values, rules and errors. `server` maps the API's field paths
 * onto the form's fields and says how to word their errors.
 */
export function useForm<T extends object>(initial: T | (() => T), rules: Rules<T>, server: Record<string, ServerField> = {}): FormState<T> {
  const base = useId();
  const [values, setValues] = useState<T>(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [rest, setRest] = useState<string[]>([]);
  const [focusKey, setFocusKey] = useState(0);
  // The values as last set, so that two changes in one event both count.
  const latest = useRef(values);
  latest.current = values;
  return {
    values,
    errors,
    rest,
    focusKey,
    set(k, v) {
      const next = { ...latest.current, [k]: v };
      latest.current = next;
      setValues(next);
      setErrors((e) => recheck(e, next, rules, k));
    },
    idOf: (k) => `${base}-${k}`,
    submit: (send) => (e) => {
      e.preventDefault();
      const found = validate(values, rules);
      setErrors(found);
      setRest([]);
      if (Object.keys(found).length > 0) setFocusKey((n) => n + 1);
      else send(values);
    },
    fail(err) {
      if (!(err instanceof ApiError) || Object.keys(err.fields).length === 0) return false;
      const { errors: mapped, rest: other } = serverErrors(err.fields, server);
      setErrors(mapped);
      setRest(other);
      setFocusKey((n) => n + 1);
      return true;
    },
    reset(v) {
      latest.current = v;
      setValues(v);
      setErrors({});
      setRest([]);
    },
  };
}

/** The attributes of a field's control: pass them on to the input. */
export function controlProps<T>(form: FormState<T>, k: keyof T & string, { required, describedBy }: { required?: boolean; describedBy?: string } = {}) {
  const id = form.idOf(k);
  const err = form.errors[k];
  return {
    id,
    'aria-required': required || undefined,
    'aria-invalid': err ? true : undefined,
    'aria-describedby': [describedBy, err ? `${id}-err` : undefined].filter(Boolean).join(' ') || undefined,
  } as const;
}

/** "(required)" after a label: seen by everyone, read through aria-required rather than twice. */
export function RequiredMark() {
  return (
    <span className="required-mark" aria-hidden="true">
      {' '}
      (required)
    </span>
  );
}

/** A field's error, where the control's aria-describedby points. */
export function FieldMessage({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id}>
      {message}
    </p>
  );
}

/**
 * A labelled field: label (with the required mark), the control (rendered
 * by `children` with the props to spread on it), a hint, a counter when
 * the text is limited, and the error.
 */
export function Field<T>({
  form,
  name,
  label,
  required,
  hint,
  max,
  min,
  children,
}: {
  form: FormState<T>;
  name: keyof T & string;
  label: ReactNode;
  required?: boolean;
  hint?: ReactNode;
  /** the limit of a text: enforced while typing, counted under the field */
  max?: number;
  min?: number;
  children: (props: ReturnType<typeof controlProps<T>> & { maxLength?: number }) => ReactNode;
}) {
  const id = form.idOf(name);
  const value = form.values[name];
  const n = typeof value === 'string' ? length(value) : 0;
  const described = [hint ? `${id}-hint` : undefined, max ? `${id}-count` : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      {/* The mark sits beside the label, not in it: the field's name stays its label. */}
      <div className="label-line">
        <label htmlFor={id}>{label}</label>
        {required && <RequiredMark />}
      </div>
      {children({ ...controlProps(form, name, { required, describedBy: described }), maxLength: max })}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {max !== undefined && <Counter id={`${id}-count`} n={n} max={max} min={min} />}
      <FieldMessage id={`${id}-err`} message={form.errors[name]} />
    </div>
  );
}

/** "120 of 5,000 characters"; at the limit, a polite announcement says so once. */
export function Counter({ id, n, max, min }: { id: string; n: number; max: number; min?: number }) {
  const full = n >= max;
  return (
    <>
      <p id={id} className={(min && n > 0 && n < min) || full ? 'hint counter warn' : 'hint counter'}>
        {counterText(n, max, min)}
      </p>
      <span className="visually-hidden" aria-live="polite">
        {full ? `Limit reached: ${counterText(n, max)}.` : ''}
      </span>
    </>
  );
}

export interface SummaryItem {
  /** the id of the control (or of the group, whose first input takes the focus) */
  target: string;
  message: string;
}

/** The ids and messages of a form's errors, in the order of `order` (the order on screen). */
export function summaryItems<T>(form: FormState<T>, order: readonly (keyof T & string)[]): SummaryItem[] {
  return order.flatMap((k) => (form.errors[k] ? [{ target: form.idOf(k), message: form.errors[k] }] : []));
}

/** Moves the focus to a control, or to the first (checked) input of a group. */
export function focusControl(id: string) {
  const el = document.getElementById(id);
  if (!el) return;
  const target =
    el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement
      ? el
      : (el.querySelector<HTMLElement>('input:checked:enabled') ?? el.querySelector<HTMLElement>('input:enabled, textarea, select, button'));
  target?.focus();
  target?.scrollIntoView({ block: 'center' });
}

/**
 * The errors of a failed submit, at the top of the form: announced
 * (role="alert"), focused and scrolled into view each time `focusKey`
 * changes, each one a link to its field.
 */
export function ErrorSummary({ items, other = [], focusKey }: { items: SummaryItem[]; other?: string[]; focusKey: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();
  const count = items.length + other.length;
  useEffect(() => {
    if (focusKey === 0 || !ref.current) return;
    ref.current.focus({ preventScroll: true });
    ref.current.scrollIntoView({ block: 'center' });
  }, [focusKey]);
  return (
    <div ref={ref} className={count ? 'error-summary' : 'error-summary empty'} role="alert" tabIndex={-1} aria-labelledby={count ? `${id}-h` : undefined}>
      {count > 0 && (
        <>
          <h2 id={`${id}-h`}>{count === 1 ? 'One thing to fix before saving' : `${count} things to fix before saving`}</h2>
          <ul>
            {items.map((it, i) => (
              <li key={`${i}-${it.target}`}>
                <a
                  href={`#${it.target}`}
                  onClick={(e) => {
                    e.preventDefault();
                    focusControl(it.target);
                  }}
                >
                  {it.message}
                </a>
              </li>
            ))}
            {other.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
