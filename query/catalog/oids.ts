// Object identifiers the catalogs hand out. PostgreSQL's own objects keep their real OIDs (types,
// namespaces, the bootstrap role); user objects are numbered from 16384, where PostgreSQL starts.

import type { TableSchema } from '../../storage/index.js';

export const PG_CATALOG_NAMESPACE_OID = 11;
export const PG_TOAST_NAMESPACE_OID = 99;
export const PUBLIC_NAMESPACE_OID = 2200;
/** PostgreSQL assigns information_schema an OID at initdb (13xxx); eon fixes one in that range. */
export const INFORMATION_SCHEMA_NAMESPACE_OID = 13_000;
/** The one role: the bootstrap superuser's OID, shown under the session's user name. */
export const SUPERUSER_ROLE_OID = 10;
export const HEAP_AM_OID = 2;
export const BTREE_AM_OID = 403;
/** PostgreSQL's encoding number for UTF8. */
export const UTF8_ENCODING = 6;
export const DEFAULT_COLLATION_OID = 100;

/** First OID of user objects (FirstNormalObjectId). */
export const USER_OID_BASE = 16_384;
/** System tables are numbered below the user range: SYSTEM_TABLE_OID_BASE + their ordinal. */
export const SYSTEM_TABLE_OID_BASE = 12_000;
/** Each user table takes two OIDs: the table, then its primary-key index (and constraint). */
export const USER_OIDS_PER_TABLE = 2;

export function tableOid(table: TableSchema): number {
  return USER_OID_BASE + USER_OIDS_PER_TABLE * table.id;
}

/** A view's OID: views take ids from the tables' sequence, so it is the OID a table of that id would have. */
export function viewOid(view: { readonly id: number }): number {
  return USER_OID_BASE + USER_OIDS_PER_TABLE * view.id;
}

/** The OID of a table's primary-key index; its pg_constraint row uses the same number. */
export function primaryKeyOid(table: TableSchema): number {
  return tableOid(table) + 1;
}

/** The user table whose table (or primary-key) OID this is. */
export function tableIdOfOid(oid: number): { id: number; index: boolean } | null {
  if (!Number.isInteger(oid) || oid < USER_OID_BASE) return null;
  const rel = oid - USER_OID_BASE;
  return { id: Math.floor(rel / USER_OIDS_PER_TABLE), index: rel % USER_OIDS_PER_TABLE === 1 };
}

/** Databases a client may connect to (as protocol/pg's startup accepts them), with their OIDs. */
export const DATABASE_OIDS: readonly (readonly [name: string, oid: number])[] = [
  ['postgres', 5],
  ['eon', 16_383],
];
