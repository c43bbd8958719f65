// Gather: the exchange that brings a fragment's results to the coordinator. It runs the fragment's
// tasks through a transport with at most `inFlightMax` outstanding, and hands each task's rows on
// in task order (so a plan's output order does not depend on which engine answered first) as soon
// as that task has answered. Closing it early (a LIMIT has its rows, the client went away, an
// error) aborts the tasks not yet started, so an early stop does not read the whole table.

import type { FragmentTask } from '../../../storage/index.js';
import type { Plan } from '../../plan/logical.js';
import type { ExecContext } from '../context.js';
import { batchesOf } from '../operators/drive.js';
import { Wait, type BatchStream, type PhysicalOperator, type Row } from '../operators/operator.js';
import type { ExchangeTransport } from './transport.js';

interface Pending {
  readonly settled: Promise<void>;
  done: boolean;
  results?: readonly unknown[];
  error?: unknown;
}

export class Gather implements PhysicalOperator {
  constructor(
    readonly plan: Plan,
    private readonly transport: ExchangeTransport,
    private readonly tasks: readonly FragmentTask[],
    /** A task's result as the plan node's rows (decoded, with what the coordinator still applies). */
    private readonly rowsOf: (result: unknown, ctx: ExecContext) => Row[],
    private readonly inFlightMax: number,
    /**
     * Fills in what a task takes from the plan's progress when it is issued (a top-N's bound). With
     * it, the first task runs alone and the others are issued once its rows have gone up the
     * plan, so that they start with what those rows taught it.
     */
    private readonly prepare?: (task: FragmentTask) => FragmentTask,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const pending: Pending[] = [];
    let next = 0;
    const issue = (inFlightMax: number): void => {
      while (next < this.tasks.length && pending.length < inFlightMax) {
        const p: Pending = { done: false, settled: Promise.resolve() };
        const task = this.tasks[next++]!;
        const run = this.transport.run(this.prepare === undefined ? task : this.prepare(task));
        (p as { settled: Promise<void> }).settled = run.then(
          (results) => {
            p.done = true;
            p.results = results;
          },
          (error: unknown) => {
            p.done = true;
            p.error = error;
          },
        );
        pending.push(p);
      }
    };
    let firstAlone = this.prepare !== undefined;
    issue(firstAlone ? 1 : this.inFlightMax);
    while (pending.length > 0) {
      const first = pending[0]!;
      if (!first.done) {
        yield new Wait(first.settled);
        continue;
      }
      pending.shift();
      if (first.error !== undefined) throw first.error;
      if (!firstAlone) issue(this.inFlightMax);
      for (const result of first.results!) yield* batchesOf(this.rowsOf(result, ctx));
      if (firstAlone) {
        firstAlone = false;
        issue(this.inFlightMax);
      }
    }
  }
}
