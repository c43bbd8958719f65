// Shared evaluation for the PostgreSQL-derived tables: parse a literal, run a function, and render
// the outcome the way the fixture recorded PostgreSQL's (text, or 'ERROR <sqlstate>: <message>').

import { EonError } from '../../../src/errors/index.js';
import { T, castValue, parseText, type ColumnType, type TypeKind, type Value } from '../../../src/types/index.js';

/** 'numeric(5,2)', 'varchar(5)', 'int4' → ColumnType. */
export function typeOf(spec: string): ColumnType {
  const m = /^(\w+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(spec);
  if (m === null) throw new Error(`bad type spec ${spec}`);
  const kind = m[1] as TypeKind;
  if (m[2] === undefined) return T[kind];
  if (kind === 'numeric') return { kind, precision: Number(m[2]), scale: Number(m[3] ?? 0) };
  return { kind, length: Number(m[2]) };
}

/** A literal of a kind: untyped literals stay strings, typed ones go through the input function. */
export function literal(kind: string, text: string): Value {
  return kind === 'unknown' ? text : parseText(typeOf(kind), text);
}

/** Runs `fn`, rendering a thrown EonError as PostgreSQL's fixture does. */
export function outcome(fn: () => string | null): string {
  try {
    const v = fn();
    return v === null ? 'NULL' : v;
  } catch (e) {
    if (e instanceof EonError) return `ERROR ${e.sqlstate}: ${e.message}`;
    throw e;
  }
}

/** A value rendered as `value::text` renders it (booleans as 'true'/'false'). */
export function asText(type: ColumnType, v: Value): string | null {
  return v === null ? null : (castValue(v, type, T.text) as string);
}
