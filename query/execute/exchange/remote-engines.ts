// What the query engine needs from the cluster to run fragments where the data lives: which node
// reads each partition of a table for a statement (its coverage plan), and a way to run a fragment
// task on another node's data engines. src/cluster/fragments implements it on a cluster node; a
// node alone has none, and every partition is read here.

import type { FragmentTask, TableSchema } from '../../../storage/index.js';
import type { CoveragePolicy } from '../../../src/cluster/fragments/coverage-plan.js';
import type { ScanRead } from '../../../src/cluster/fragments/digest-reads.js';
import type { RemoteResults } from '../../../src/cluster/fragments/remote-engines.js';

/**
 * How a statement picks the replica that reads each partition (the eon.coverage setting): `local`
 * reads every partition this node serves here and asks other nodes only for the rest; `spread`
 * balances the partitions of a table of FRAGMENT_ROWS_MIN rows or more over all the live replicas
 * (this node first among equals), so a large scan uses every node's engines, and reads smaller
 * ones as `local`; `spread_all` spreads every table (tests of the distributed paths).
 */
export { COVERAGE_POLICIES, type CoveragePolicy } from '../../../src/cluster/fragments/coverage-plan.js';
/** A scan's readers per partition and its R, for a digest read; readers that cannot answer throw ReadersUnavailable. */
export { ReadersUnavailable, type ScanRead } from '../../../src/cluster/fragments/digest-reads.js';
export type { RemoteResults } from '../../../src/cluster/fragments/remote-engines.js';

export interface RemoteEngines {
  /** This node's id, as coverage plans name it. */
  readonly self: string;
  /** Whether other nodes may hold partitions (false: the node is alone, and reads all here). */
  active(): boolean;
  /**
   * The node that reads each partition of `table` (indexed by partition), never one in `avoid`
   * (nodes that already failed the statement). Fails with 57P03 when some partition has no live
   * replica left.
   */
  coverage(table: TableSchema, policy: CoveragePolicy, avoid?: ReadonlySet<string>): readonly string[];
  /**
   * Runs a task over partitions `node` serves, on that node's data engines (the table found there
   * by name and shape): its results, and the bytes they took on the way back.
   */
  run(node: string, table: TableSchema, task: FragmentTask, signal?: AbortSignal): Promise<RemoteResults>;
  /**
   * Digest reads: compares each reader's replica of each partition it reads with R−1 other
   * replicas and has it repair itself where they differ, before the scan. Throws
   * ReadersUnavailable naming readers that could not answer (plan again without them), 57P03 when
   * fewer than R replicas of a partition can be asked.
   */
  syncReads(reads: readonly ScanRead[], signal?: AbortSignal): Promise<void>;
  /** Whether a failure of run() means the node could not serve the task, so another replica may. */
  retriable(error: unknown): boolean;
}
