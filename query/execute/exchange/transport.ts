// How an exchange reaches the engines that compute its input. Operators see only this interface:
// the in-process transport is the node's data-engine worker pool; a network transport (fragments
// on other nodes, the distributed-query issue) implements the same two members.

import type { FragmentTask } from '../../../storage/index.js';

export interface ExchangeTransport {
  /** Tasks worth running at once (the engines' threads). */
  readonly parallelism: number;
  /** Runs one fragment task and resolves with its result. */
  run(task: FragmentTask): Promise<unknown>;
}
