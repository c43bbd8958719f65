// Maps a register outcome that is not a success to the EonError a user sees, so the catalog, the
// ring and the namestore refuse the same way: unavailable, unknown or contended — never a guess.

import { EonError } from '../../errors/index.js';
import type { CasOutcome, ReadOutcome } from './proposer.js';

/** The error for a failed CAS or read, or null for applied, rejected and current (the caller decides what those mean). */
export function consensusOutcomeError(outcome: CasOutcome | ReadOutcome, what: string): EonError | null {
  switch (outcome.kind) {
    case 'applied':
    case 'rejected':
    case 'current':
      return null;
    case 'unavailable':
      return new EonError('quorum_unavailable', `${what}: only ${outcome.reached} of the ${outcome.needed} replicas needed answered`, {
        hint: 'This node cannot reach a majority of the replicas (a partition or failures); retry when they are reachable.',
      });
    case 'indeterminate':
      return new EonError('statement_completion_unknown', `${what}: the change may or may not have been made`, {
        hint: 'Read the current value to learn the outcome before retrying.',
      });
    case 'contended':
      return new EonError('serialization_failure', `${what}: lost ${outcome.attempts} attempts to concurrent changes`, {
        hint: 'Retry the statement.',
      });
    default: {
      const never: never = outcome;
      throw new Error(`unknown consensus outcome ${JSON.stringify(never)}`);
    }
  }
}
