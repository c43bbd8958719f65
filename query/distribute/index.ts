// Distribution: decides which parts of a plan run as per-partition fragments in the data
// engines, runs them, and hands their merged results to the coordinator's executor.

import type { Value } from '../../src/types/index.js';
import type { Plan } from '../plan/logical.js';
import type { Row } from '../execute/compile-expr.js';

export interface FragmentRunner {
  /** Runs every fragment of `plan`; the map holds each fragment root's final rows. */
  prefetch(plan: Plan, params: readonly Value[], signal?: AbortSignal): Promise<Map<Plan, Row[]>>;
  /** The plan nodes that would run as fragments (for EXPLAIN). */
  fragmentsOf(plan: Plan): ReadonlySet<Plan>;
}
