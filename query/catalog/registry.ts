// The system tables by schema and name, and the link between a bound scan of one and its rows.
// A system table binds as an ordinary scan of a TableSchema with a negative id and no key: the
// optimizer finds no key to look up, the Store counts no rows in it (so it never becomes a
// data-engine fragment), and the executor asks systemTableRows for its rows.

import type { Value } from '../../src/types/index.js';
import type { TableSchema } from '../../storage/index.js';
import { compilingEnvironment, type SystemEnvironment } from './environment.js';
import { eonTables } from './eon-tables.js';
import { eonTableQuorums } from './eon-table-quorums.js';
import { informationSchemaTables } from './information-schema.js';
import { pgCatalogTables } from './pg-catalog.js';
import { pgStatsTables } from './pg-stats.js';
import type { SystemTableDef } from './system-table.js';

export const SYSTEM_TABLES: readonly SystemTableDef[] = [
  ...pgCatalogTables(() => SYSTEM_TABLES),
  ...eonTables(),
  ...eonTableQuorums(),
  ...informationSchemaTables(() => SYSTEM_TABLES),
  ...pgStatsTables(),
];

const BY_NAME = new Map<string, { def: SystemTableDef; ordinal: number }>(SYSTEM_TABLES.map((def, ordinal) => [`${def.schema}.${def.name}`, { def, ordinal }]));

/** Each bound system-table scan, with the environment of the session that compiled it. */
const bound = new WeakMap<TableSchema, { def: SystemTableDef; env: SystemEnvironment }>();

/**
 * The system table `schema.name`, or for an unqualified name (schema null) the pg_catalog table
 * of that name, which PostgreSQL's search path puts before public. Undefined when there is none,
 * or when no session is compiling (system tables need one for their rows).
 */
export function resolveSystemTable(schema: string | null, name: string): TableSchema | undefined {
  const entry = BY_NAME.get(`${schema ?? 'pg_catalog'}.${name}`);
  if (entry === undefined) return undefined;
  const env = compilingEnvironment();
  if (env === null) return undefined;
  const table: TableSchema = {
    id: -(entry.ordinal + 1),
    name: entry.def.name,
    columns: entry.def.columns.map((c) => ({ ...c })),
    primaryKey: [],
    distributionKey: [],
  };
  bound.set(table, { def: entry.def, env });
  return table;
}

/** Whether a schema name holds system tables only (a user table cannot live there). */
export function isSystemSchema(schema: string): boolean {
  return schema === 'pg_catalog' || schema === 'information_schema';
}

export function isSystemTable(table: TableSchema): boolean {
  return bound.has(table);
}

/** The current rows of a bound system table; null for any other table. */
export function systemTableRows(table: TableSchema): Value[][] | null {
  const b = bound.get(table);
  return b === undefined ? null : b.def.rows(b.env);
}
