// What the catalogs show of column DEFAULTs, sequences and CHECK constraints: pg_class rows of
// relkind 'S', pg_sequence, pg_attrdef (adbin holds the expression's text, which pg_get_expr
// returns as it is), pg_constraint rows of contype 'c' and information_schema's check views.

import { TYPE_OIDS, type Value } from '../../src/types/index.js';
import type { CheckConstraint, TableSchema } from '../../storage/index.js';
import type { SystemEnvironment } from './environment.js';
import { PUBLIC_NAMESPACE_OID, tableOid } from './oids.js';
import type { Relation } from './relations.js';

/** Sequence OIDs: this base + the sequence's id (above every table OID eon hands out). */
export const SEQUENCE_OID_BASE = 1_000_000_000;
/** CHECK constraint OIDs: this base + table id × TABLE_CHECKS_MAX + the check's ordinal. */
export const CHECK_OID_BASE = 1_200_000_000;
/** pg_attrdef OIDs: this base + table id × ATTRDEF_COLUMNS_MAX + the column's ordinal. */
export const ATTRDEF_OID_BASE = 1_600_000_000;
/** CHECK constraints one table may have (their OIDs are numbered per table). */
export const TABLE_CHECKS_MAX = 1_000;
/** Columns per table numbered in pg_attrdef's OID range (PostgreSQL's column limit). */
const ATTRDEF_COLUMNS_MAX = 1_600;

export function sequenceOid(id: number): number {
  return SEQUENCE_OID_BASE + id;
}

export function checkOid(table: TableSchema, ordinal: number): number {
  return CHECK_OID_BASE + table.id * TABLE_CHECKS_MAX + ordinal;
}

/** The sequences as relations (relkind 'S', no columns listed). */
export function sequenceRelations(env: SystemEnvironment): Relation[] {
  return env.store.sequences.list().map((s) => ({ oid: sequenceOid(s.id), name: s.options.name, schema: 'public', namespaceOid: PUBLIC_NAMESPACE_OID, relkind: 'S', columns: [], table: null }));
}

export function pgSequenceRows(env: SystemEnvironment): Value[][] {
  return env.store.sequences.list().map((s) => {
    const o = s.options;
    return [sequenceOid(s.id), TYPE_OIDS[o.type], BigInt(o.start), BigInt(o.increment), BigInt(o.max), BigInt(o.min), 1n, o.cycle];
  });
}

/** pg_attrdef: oid, adrelid, adnum, adbin. */
export function pgAttrdefRows(env: SystemEnvironment): Value[][] {
  const out: Value[][] = [];
  for (const t of env.store.listTables()) {
    t.columns.forEach((c, i) => {
      if (c.default !== undefined) out.push([ATTRDEF_OID_BASE + t.id * ATTRDEF_COLUMNS_MAX + i, tableOid(t), i + 1, c.default]);
    });
  }
  return out;
}

/** pg_attribute's atthasdef and attidentity of a column. */
export function attributeDefaultFlags(column: { default?: string; identity?: 'always' | 'by default' }): { hasDefault: boolean; identity: string } {
  return { hasDefault: column.default !== undefined, identity: column.identity === 'always' ? 'a' : column.identity === 'by default' ? 'd' : '' };
}

function checksOf(env: SystemEnvironment): { table: TableSchema; check: CheckConstraint; ordinal: number }[] {
  return env.store.listTables().flatMap((table) => (table.checks ?? []).map((check, ordinal) => ({ table, check, ordinal })));
}

/** pg_get_constraintdef of a check; pretty (its second argument) drops the expression's own parentheses. */
export function checkDefinitionText(check: CheckConstraint, pretty = false): string {
  return pretty ? `CHECK (${check.expr})` : `CHECK ((${check.expr}))`;
}

/** pg_get_constraintdef for a CHECK constraint OID; undefined when the OID is no check's. */
export function checkDefinitionOfOid(env: SystemEnvironment, oid: number, pretty = false): string | undefined {
  if (oid < CHECK_OID_BASE || oid >= ATTRDEF_OID_BASE) return undefined;
  const found = checksOf(env).find((c) => checkOid(c.table, c.ordinal) === oid);
  return found === undefined ? undefined : checkDefinitionText(found.check, pretty);
}

/** pg_constraint rows of the checks, in pg_constraint's column order. */
export function pgConstraintCheckRows(env: SystemEnvironment): Value[][] {
  return checksOf(env).map(({ table, check, ordinal }) => {
    const attnums = [...new Set(table.columns.map((c, i) => (referencesColumn(check.expr, c.name) ? i + 1 : 0)).filter((n) => n > 0))];
    return [
      checkOid(table, ordinal), check.name, PUBLIC_NAMESPACE_OID, 'c', false, false,
      true, tableOid(table), 0, 0, 0, 0,
      ' ', ' ', ' ', true, 0,
      false, attnums.length > 0 ? `{${attnums.join(',')}}` : null, null,
    ];
  });
}

/** Whether a check's text names a column (a word match: only for conkey, which tools rarely read). */
function referencesColumn(expr: string, column: string): boolean {
  const escaped = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_"])"?${escaped}"?($|[^A-Za-z0-9_])`, 'i').test(expr);
}

/** information_schema.table_constraints rows of the checks. */
export function tableConstraintCheckRows(env: SystemEnvironment): Value[][] {
  const db = env.session.database;
  return checksOf(env).map(({ table, check }) => [db, 'public', check.name, db, 'public', table.name, 'CHECK', 'NO', 'NO', 'YES', null]);
}

/** information_schema.check_constraints rows. */
export function checkConstraintRows(env: SystemEnvironment): Value[][] {
  const db = env.session.database;
  return checksOf(env).map(({ check }) => [db, 'public', check.name, checkDefinitionText(check).slice('CHECK '.length)]);
}
