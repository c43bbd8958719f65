// Secondary indexes and UNIQUE constraints in the catalogs: their pg_class relations, pg_index and
// pg_constraint rows, pg_indexes, and the text pg_get_indexdef / pg_get_constraintdef give, as
// PostgreSQL 15 shows them (primary keys are listed by pg-catalog.ts itself).

import type { Value } from '../../src/types/values.js';
import type { IndexSchema, TableSchema } from '../../storage/index.js';
import { INDEXES_PER_TABLE_MAX } from '../../storage/secondary-index.js';
import type { SystemEnvironment } from './environment.js';
import { PUBLIC_NAMESPACE_OID, tableOid } from './oids.js';
import type { Relation } from './relations.js';

/** Secondary index OIDs: INDEX_OID_BASE + table id × INDEXES_PER_TABLE_MAX + index id (above the other ranges). */
export const INDEX_OID_BASE = 1_800_000_000;

export function secondaryIndexOid(table: TableSchema, index: IndexSchema): number {
  return INDEX_OID_BASE + table.id * INDEXES_PER_TABLE_MAX + index.id;
}

/** Every secondary index with its table, in table then creation order. */
export function allIndexes(env: SystemEnvironment): { table: TableSchema; index: IndexSchema }[] {
  return env.store.listTables().flatMap((table) => (table.indexes ?? []).map((index) => ({ table, index })));
}

/** The index (and its table) of a secondary index or UNIQUE constraint OID. */
export function indexOfOid(env: SystemEnvironment, oid: number): { table: TableSchema; index: IndexSchema } | undefined {
  if (!Number.isInteger(oid) || oid <= INDEX_OID_BASE) return undefined;
  return allIndexes(env).find(({ table, index }) => secondaryIndexOid(table, index) === oid);
}

function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

function columnList(table: TableSchema, index: IndexSchema): string {
  return index.columns.map((c) => quoteIdent(table.columns[c]!.name)).join(', ');
}

/** pg_get_indexdef. */
export function indexDefinition(table: TableSchema, index: IndexSchema): string {
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(index.name)} ON public.${quoteIdent(table.name)} USING btree (${columnList(table, index)})`;
}

/** pg_get_constraintdef of a UNIQUE constraint. */
export function uniqueConstraintDefinition(table: TableSchema, index: IndexSchema): string {
  return `UNIQUE (${columnList(table, index)})`;
}

export function indexRelations(table: TableSchema): Relation[] {
  return (table.indexes ?? []).map((index) => ({
    oid: secondaryIndexOid(table, index),
    name: index.name,
    schema: 'public',
    namespaceOid: PUBLIC_NAMESPACE_OID,
    relkind: 'i',
    columns: index.columns.map((c) => table.columns[c]!),
    table,
  }));
}

/** pg_index rows, in pg-catalog.ts's column order. */
export function pgIndexRows(env: SystemEnvironment): Value[][] {
  return allIndexes(env).map(({ table, index }) => [
    secondaryIndexOid(table, index), tableOid(table), index.columns.length, index.columns.length, index.unique,
    false, false, true, false,
    true, false, true, true, false,
    // indoption: per-column flags (DESC, NULLS FIRST); eon's indexes are ascending, nulls last.
    index.columns.map((c) => c + 1).join(' '), index.columns.map(() => 0).join(' '), null, null,
  ]);
}

/** pg_constraint rows of UNIQUE constraints (the constraint shares its index's OID, as eon's primary keys do). */
export function pgConstraintUniqueRows(env: SystemEnvironment): Value[][] {
  return allIndexes(env)
    .filter(({ index }) => index.constraint)
    .map(({ table, index }) => [
      secondaryIndexOid(table, index), index.name, PUBLIC_NAMESPACE_OID, 'u', false, false,
      true, tableOid(table), 0, secondaryIndexOid(table, index), 0, 0,
      ' ', ' ', ' ', true, 0,
      true, `{${index.columns.map((c) => c + 1).join(',')}}`, null,
    ]);
}
