// How an exchange reaches the engines that compute its input. Operators see only this interface:
// the in-process transport is the node's data-engine worker pool; the coverage transport
// (coverage-transport.ts) sends a task to whichever node its partitions are read on.

import type { FragmentTask } from '../../../storage/index.js';

export interface ExchangeTransport {
  /** Tasks worth running at once (the engines' threads, on every node the tasks go to). */
  readonly parallelism: number;
  /**
   * Runs one fragment task and resolves with its results: one, or several when the node that was
   * to run it failed and its partitions were run again on other replicas, in pieces.
   */
  run(task: FragmentTask): Promise<readonly unknown[]>;
}
