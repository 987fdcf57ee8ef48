import { describe, expect, it } from 'vitest';
import type { ImportResult } from '../api/types';
import { canApply, describeChange, fileProblem, importCounts, lineErrors, IMPORT_TEMPLATE } from './peopleImport';

const empty: ImportResult = { applied: false, created: [], updated: [], deactivated: [], unchanged: 0, errors: [] };

describe('lineErrors', () => {
  it('reads lines[N].column back by line, whole-line errors without a column', () => {
    expect(
      lineErrors({
        'lines[4].manager_email': 'is neither a user of your organisation nor a row of this file',
        'lines[2]': 'has a different number of cells than the header',
        'lines[4].email': 'must be an e-mail address like name@example.com',
        body: 'must be UTF-8 text',
      }),
    ).toEqual([
      { line: 0, field: 'body', message: 'must be UTF-8 text' },
      { line: 2, field: null, message: 'has a different number of cells than the header' },
      { line: 4, field: 'email', message: 'must be an e-mail address like name@example.com' },
      { line: 4, field: 'manager_email', message: 'is neither a user of your organisation nor a row of this file' },
    ]);
  });
});

describe('canApply', () => {
  it('needs a change and no error', () => {
    expect(canApply(empty)).toBe(false);
    expect(canApply({ ...empty, unchanged: 3 })).toBe(false);
    const created = { ...empty, created: [{ line: 2, email: 'a@b.test', name: 'A', role: 'em' as const, active: true }] };
    expect(canApply(created)).toBe(true);
    expect(canApply({ ...created, errors: [{ line: 3, field: 'role', message: 'x' }] })).toBe(false);
    expect(importCounts(created)).toEqual({ created: 1, updated: 0, deactivated: 0, unchanged: 0, errors: 0 });
  });
});

describe('describeChange', () => {
  it('names the field and shows none for an empty value', () => {
    expect(describeChange({ field: 'manager_email', from: 'dana@acme.test', to: null })).toBe('Manager: dana@acme.test → none');
    expect(describeChange({ field: 'active', from: 'true', to: 'false' })).toBe('Active: true → false');
  });
});

describe('fileProblem', () => {
  it('refuses empty, too large and non-CSV files', () => {
    expect(fileProblem({ name: 'people.csv', size: 0 })).toMatch(/empty/);
    expect(fileProblem({ name: 'people.csv', size: 1024 * 1024 + 1 })).toMatch(/1 MiB/);
    expect(fileProblem({ name: 'people.xlsx', size: 10 })).toMatch(/CSV/);
    expect(fileProblem({ name: 'People.CSV', size: 10 })).toBeNull();
  });
  it('has a template with the required columns', () => {
    expect(IMPORT_TEMPLATE.startsWith('email,name,role,')).toBe(true);
  });
});
