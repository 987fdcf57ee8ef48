import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { rollupErrorText } from './rollupErrors';

describe('rollupErrorText', () => {
  it('says the roll-up errors in words, with the server’s message', () => {
    expect(rollupErrorText(new ApiError(409, 'in_rollup', 'cycle 2026 H2 calibration is in the roll-up Org 2026 H2'))).toBe(
      'A chosen cycle is already in another roll-up: a cycle can be in only one. (cycle 2026 H2 calibration is in the roll-up Org 2026 H2.)',
    );
    expect(rollupErrorText(new ApiError(403, 'not_above_owners', ''))).toMatch(/^You can roll up only cycles whose owners all report to you/);
    expect(rollupErrorText(new ApiError(409, 'stale_version', 'stale'))).toMatch(/^Someone else changed this decision/);
  });

  it('leaves other errors to the usual message', () => {
    expect(rollupErrorText(new ApiError(404, 'not_found', 'no such roll-up'))).toBeNull();
    expect(rollupErrorText(new Error('x'))).toBeNull();
  });
});
