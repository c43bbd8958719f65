// The contract every physical operator keeps. An operator is a node of the physical plan built
// from a logical node (physical-plan.ts); running it gives a synchronous generator of batches
// pulled by its parent. Synchronous, so that a correlated subquery inside an expression can run
// its plan on the spot; cooperative, so that the statement's driver (drive.ts) gets control at
// every batch: it checks cancellation and hands the event loop to other sessions between batches,
// and it awaits the `Wait`s an operator hands up while data it needs is computed elsewhere.

import type { Value } from '../../../src/types/index.js';
import type { Plan } from '../../plan/logical.js';
import type { ExecContext } from '../context.js';

export type Row = Value[];

/** Rows per batch an operator produces when it can choose (its input's batches pass through). */
export const BATCH_ROWS = 1024;

/**
 * Handed up by an operator waiting for data from elsewhere (a data-engine worker): the async
 * driver awaits `until` and pulls again; a synchronous drive cannot and fails (plans it runs
 * never hold such an operator).
 */
export class Wait {
  constructor(readonly until: Promise<unknown>) {}
}

/**
 * What running an operator yields: batches of rows (possibly empty) and Waits. An operator yields
 * at least once for every batch it pulls from its inputs — an empty batch when it has nothing to
 * pass on yet — so that the driver regains control however long a sort or a join takes to fill.
 */
export type BatchStream = Generator<Row[] | Wait, void, undefined>;

export interface PhysicalOperator {
  /** The logical node it computes: its output columns, and EXPLAIN ANALYZE's key. */
  readonly plan: Plan;
  run(ctx: ExecContext): BatchStream;
}
