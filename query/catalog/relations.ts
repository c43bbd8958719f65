// Every relation the catalogs list, with its OID and namespace: user tables (schema public),
// their primary-key indexes, and the system tables themselves.

import type { ColumnSchema, TableSchema } from '../../storage/index.js';
import type { SystemEnvironment } from './environment.js';
import { INFORMATION_SCHEMA_NAMESPACE_OID, PG_CATALOG_NAMESPACE_OID, PUBLIC_NAMESPACE_OID, SYSTEM_TABLE_OID_BASE, primaryKeyOid, tableOid, viewOid } from './oids.js';
import type { SystemTableDef } from './system-table.js';
import { sequenceRelations } from './column-rules-catalog.js';
import { indexRelations } from './index-catalog.js';

export interface Relation {
  readonly oid: number;
  readonly name: string;
  readonly schema: string;
  readonly namespaceOid: number;
  /** pg_class.relkind: 'r' table, 'v' view, 'i' index, 'S' sequence. */
  readonly relkind: 'r' | 'v' | 'i' | 'S';
  readonly columns: readonly ColumnSchema[];
  /** The user table (for an index: the table it indexes). */
  readonly table: TableSchema | null;
}

export const SCHEMA_NAMESPACES: readonly (readonly [name: string, oid: number])[] = [
  ['pg_catalog', PG_CATALOG_NAMESPACE_OID],
  ['public', PUBLIC_NAMESPACE_OID],
  ['information_schema', INFORMATION_SCHEMA_NAMESPACE_OID],
];

export function namespaceOidOf(schema: string): number {
  return SCHEMA_NAMESPACES.find(([n]) => n === schema)?.[1] ?? PUBLIC_NAMESPACE_OID;
}

/** A user table's columns as the catalogs show them: primary-key columns are NOT NULL. */
export function userColumns(table: TableSchema): ColumnSchema[] {
  return table.columns.map((c, i) => (c.notNull || !table.primaryKey.includes(i) ? c : { ...c, notNull: true }));
}

export function primaryKeyName(table: TableSchema): string {
  return `${table.name}_pkey`;
}

export function systemTableOid(ordinal: number): number {
  return SYSTEM_TABLE_OID_BASE + ordinal;
}

export function listRelations(env: SystemEnvironment, systemTables: readonly SystemTableDef[]): Relation[] {
  const out: Relation[] = [];
  for (const t of env.store.listTables()) {
    const columns = userColumns(t);
    out.push({ oid: tableOid(t), name: t.name, schema: 'public', namespaceOid: PUBLIC_NAMESPACE_OID, relkind: 'r', columns, table: t });
    if (t.primaryKey.length > 0) {
      const keyColumns = t.primaryKey.map((k) => columns[k]!);
      out.push({ oid: primaryKeyOid(t), name: primaryKeyName(t), schema: 'public', namespaceOid: PUBLIC_NAMESPACE_OID, relkind: 'i', columns: keyColumns, table: t });
    }
    out.push(...indexRelations(t));
  }
  for (const v of env.store.listViews()) {
    const columns = v.columns.map((c) => ({ name: c.name, type: c.type, notNull: false }));
    out.push({ oid: viewOid(v), name: v.name, schema: 'public', namespaceOid: PUBLIC_NAMESPACE_OID, relkind: 'v', columns, table: null });
  }
  out.push(...sequenceRelations(env));
  systemTables.forEach((d, i) => {
    out.push({ oid: systemTableOid(i), name: d.name, schema: d.schema, namespaceOid: namespaceOidOf(d.schema), relkind: d.relkind === 'view' ? 'v' : 'r', columns: d.columns, table: null });
  });
  return out;
}
