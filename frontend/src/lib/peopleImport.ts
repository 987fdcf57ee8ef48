// The people import's pure parts: the columns a file may have, the size
// the server takes, the errors of a refused apply read back by line, and
// how a change reads in the preview.
import type { ImportChange, ImportResult } from '../api/types';

/** The columns of an import file; email, name and role are required. */
export const IMPORT_COLUMNS = ['email', 'name', 'role', 'function', 'manager_email', 'em_since', 'active'] as const;

/** A header row to start a file from. */
export const IMPORT_TEMPLATE = `${IMPORT_COLUMNS.join(',')}\n`;

/** The largest file the server takes (its request body limit). */
export const MAX_IMPORT_BYTES = 1024 * 1024;

export interface LineError {
  line: number;
  field: string | null;
  message: string;
}

const LINE_FIELD = /^lines\[(\d+)\](?:\.(.+))?$/;

/**
 * The errors of a refused apply (422, fields named lines[N].column) as the
 * dry run lists them, by line; fields of another shape are kept on line 0.
 */
export function lineErrors(fields: Record<string, string>): LineError[] {
  const out: LineError[] = Object.entries(fields).map(([key, message]) => {
    const m = LINE_FIELD.exec(key);
    return m ? { line: Number(m[1]), field: m[2] ?? null, message } : { line: 0, field: key, message };
  });
  return out.sort((a, b) => a.line - b.line || (a.field ?? '').localeCompare(b.field ?? ''));
}

/** What a result would change, in numbers; nothing to apply when all are 0. */
export function importCounts(r: ImportResult) {
  return {
    created: r.created.length,
    updated: r.updated.length,
    deactivated: r.deactivated.length,
    unchanged: r.unchanged,
    errors: r.errors.length,
  };
}

/** Whether the previewed file may be applied: no error and some change. */
export function canApply(r: ImportResult): boolean {
  const c = importCounts(r);
  return c.errors === 0 && c.created + c.updated + c.deactivated > 0;
}

const FIELD_LABELS: Record<ImportChange['changes'][number]['field'], string> = {
  name: 'Name',
  role: 'Role',
  function: 'Function',
  manager_email: 'Manager',
  em_since: 'EM since',
  active: 'Active',
};

/** One change as the preview reads it: "Manager: dana@acme.test → none". */
export function describeChange(c: ImportChange['changes'][number]): string {
  const v = (x: string | null) => (x === null || x === '' ? 'none' : x);
  return `${FIELD_LABELS[c.field]}: ${v(c.from)} → ${v(c.to)}`;
}

/** Why a chosen file cannot be sent, or null when it can. */
export function fileProblem(file: { name: string; size: number }): string | null {
  if (file.size === 0) return 'The file is empty.';
  if (file.size > MAX_IMPORT_BYTES) return 'The file is larger than 1 MiB; split it into several files.';
  if (!/\.(csv|txt)$/i.test(file.name)) return 'Choose a CSV file (exported from a spreadsheet as comma-separated values).';
  return null;
}
