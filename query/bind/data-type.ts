// node-sql-parser data type nodes → eon column types.

import { EonError } from '../../src/errors/index.js';
import { T, type ColumnType } from '../../src/types/index.js';
import type { Ast } from '../parse/parser.js';

/** PostgreSQL's numeric precision limit. */
export const NUMERIC_PRECISION_MAX = 1000;
/** PostgreSQL's varchar length limit (10 MiB of characters). */
export const VARCHAR_LENGTH_MAX = 10_485_760;

/**
 * PostgreSQL's object-reference types (regclass, regtype, …). eon's catalog OIDs are int4: a cast
 * to one of them is the function of that name (text → the object's OID, int4 → itself).
 */
export const REFERENCE_TYPES = ['regclass', 'regtype', 'regnamespace', 'regrole', 'regproc', 'regprocedure', 'regoper', 'regoperator', 'regconfig', 'regdictionary', 'regcollation'] as const;
export type ReferenceType = (typeof REFERENCE_TYPES)[number];

/** The object-reference type a cast target names, or null. */
export function referenceTypeOf(node: Ast): ReferenceType | null {
  const name = String(node.dataType ?? '').toLowerCase();
  return (REFERENCE_TYPES as readonly string[]).includes(name) && !isArrayType(node) ? (name as ReferenceType) : null;
}

/** Whether a type node is an array: node-sql-parser marks `int2[]` with `array`, but spells `text[]` as the name "TEXT[]". */
function isArrayType(node: Ast): boolean {
  return (node.array !== undefined && node.array !== null) || String(node.dataType ?? '').endsWith('[]');
}

/** The element type of an array type node (`int2[]`), or null when the node is not an array. */
export function arrayElementTypeOf(node: Ast): ColumnType | null {
  if (!isArrayType(node)) return null;
  return dataTypeOf({ ...node, array: undefined, dataType: String(node.dataType ?? '').replace(/(\[\])+$/, '') });
}

export function dataTypeOf(node: Ast): ColumnType {
  const name = String(node.dataType ?? '').toUpperCase();
  if (isArrayType(node)) {
    throw new EonError('feature_not_supported', `array type ${String(node.dataType).toLowerCase().replace(/(\[\])+$/, '')}[] is not supported`);
  }
  const length = typeof node.length === 'number' ? node.length : undefined;
  const suffix: string[] = Array.isArray(node.suffix) ? node.suffix.map((s: unknown) => String(s).toUpperCase()) : [];
  switch (name) {
    case 'INT':
      if (length === 2) return T.int2;
      if (length === 8) return T.int8;
      return T.int4;
    case 'INTEGER':
    case 'INT4':
    // Catalog OIDs are int4 in eon (pg_class.oid, pg_attribute.atttypid, …).
    case 'OID':
      return T.int4;
    case 'SMALLINT':
    case 'INT2':
      return T.int2;
    case 'BIGINT':
    case 'INT8':
      return T.int8;
    case 'REAL':
    case 'FLOAT4':
      return T.float4;
    case 'FLOAT':
      if (length === 4) return T.float4;
      if (length !== undefined && length <= 24 && node.parentheses) return T.float4;
      return T.float8;
    case 'DOUBLE PRECISION':
    case 'DOUBLEPRECISION':
    case 'DOUBLE':
    case 'FLOAT8':
      return T.float8;
    case 'NUMERIC':
    case 'DECIMAL': {
      if (length === undefined) return T.numeric;
      const scale = typeof node.scale === 'number' ? node.scale : 0;
      if (length < 1 || length > NUMERIC_PRECISION_MAX) {
        throw new EonError('invalid_parameter_value', `NUMERIC precision ${length} must be between 1 and ${NUMERIC_PRECISION_MAX}`);
      }
      if (scale < 0 || scale > length) {
        throw new EonError('invalid_parameter_value', `NUMERIC scale ${scale} must be between 0 and precision ${length}`);
      }
      return { kind: 'numeric', precision: length, scale };
    }
    case 'TEXT':
      return T.text;
    case 'VARCHAR':
    case 'CHARACTER VARYING':
      if (length === undefined) return T.varchar;
      if (length < 1 || length > VARCHAR_LENGTH_MAX) {
        throw new EonError('invalid_parameter_value', `length for type varchar must be between 1 and ${VARCHAR_LENGTH_MAX}`);
      }
      return { kind: 'varchar', length };
    case 'BOOL':
    case 'BOOLEAN':
      return T.bool;
    case 'DATE':
      return T.date;
    case 'TIMESTAMP':
      return suffix.includes('WITH') && !suffix.includes('WITHOUT') ? T.timestamptz : T.timestamp;
    case 'TIMESTAMPTZ':
      return T.timestamptz;
    case 'INTERVAL':
      return T.interval;
    default:
      throw new EonError('feature_not_supported', `type "${String(node.dataType).toLowerCase()}" is not supported`);
  }
}
