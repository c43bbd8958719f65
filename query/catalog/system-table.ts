// The shape of a system table: where it lives, its columns, and rows computed at execution from
// the store's catalog, the cluster and the session.

import { T, type ColumnType, type Value } from '../../src/types/index.js';
import type { ColumnSchema } from '../../storage/index.js';
import type { SystemEnvironment } from './environment.js';

export type SystemSchemaName = 'pg_catalog' | 'information_schema';

export interface SystemTableDef {
  readonly schema: SystemSchemaName;
  readonly name: string;
  /** 'view' for what PostgreSQL defines as a view (pg_tables, pg_settings, information_schema). */
  readonly relkind: 'table' | 'view';
  readonly columns: readonly ColumnSchema[];
  rows(env: SystemEnvironment): Value[][];
}

type ColumnSpec = readonly [name: string, type: ColumnType];

/** A system table from `[name, type]` pairs; rows must follow the same order. */
export function systemTable(
  schema: SystemSchemaName,
  name: string,
  relkind: 'table' | 'view',
  columns: readonly ColumnSpec[],
  rows: (env: SystemEnvironment) => Value[][],
): SystemTableDef {
  return { schema, name, relkind, columns: columns.map(([n, type]) => ({ name: n, type, notNull: false })), rows };
}

/** Column types of PostgreSQL's catalog types eon lacks: oid, regproc, name → int4 / text. */
export const OID = T.int4;
export const NAME = T.text;
/** PostgreSQL's one-byte "char" (relkind, contype): a one-letter text. */
export const CHAR = T.text;
