// What the catalogs say about eon's types: pg_type's fields, format_type's text and the
// information_schema.columns size fields, all as PostgreSQL 15 reports them.

import { TYPE_NAMES, TYPE_OIDS, typeModifier, type ColumnType, type TypeKind } from '../../src/types/index.js';

interface TypeRow {
  readonly kind: TypeKind;
  readonly typname: string;
  readonly typlen: number;
  readonly typcategory: string;
  /** The OID of the type's array type (eon has no arrays; clients read it to recognise types). */
  readonly typarray: number;
  /** PostgreSQL's default storage strategy: p plain, x extended, m main (psql's \d+ Storage). */
  readonly typstorage: 'p' | 'x' | 'm';
}

export const TYPE_ROWS: readonly TypeRow[] = [
  { kind: 'bool', typname: 'bool', typlen: 1, typcategory: 'B', typarray: 1000, typstorage: 'p' },
  { kind: 'int2', typname: 'int2', typlen: 2, typcategory: 'N', typarray: 1005, typstorage: 'p' },
  { kind: 'int4', typname: 'int4', typlen: 4, typcategory: 'N', typarray: 1007, typstorage: 'p' },
  { kind: 'int8', typname: 'int8', typlen: 8, typcategory: 'N', typarray: 1016, typstorage: 'p' },
  { kind: 'float4', typname: 'float4', typlen: 4, typcategory: 'N', typarray: 1021, typstorage: 'p' },
  { kind: 'float8', typname: 'float8', typlen: 8, typcategory: 'N', typarray: 1022, typstorage: 'p' },
  { kind: 'numeric', typname: 'numeric', typlen: -1, typcategory: 'N', typarray: 1231, typstorage: 'm' },
  { kind: 'text', typname: 'text', typlen: -1, typcategory: 'S', typarray: 1009, typstorage: 'x' },
  { kind: 'varchar', typname: 'varchar', typlen: -1, typcategory: 'S', typarray: 1015, typstorage: 'x' },
  { kind: 'date', typname: 'date', typlen: 4, typcategory: 'D', typarray: 1182, typstorage: 'p' },
  { kind: 'timestamp', typname: 'timestamp', typlen: 8, typcategory: 'D', typarray: 1115, typstorage: 'p' },
  { kind: 'timestamptz', typname: 'timestamptz', typlen: 8, typcategory: 'D', typarray: 1185, typstorage: 'p' },
  { kind: 'interval', typname: 'interval', typlen: 16, typcategory: 'T', typarray: 1187, typstorage: 'p' },
  { kind: 'json', typname: 'json', typlen: -1, typcategory: 'U', typarray: 199, typstorage: 'x' },
  { kind: 'jsonb', typname: 'jsonb', typlen: -1, typcategory: 'U', typarray: 3807, typstorage: 'x' },
  { kind: 'uuid', typname: 'uuid', typlen: 16, typcategory: 'U', typarray: 2951, typstorage: 'p' },
  { kind: 'bytea', typname: 'bytea', typlen: -1, typcategory: 'U', typarray: 1001, typstorage: 'x' },
  { kind: 'time', typname: 'time', typlen: 8, typcategory: 'D', typarray: 1183, typstorage: 'p' },
];

const BY_OID = new Map<number, TypeRow>(TYPE_ROWS.map((r) => [TYPE_OIDS[r.kind], r]));

export function typeRowOfOid(oid: number): TypeRow | undefined {
  return BY_OID.get(oid);
}

/** PostgreSQL's VARHDRSZ: typmods of varchar and numeric carry it. */
const TYPMOD_HEADER = 4;

/** format_type(oid, typmod): the SQL name, with the modifier when one is given; '???' for unknown OIDs. */
export function formatType(oid: number, typmod: number | null): string {
  const row = BY_OID.get(oid);
  if (row === undefined) return '???';
  const base = TYPE_NAMES[row.kind];
  // time's typmod is its precision itself, without the header.
  if (row.kind === 'time' && typmod !== null && typmod >= 0) return `time(${typmod}) without time zone`;
  if (typmod === null || typmod < TYPMOD_HEADER) return base;
  if (row.kind === 'varchar') return `${base}(${typmod - TYPMOD_HEADER})`;
  if (row.kind === 'numeric') {
    const t = typmod - TYPMOD_HEADER;
    return `${base}(${(t >> 16) & 0xffff},${t & 0xffff})`;
  }
  return base;
}

export { typeModifier };

/** information_schema.columns' size fields. */
export interface ColumnSizes {
  readonly characterMaximumLength: number | null;
  readonly characterOctetLength: number | null;
  readonly numericPrecision: number | null;
  readonly numericPrecisionRadix: number | null;
  readonly numericScale: number | null;
  readonly datetimePrecision: number | null;
}

/** PostgreSQL's character_octet_length for unbounded text: the 1 GB field limit. */
const TEXT_OCTETS_MAX = 1_073_741_824;
/** Bytes per character of the UTF8 encoding's widest character, for varchar(n)'s octet length. */
const UTF8_BYTES_PER_CHAR_MAX = 4;
const BINARY_PRECISION: Partial<Record<TypeKind, number>> = { int2: 16, int4: 32, int8: 64, float4: 24, float8: 53 };
/** Fractional-second digits of timestamps and intervals (PostgreSQL's default, and eon's only). */
const DATETIME_PRECISION = 6;

export function columnSizes(t: ColumnType): ColumnSizes {
  const none = { characterMaximumLength: null, characterOctetLength: null, numericPrecision: null, numericPrecisionRadix: null, numericScale: null, datetimePrecision: null };
  switch (t.kind) {
    case 'text':
      return { ...none, characterOctetLength: TEXT_OCTETS_MAX };
    case 'varchar':
      return t.length === undefined
        ? { ...none, characterOctetLength: TEXT_OCTETS_MAX }
        : { ...none, characterMaximumLength: t.length, characterOctetLength: t.length * UTF8_BYTES_PER_CHAR_MAX };
    case 'int2':
    case 'int4':
    case 'int8':
      return { ...none, numericPrecision: BINARY_PRECISION[t.kind]!, numericPrecisionRadix: 2, numericScale: 0 };
    case 'float4':
    case 'float8':
      return { ...none, numericPrecision: BINARY_PRECISION[t.kind]!, numericPrecisionRadix: 2 };
    case 'numeric':
      return t.precision === undefined
        ? { ...none, numericPrecisionRadix: 10 }
        : { ...none, numericPrecision: t.precision, numericPrecisionRadix: 10, numericScale: t.scale ?? 0 };
    case 'date':
      return { ...none, datetimePrecision: 0 };
    case 'timestamp':
    case 'timestamptz':
    case 'interval':
      return { ...none, datetimePrecision: DATETIME_PRECISION };
    case 'time':
      return { ...none, datetimePrecision: t.precision ?? DATETIME_PRECISION };
    case 'uuid':
    case 'bytea':
      return none;
    case 'bool':
    case 'unknown':
    case 'json':
    case 'jsonb':
      return none;
    default: {
      const never: never = t.kind;
      throw new Error(`unexpected type kind ${String(never)}`);
    }
  }
}

/** The information_schema data_type: the SQL name without modifiers. */
export function dataTypeName(t: ColumnType): string {
  return TYPE_NAMES[t.kind];
}

/** pg_type.typname of a column's type. */
export function udtName(t: ColumnType): string {
  return TYPE_ROWS.find((r) => r.kind === t.kind)?.typname ?? TYPE_NAMES[t.kind];
}
