// SQL types as eon knows them: the kind, its type modifiers and its PostgreSQL type OID.

export type TypeKind =
  | 'bool'
  | 'int2'
  | 'int4'
  | 'int8'
  | 'float4'
  | 'float8'
  | 'numeric'
  | 'text'
  | 'varchar'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  | 'interval'
  /** JSON text kept as written (validated on input). */
  | 'json'
  /** Normalized JSON, held as its canonical text (src/types/jsonb.ts). */
  | 'jsonb'
  | 'uuid'
  | 'bytea'
  /** time without time zone. */
  | 'time'
  /** An untyped literal or parameter whose type is not yet decided (PostgreSQL's `unknown`). */
  | 'unknown';

/** A column or expression type. `precision`/`scale` only for numeric (`precision` also for time(p)), `length` only for varchar. */
export interface ColumnType {
  readonly kind: TypeKind;
  readonly precision?: number;
  readonly scale?: number;
  readonly length?: number;
}

/** PostgreSQL type OIDs, as drivers read them from RowDescription and ParameterDescription. */
export const TYPE_OIDS: Readonly<Record<TypeKind, number>> = {
  bool: 16,
  int2: 21,
  int4: 23,
  int8: 20,
  float4: 700,
  float8: 701,
  numeric: 1700,
  text: 25,
  varchar: 1043,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  json: 114,
  jsonb: 3802,
  uuid: 2950,
  bytea: 17,
  time: 1083,
  unknown: 705,
};

/** The PostgreSQL name of each kind, as `format_type` prints it (without modifiers). */
export const TYPE_NAMES: Readonly<Record<TypeKind, string>> = {
  bool: 'boolean',
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  numeric: 'numeric',
  text: 'text',
  varchar: 'character varying',
  date: 'date',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  interval: 'interval',
  json: 'json',
  jsonb: 'jsonb',
  uuid: 'uuid',
  bytea: 'bytea',
  time: 'time without time zone',
  unknown: 'unknown',
};

export const T = {
  bool: { kind: 'bool' },
  int2: { kind: 'int2' },
  int4: { kind: 'int4' },
  int8: { kind: 'int8' },
  float4: { kind: 'float4' },
  float8: { kind: 'float8' },
  numeric: { kind: 'numeric' },
  text: { kind: 'text' },
  varchar: { kind: 'varchar' },
  date: { kind: 'date' },
  timestamp: { kind: 'timestamp' },
  timestamptz: { kind: 'timestamptz' },
  interval: { kind: 'interval' },
  json: { kind: 'json' },
  jsonb: { kind: 'jsonb' },
  uuid: { kind: 'uuid' },
  bytea: { kind: 'bytea' },
  time: { kind: 'time' },
  unknown: { kind: 'unknown' },
} as const satisfies Record<TypeKind, ColumnType>;

const KIND_BY_OID = new Map<number, TypeKind>(
  (Object.entries(TYPE_OIDS) as [TypeKind, number][]).map(([k, oid]) => [oid, k]),
);

export function typeOid(t: ColumnType): number {
  return TYPE_OIDS[t.kind];
}

/** The type for a PostgreSQL OID, or undefined for OIDs eon does not know. */
export function typeForOid(oid: number): ColumnType | undefined {
  const kind = KIND_BY_OID.get(oid);
  return kind === undefined ? undefined : T[kind];
}

/** `format_type` style name, with modifiers: `numeric(10,2)`, `character varying(20)`. */
export function typeName(t: ColumnType): string {
  const base = TYPE_NAMES[t.kind];
  if (t.kind === 'numeric' && t.precision !== undefined) {
    return `${base}(${t.precision},${t.scale ?? 0})`;
  }
  if (t.kind === 'varchar' && t.length !== undefined) return `${base}(${t.length})`;
  if (t.kind === 'time' && t.precision !== undefined) return `time(${t.precision}) without time zone`;
  return base;
}

/** The `atttypmod` a driver sees in RowDescription (-1 when there is none). */
export function typeModifier(t: ColumnType): number {
  if (t.kind === 'numeric' && t.precision !== undefined) {
    return ((t.precision << 16) | (t.scale ?? 0)) + 4;
  }
  if (t.kind === 'varchar' && t.length !== undefined) return t.length + 4;
  if (t.kind === 'time' && t.precision !== undefined) return t.precision;
  return -1;
}

/** Byte size PostgreSQL reports for the type in RowDescription (-1 for variable length). */
export function typeSize(t: ColumnType): number {
  switch (t.kind) {
    case 'bool':
      return 1;
    case 'int2':
      return 2;
    case 'int4':
    case 'float4':
    case 'date':
      return 4;
    case 'int8':
    case 'float8':
    case 'timestamp':
    case 'timestamptz':
    case 'time':
      return 8;
    case 'uuid':
      return 16;
    case 'interval':
      return 16;
    case 'numeric':
    case 'text':
    case 'varchar':
    case 'json':
    case 'jsonb':
    case 'bytea':
      return -1;
    case 'unknown':
      return -2;
  }
}

export function isIntegerKind(k: TypeKind): boolean {
  return k === 'int2' || k === 'int4' || k === 'int8';
}

export function isNumericKind(k: TypeKind): boolean {
  return isIntegerKind(k) || k === 'float4' || k === 'float8' || k === 'numeric';
}

export function isStringKind(k: TypeKind): boolean {
  return k === 'text' || k === 'varchar' || k === 'unknown';
}
