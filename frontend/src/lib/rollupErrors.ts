// The roll-up errors a director can meet, in words that say what to do.
import { ApiError } from '../api/client';

const WORDS: Record<string, string> = {
  not_above_owners:
    'You can roll up only cycles whose owners all report to you: leave out the cycles led or co-owned by directors outside your tree.',
  cycle_not_ready: 'A chosen cycle is not finalized yet: only finalized cycles, not yet released, can be rolled up.',
  in_rollup: 'A chosen cycle is already in another roll-up: a cycle can be in only one.',
  reason_required: 'Give a reason: the roll-up’s readiness differs from the director’s decision.',
  stale_version: 'Someone else changed this decision after you opened it: the board now shows theirs. Check it and save again.',
};

/** A sentence for a roll-up error: ours where we have one, with the server's own message after it. */
export function rollupErrorText(err: unknown): string | null {
  if (!(err instanceof ApiError)) return null;
  const w = WORDS[err.code];
  if (!w) return null;
  const server = err.message ? ` (${err.message.replace(/\.$/, '')}.)` : '';
  return err.code === 'stale_version' || err.code === 'reason_required' ? w : `${w}${server}`;
}
