// PostgreSQL type names (the parse tree's TypeName) → eon column types. The parser has already
// resolved SQL's spellings: `int` and `integer` arrive as pg_catalog.int4, `double precision`
// and `float(30)` as pg_catalog.float8, `timestamp with time zone` as pg_catalog.timestamptz,
// `character varying(n)` as pg_catalog.varchar with typmods [n].

import type { TypeName } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { T, timePrecision, type ColumnType } from '../../src/types/index.js';
import { integerOf, nameList } from '../parse/ast.js';

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

/** The schema every built-in type lives in: `pg_catalog.int4` is `int4`. */
const CATALOG_SCHEMA = 'pg_catalog';

/**
 * Type names eon's catalogs store differently, as cast targets: name and "char" columns are text
 * in eon, so `relname::name` and `relkind::"char"` are casts to text.
 */
const CAST_TYPE_SYNONYMS: Readonly<Record<string, string>> = { name: 'text', char: 'text' };

/** Names PostgreSQL users know for the internal names, for messages (`char(3)` is bpchar). */
const DISPLAY_NAMES: Readonly<Record<string, string>> = { bpchar: 'character' };

/** The type's own name with pg_catalog dropped, or null when it is qualified by another schema. */
function typeBaseName(t: TypeName): string | null {
  const names = nameList(t.names);
  if (names.length === 1) return names[0]!;
  if (names.length === 2 && names[0] === CATALOG_SCHEMA) return names[1]!;
  return null;
}

/** The type as written, for messages. */
function displayName(t: TypeName): string {
  const base = typeBaseName(t);
  if (base === null) return nameList(t.names).join('.');
  return DISPLAY_NAMES[base] ?? base;
}

function isArrayType(t: TypeName): boolean {
  return (t.arrayBounds ?? []).length > 0;
}

/** The integer type modifiers (`varchar(10)` → [10], `numeric(5,2)` → [5, 2]). */
function typmods(t: TypeName): number[] {
  return (t.typmods ?? []).map((m) => {
    const n = integerOf(m);
    if (n === undefined) throw new EonError('syntax_error', `type modifiers of ${displayName(t)} must be simple constants`);
    return n;
  });
}

/** The object-reference type a cast target names, or null. */
export function referenceTypeOf(t: TypeName): ReferenceType | null {
  const name = typeBaseName(t);
  return name !== null && (REFERENCE_TYPES as readonly string[]).includes(name) && !isArrayType(t) ? (name as ReferenceType) : null;
}

/** The element type of an array type (`int2[]`), or null when the type is not an array. */
export function arrayElementTypeOf(t: TypeName): ColumnType | null {
  if (!isArrayType(t)) return null;
  return dataTypeOf({ ...t, arrayBounds: [] });
}

/** A cast target's type: as dataTypeOf, with the catalogs' name and "char" read as text. */
export function castTargetTypeOf(t: TypeName): ColumnType {
  const base = typeBaseName(t);
  const synonym = base === null ? undefined : CAST_TYPE_SYNONYMS[base];
  return synonym === undefined ? dataTypeOf(t) : dataTypeOf({ ...t, names: [{ String: { sval: synonym } }] });
}

/** The element type of an array cast target (`::name[]` has text elements), or null. */
export function castElementTypeOf(t: TypeName): ColumnType | null {
  if (!isArrayType(t)) return null;
  return castTargetTypeOf({ ...t, arrayBounds: [] });
}

/**
 * PostgreSQL's interval field bits (INTERVAL_MASK(b) = 1 << b, datatype/timestamp.h and
 * utils/datetime.h): the first typmod of `interval '1' day` is the mask of its fields.
 */
const INTERVAL_FIELD_UNITS: readonly (readonly [mask: number, unit: string])[] = [
  // Smallest first: a bare number counts the smallest field of the range.
  [1 << 12, 'second'],
  [1 << 11, 'minute'],
  [1 << 10, 'hour'],
  [1 << 3, 'day'],
  [1 << 1, 'month'],
  [1 << 2, 'year'],
];
/** INTERVAL_FULL_RANGE: no fields given (`interval(3)`), a bare number counts seconds. */
const INTERVAL_FULL_RANGE = 0x7fff;

/**
 * The unit a bare number counts in an interval literal of type `t` (`interval '1' day` → 'day'),
 * or null when `t` is not an interval type with fields.
 */
export function intervalLiteralUnit(t: TypeName): string | null {
  if (typeBaseName(t) !== 'interval' || isArrayType(t)) return null;
  const mask = typmods(t)[0];
  if (mask === undefined || mask === INTERVAL_FULL_RANGE) return null;
  for (const [bit, unit] of INTERVAL_FIELD_UNITS) if ((mask & bit) !== 0) return unit;
  return null;
}

export function dataTypeOf(t: TypeName): ColumnType {
  if (isArrayType(t)) {
    throw new EonError('feature_not_supported', `array type ${displayName(t)}[] is not supported`);
  }
  const name = typeBaseName(t);
  const mods = typmods(t);
  const length = mods[0];
  switch (name) {
    case 'int4':
    // Catalog OIDs are int4 in eon (pg_class.oid, pg_attribute.atttypid, …).
    case 'oid':
      return T.int4;
    case 'int2':
      return T.int2;
    case 'int8':
      return T.int8;
    case 'float4':
      return T.float4;
    case 'float8':
      return T.float8;
    case 'numeric': {
      if (length === undefined) return T.numeric;
      const scale = mods[1] ?? 0;
      if (length < 1 || length > NUMERIC_PRECISION_MAX) {
        throw new EonError('invalid_parameter_value', `NUMERIC precision ${length} must be between 1 and ${NUMERIC_PRECISION_MAX}`);
      }
      if (scale < 0 || scale > length) {
        throw new EonError('invalid_parameter_value', `NUMERIC scale ${scale} must be between 0 and precision ${length}`);
      }
      return { kind: 'numeric', precision: length, scale };
    }
    case 'text':
      return T.text;
    case 'varchar':
      if (length === undefined) return T.varchar;
      if (length < 1 || length > VARCHAR_LENGTH_MAX) {
        throw new EonError('invalid_parameter_value', `length for type varchar must be between 1 and ${VARCHAR_LENGTH_MAX}`);
      }
      return { kind: 'varchar', length };
    case 'bool':
      return T.bool;
    case 'date':
      return T.date;
    // Fractional-second precisions (timestamp(3)) and interval fields (interval day) are not kept.
    case 'timestamp':
      return T.timestamp;
    case 'timestamptz':
      return T.timestamptz;
    case 'interval':
      return T.interval;
    case 'json':
      return T.json;
    case 'jsonb':
      return T.jsonb;
    case 'uuid':
      return T.uuid;
    case 'bytea':
      return T.bytea;
    case 'time':
      return length === undefined ? T.time : { kind: 'time', precision: timePrecision(length) };
    default:
      throw new EonError('feature_not_supported', `type "${displayName(t)}" is not supported`);
  }
}
