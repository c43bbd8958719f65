// A table's replication settings (N copies, W write acknowledgements, R read replicas) and its
// shape: what two nodes compare to agree that a table of the same name is the same table.

import { EonError } from '../../errors/index.js';
import { REPLICAS_DEFAULT } from '../ring/index.js';
import type { TableSchema } from '../../../storage/schema.js';

/** Copies of each row when a table sets none (as Dynamo, Riak and Cassandra). */
export const TABLE_REPLICAS_DEFAULT = REPLICAS_DEFAULT;
/** Acknowledgements a write waits for when a table sets none: a majority of the default N. */
export const WRITE_QUORUM_DEFAULT = 2;
/** Replicas a read consults when a table sets none. */
export const READ_QUORUM_DEFAULT = 2;

if (WRITE_QUORUM_DEFAULT > TABLE_REPLICAS_DEFAULT || READ_QUORUM_DEFAULT > TABLE_REPLICAS_DEFAULT) {
  throw new Error('default quorums must not exceed the default replica count');
}

export interface TableQuorum {
  readonly replicas: number;
  readonly writeQuorum: number;
  readonly readQuorum: number;
}

/** Checks 1 ≤ W ≤ N and 1 ≤ R ≤ N (invalid_parameter_value otherwise). */
export function checkQuorum(q: TableQuorum): TableQuorum {
  const { replicas: n, writeQuorum: w, readQuorum: r } = q;
  if (!Number.isInteger(n) || n < 1) throw new EonError('invalid_parameter_value', `replicas must be an integer of at least 1, got ${n}`);
  if (!Number.isInteger(w) || w < 1 || w > n) {
    throw new EonError('invalid_parameter_value', `write_quorum must be between 1 and replicas (${n}), got ${w}`);
  }
  if (!Number.isInteger(r) || r < 1 || r > n) {
    throw new EonError('invalid_parameter_value', `read_quorum must be between 1 and replicas (${n}), got ${r}`);
  }
  return q;
}

/** The table's settings, defaults filled in. */
export function tableQuorum(table: TableSchema): TableQuorum {
  return checkQuorum({
    replicas: table.replicas ?? TABLE_REPLICAS_DEFAULT,
    writeQuorum: table.writeQuorum ?? WRITE_QUORUM_DEFAULT,
    readQuorum: table.readQuorum ?? READ_QUORUM_DEFAULT,
  });
}

const shapes = new WeakMap<TableSchema, string>();

/**
 * Column types (with their parameters), NOT NULL, primary and distribution key: equal shapes mean
 * encoded keys and rows from one node mean the same thing on the other. Table ids and column
 * names are left out (ids may differ between nodes until the catalog is replicated).
 */
export function tableShape(table: TableSchema): string {
  let shape = shapes.get(table);
  if (shape === undefined) {
    shape = JSON.stringify([
      table.columns.map((c) => [c.type.kind, c.type.precision ?? null, c.type.scale ?? null, c.type.length ?? null, c.notNull]),
      table.primaryKey,
      table.distributionKey,
    ]);
    shapes.set(table, shape);
  }
  return shape;
}
