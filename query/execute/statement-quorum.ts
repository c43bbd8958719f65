// A statement's own quorums: the session settings eon.write_quorum and eon.read_quorum (which the
// key-value routes set from a request's w and r) in place of the tables' W and R. Checked against
// each table's N before anything is read or written, so a too-large value fails the statement
// (22023) rather than a write that already committed on this node.

import { checkQuorumOverride, tableQuorum } from '../../src/cluster/replication/table-quorum.js';
import type { TableSchema } from '../../storage/index.js';
import type { CoveragePolicy } from './exchange/remote-engines.js';
import { planChildren, type Plan } from '../plan/logical.js';

/**
 * How a scan on a cluster reads a partition (eon.read_consistency): `quorum` compares the digest
 * of the replica it reads with R−1 other replicas' and repairs it first where they differ (digest
 * reads), so it sees every write acknowledged at W before it started; `one` reads one replica as
 * it is, which may lack writes another coordinator made recently.
 */
export type ReadConsistency = 'one' | 'quorum';
export const READ_CONSISTENCIES: readonly ReadConsistency[] = ['one', 'quorum'];

/**
 * How the statement's joins run (eon.join_strategy): `auto` by the planner's rules; `broadcast`
 * runs every join the data engines can (an aggregate over joins of one scanned table with others)
 * there, the other sides hashed and sent to them, whatever the sizes; `gather` runs every join on
 * the coordinator over both sides' rows. For tests and comparisons: the answers must not change.
 */
export type JoinStrategy = 'auto' | 'broadcast' | 'gather';
export const JOIN_STRATEGIES: readonly JoinStrategy[] = ['auto', 'broadcast', 'gather'];

/**
 * The statement's W and R (null: each table's own), how its scans pick replicas (eon.coverage) and
 * how many they compare (eon.read_consistency), and how its joins run (eon.join_strategy).
 */
export interface StatementQuorum {
  readonly write: number | null;
  readonly read: number | null;
  readonly coverage: CoveragePolicy;
  readonly scans: ReadConsistency;
  readonly joins: JoinStrategy;
}

/** No override: every table's own W and R; scans read here what this node serves, at quorum; joins by the planner. */
export const TABLE_QUORUMS: StatementQuorum = { write: null, read: null, coverage: 'local', scans: 'quorum', joins: 'auto' };

/** The replicas whose digests a scan of `table` compares: the statement's R or the table's, 1 under `one`. */
export function scanReadQuorum(table: TableSchema, quorum: StatementQuorum | undefined): number {
  if (quorum?.scans === 'one') return 1;
  return quorum?.read ?? tableQuorum(table).readQuorum;
}

/** The W a write of `tables` waits for in place of theirs (undefined: theirs); 22023 above a table's N. */
export function writeQuorumFor(tables: readonly TableSchema[], quorum: StatementQuorum | undefined): number | undefined {
  const w = quorum?.write ?? null;
  if (w === null) return undefined;
  for (const t of tables) checkQuorumOverride(t, 'write', w);
  return w;
}

/**
 * The R the plan's primary-key lookups read with in place of their tables' (undefined: theirs);
 * 22023 above a looked-up table's N. Only `stored` tables count: scans read this node's store and
 * take no R, and neither do system tables (computed here, never replicated).
 */
export function readQuorumFor(plan: Plan, quorum: StatementQuorum | undefined, stored: (table: TableSchema) => boolean): number | undefined {
  const r = quorum?.read ?? null;
  if (r === null) return undefined;
  const check = (p: Plan): void => {
    if (p.kind === 'scan' && p.keyLookup !== null && stored(p.table)) checkQuorumOverride(p.table, 'read', r);
    for (const child of planChildren(p)) check(child);
  };
  check(plan);
  return r;
}
