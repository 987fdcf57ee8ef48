// The one form pattern of the web app, its pure part: the rules a field's
// value must meet, each answering a sentence in plain words (what to do,
// never an internal name or a raw limit), and the API's field errors
// mapped onto the form's own fields in the same words. components/Form.tsx
// shows them: required marked before submit, the error at its field, a
// summary that takes the focus after a failed submit, and each error gone
// as soon as its value is valid.

/** A rule: null when the value meets it, else the sentence to show. */
export type Rule<V = unknown> = (value: V) => string | null;

/** Characters as a person counts them (a code point each, emoji included). */
export function length(s: string): number {
  return [...s].length;
}

/** 4000 → "4,000": limits and counts are written as people read numbers. */
export function num(n: number): string {
  return n.toLocaleString('en-GB');
}

function empty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  return false;
}

/** Something must be given; `message` says what, e.g. "Choose a stance". */
export const required =
  (message: string): Rule =>
  (v) =>
    empty(v) ? message : null;

/** At most `max` characters of `what` ("the note"); an empty value passes (required says that). */
export const maxLength =
  (max: number, what: string): Rule<string> =>
  (v) => {
    const n = length(v ?? '');
    return n > max ? `Keep ${what} within ${num(max)} characters (now ${num(n)})` : null;
  };

/** At least `min` characters of `what` (spaces at either end do not count); empty passes. */
export const minLength =
  (min: number, what: string): Rule<string> =>
  (v) => {
    const n = length((v ?? '').trim());
    return n > 0 && n < min ? `Write at least ${num(min)} characters in ${what} (now ${num(n)})` : null;
  };

/** The date as YYYY-MM-DD in the browser's time zone. */
export function isoDay(d: Date): string {
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** A YYYY-MM-DD date of today or later; empty passes. */
export const dateNotInPast =
  (what: string, today: () => Date = () => new Date()): Rule<string> =>
  (v) => {
    if (!v) return null;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return `Enter ${what} as a full date`;
    return v < isoDay(today()) ? `Choose ${what} of today or later` : null;
  };

/** The first message of the rules, or null. */
export function check<V>(value: V, rules: readonly Rule<V>[]): string | null {
  for (const r of rules) {
    const m = r(value);
    if (m) return m;
  }
  return null;
}

export type Rules<T> = { [K in keyof T]?: readonly Rule<T[K]>[] };
export type Errors = Record<string, string>;

/** Every field's first message, in the order of `rules` (the order of the form). */
export function validate<T>(values: T, rules: Rules<T>): Errors {
  const out: Errors = {};
  for (const k of Object.keys(rules) as (keyof T & string)[]) {
    const m = check(values[k], rules[k] ?? []);
    if (m) out[k] = m;
  }
  return out;
}

/**
 * The errors after the value of `changed` changed: a field shown in error
 * is checked again and its error goes as soon as it is valid (a new error
 * waits for the next submit, so nobody is told off while typing). A field
 * without rules of its own (an error only the server knows) loses its
 * error when its value changes.
 */
export function recheck<T>(errors: Errors, values: T, rules: Rules<T>, changed?: string): Errors {
  let out: Errors | null = null;
  for (const k of Object.keys(errors)) {
    const r = rules[k as keyof T];
    if (!r && k !== changed) continue;
    const m = r ? check(values[k as keyof T], r) : null;
    if (m !== errors[k]) {
      out ??= { ...errors };
      if (m) out[k] = m;
      else delete out[k];
    }
  }
  return out ?? errors;
}

/** A field of the form as the API names it, and how to say its errors. */
export interface ServerField {
  /** the form's field the error shows at */
  field: string;
  /** what the field is, in words for a sentence ("the note") */
  what: string;
  /** the sentence for a value outside a list ("Choose a stance"); without it, "Choose <what>" */
  choose?: string;
}

/**
 * The API's field message (validate.go's reasons: "is required", "must be
 * at most 5000 characters", "choose one of …") in plain words about `f`.
 */
export function plainMessage(msg: string, f: ServerField): string {
  let m: RegExpExecArray | null;
  if (/^(is required|must not be empty)/.test(msg)) return f.choose ?? `Enter ${f.what}`;
  if (/^choose one of|^must be (one of )?[a-z_]+(, [a-z_]+)* or [a-z_]+$/.test(msg)) return f.choose ?? `Choose ${f.what}`;
  if ((m = /^must be at most (\d+) characters/.exec(msg))) return `Keep ${f.what} within ${num(Number(m[1]))} characters`;
  if ((m = /^must be at least (\d+) characters/.exec(msg))) return `Write at least ${num(Number(m[1]))} characters in ${f.what}`;
  if (/^must be a date/.test(msg)) return `Enter ${f.what} as a full date`;
  const s = /^[a-z]/.test(msg) ? `${f.what} ${msg}` : msg;
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The API's field errors (`error.fields`) on the form's fields: `map` names
 * the form field of each API path (a path like `criteria[2]` falls back to
 * `criteria`). Errors of paths the form does not show are returned under
 * `rest`, for the summary.
 */
export function serverErrors(fields: Record<string, string> | undefined, map: Record<string, ServerField>): { errors: Errors; rest: string[] } {
  const errors: Errors = {};
  const rest: string[] = [];
  for (const [path, msg] of Object.entries(fields ?? {})) {
    const f = map[path] ?? map[path.replace(/\[\d+\].*$/, '')];
    if (!f) rest.push(msg);
    else errors[f.field] ??= plainMessage(msg, f);
  }
  return { errors, rest };
}

/** The counter under a limited text: "120 of 5,000 characters", with what is missing. */
export function counterText(n: number, max: number, min = 0): string {
  const base = `${num(n)} of ${num(max)} characters`;
  if (n > 0 && n < min) return `${base} · at least ${num(min)}`;
  if (n > max) return `${base} · ${num(n - max)} too many`;
  return base;
}

/**
 * Why a peer is no longer offered Decline once their note is written: the
 * API refuses to decline an answered request (409 already_answered), and
 * the note can be edited until the cycle is finalized.
 */
export const DECLINE_GONE = 'You have written a note, so you can no longer decline; you can edit it until the cycle is finalized.';
