// The reads that can only use this node's own rows — a transaction block's reads of what it wrote,
// a block's primary-key lookups, UPDATE and DELETE reading their rows inside their own write —
// refuse a table with partitions this node does not serve, instead of answering from a part of
// it. Everything else reads those partitions where they are (query/distribute's coverage plans,
// point reads at the key's replicas).

import { EonError } from '../../src/errors/index.js';
import type { Value } from '../../src/types/index.js';
import { partitionOfKey, type TableSchema } from '../../storage/index.js';
import type { ExecContext } from './context.js';

/**
 * Throws 0A000 unless this node serves every partition of `table` (or, with `key`, the key's
 * partition). `read` names the read that uses this node's rows only.
 */
export function checkServedHere(ctx: ExecContext, table: TableSchema, read: string, key?: readonly Value[]): void {
  const store = ctx.store;
  if (store.getTable(table.name)?.id !== table.id) return; // a system table, computed here
  // Whole first, once per statement (a scan per outer row asks again and again): true at once on
  // a node alone, so a point lookup there hashes no key.
  let whole = ctx.servedWhole.get(table.id);
  if (whole === undefined) ctx.servedWhole.set(table.id, (whole = store.servesAll(table)));
  if (whole || (key !== undefined && store.servesPartition(table, partitionOfKey(table, key, store.partitions)))) return;
  throw new EonError('feature_not_supported', `this node does not serve ${key !== undefined ? "the key's partition" : 'every partition'} of table "${table.name}", and ${read} reads this node's rows only`, {
    hint: "Run it through a node that serves them. Queries outside a transaction block read each partition where it is served, and primary-key reads go to the key's replicas.",
  });
}
