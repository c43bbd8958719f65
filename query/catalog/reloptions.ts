// pg_class.reloptions of a table: the storage parameters it sets — its N, W, R and, when it is
// placed by other columns than its primary key's first, distribute_by — as PostgreSQL's text[]
// shows them (`{replicas=3,write_quorum=2}`), NULL when it sets none.

import { reloptionsOf } from '../../src/cluster/replication/table-quorum.js';
import type { TableSchema } from '../../storage/index.js';
import { formatArray } from './array-text.js';

/** The options the table sets, in the order CREATE TABLE … WITH lists them; null when none. */
export function tableOptions(table: TableSchema): string[] | null {
  const out = reloptionsOf(table) ?? [];
  const dk = table.distributionKey;
  const byDefault = dk.length === 1 && dk[0] === table.primaryKey[0];
  if (dk.length > 0 && !byDefault) out.push(`distribute_by=${dk.map((c) => table.columns[c]!.name).join(',')}`);
  return out.length === 0 ? null : out;
}

export function reloptionsText(table: TableSchema | null): string | null {
  const options = table === null ? null : tableOptions(table);
  return options === null ? null : formatArray(options);
}
