// A table's replication settings (N copies, W write acknowledgements, R read replicas) and its
// shape: what two nodes compare to agree that a table of the same name is the same table.

import { EonError } from '../../errors/index.js';
import { REPLICAS_DEFAULT } from '../ring/index.js';
import type { TableSchema } from '../../../storage/schema.js';

/** Copies of each row when a table sets none (as Dynamo, Riak and Cassandra). */
export const TABLE_REPLICAS_DEFAULT = REPLICAS_DEFAULT;
/**
 * Most copies a table may ask for (`WITH (replicas = …)`): every replica takes every write of the
 * table, so N beyond a handful buys little safety for much traffic.
 */
export const TABLE_REPLICAS_MAX = 7;
/** Acknowledgements a write waits for when a table sets none: a majority of the default N. */
export const WRITE_QUORUM_DEFAULT = 2;
/** Replicas a read consults when a table sets none. */
export const READ_QUORUM_DEFAULT = 2;

/**
 * W and R when a table sets N but not them: a majority of its N (so W + R > N, and two writes'
 * replica sets overlap), which for the default N is the defaults above.
 */
export function majorityOf(replicas: number): number {
  return Math.floor(replicas / 2) + 1;
}

if (WRITE_QUORUM_DEFAULT !== majorityOf(TABLE_REPLICAS_DEFAULT) || READ_QUORUM_DEFAULT !== majorityOf(TABLE_REPLICAS_DEFAULT)) {
  throw new Error('default quorums must be a majority of the default replica count');
}
if (TABLE_REPLICAS_DEFAULT > TABLE_REPLICAS_MAX) throw new Error('the default replica count must not exceed TABLE_REPLICAS_MAX');

export interface TableQuorum {
  readonly replicas: number;
  readonly writeQuorum: number;
  readonly readQuorum: number;
}

/** Checks 1 ≤ N ≤ TABLE_REPLICAS_MAX, 1 ≤ W ≤ N and 1 ≤ R ≤ N (invalid_parameter_value otherwise). */
export function checkQuorum(q: TableQuorum): TableQuorum {
  const { replicas: n, writeQuorum: w, readQuorum: r } = q;
  if (!Number.isInteger(n) || n < 1 || n > TABLE_REPLICAS_MAX) {
    throw new EonError('invalid_parameter_value', `replicas must be between 1 and ${TABLE_REPLICAS_MAX}, got ${n}`);
  }
  if (!Number.isInteger(w) || w < 1 || w > n) {
    throw new EonError('invalid_parameter_value', `write_quorum must be between 1 and replicas (${n}), got ${w}`);
  }
  if (!Number.isInteger(r) || r < 1 || r > n) {
    throw new EonError('invalid_parameter_value', `read_quorum must be between 1 and replicas (${n}), got ${r}`);
  }
  return q;
}

/** The settings a table (or a definition) sets; absent ones take the defaults. */
export type TableQuorumSettings = Pick<TableSchema, 'replicas' | 'writeQuorum' | 'readQuorum'>;

const quorums = new WeakMap<TableQuorumSettings, TableQuorum>();

/** The table's settings, defaults filled in (W and R: a majority of its N). */
export function tableQuorum(table: TableQuorumSettings): TableQuorum {
  let q = quorums.get(table);
  if (q === undefined) {
    const replicas = table.replicas ?? TABLE_REPLICAS_DEFAULT;
    q = checkQuorum({
      replicas,
      writeQuorum: table.writeQuorum ?? majorityOf(replicas),
      readQuorum: table.readQuorum ?? majorityOf(replicas),
    });
    quorums.set(table, q);
  }
  return q;
}

/**
 * A statement's own W or R for a table (eon.write_quorum / eon.read_quorum, a key-value request's
 * w / r), which counts replicas exactly as the table's does: invalid_parameter_value (22023) when
 * it is above the table's N, since no write can then be held by that many replicas of it.
 */
export function checkQuorumOverride(table: TableQuorumSettings & { readonly name: string }, kind: 'write' | 'read', value: number): number {
  const n = tableQuorum(table).replicas;
  if (!Number.isInteger(value) || value < 1 || value > n) {
    throw new EonError('invalid_parameter_value', `eon.${kind}_quorum = ${value} is more than table "${table.name}" has replicas (N = ${n})`, {
      hint: `Ask for 1 to ${n}, or SET eon.${kind}_quorum = default for the table's own ${kind === 'write' ? 'W' : 'R'}.`,
    });
  }
  return value;
}

/** The storage parameters (PostgreSQL's reloptions) that set them, by SQL name, and the schema field each sets. */
export const TABLE_OPTIONS = { replicas: 'replicas', write_quorum: 'writeQuorum', read_quorum: 'readQuorum' } as const;
export type TableOptionName = keyof typeof TABLE_OPTIONS;

/** The options a table sets as pg_class.reloptions lists them (`replicas=3`), in TABLE_OPTIONS' order; null when none. */
export function reloptionsOf(table: TableQuorumSettings): string[] | null {
  const out: string[] = [];
  for (const [name, field] of Object.entries(TABLE_OPTIONS)) {
    const v = table[field];
    if (v !== undefined) out.push(`${name}=${v}`);
  }
  return out.length === 0 ? null : out;
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
