// Casts into and out of json and jsonb as pg_cast has them: json ↔ jsonb (assignment), jsonb →
// smallint/integer/bigint/real/double precision/numeric/boolean (explicit, through the scalar
// inside), and the I/O casts with text. The caller (cast.ts) applies numeric → target itself.

import { EonError } from '../errors/index.js';
import type { TypeKind } from './column-type.js';
import { jsonbInput, jsonbTree, jsonbTypeName, isJsonArray, JsonObject } from './jsonb.js';
import { Numeric } from './numeric.js';
import type { Value } from './values.js';
import type { CastContext } from './cast.js';

export function isJsonKind(k: TypeKind): boolean {
  return k === 'json' || k === 'jsonb';
}

const JSONB_SCALAR_TARGETS: ReadonlySet<TypeKind> = new Set<TypeKind>(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'bool']);

const TARGET_LABEL: Partial<Record<TypeKind, string>> = {
  int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', numeric: 'numeric', bool: 'boolean',
};

/** castcontext of a cast with json or jsonb on one side (text casts are decided before this). */
export function jsonCastContext(f: TypeKind, t: TypeKind): CastContext {
  if (isJsonKind(f) && isJsonKind(t)) return 'assignment';
  if (f === 'jsonb' && JSONB_SCALAR_TARGETS.has(t)) return 'explicit';
  return 'none';
}

/**
 * Converts `v` of kind `f` where f or t is json/jsonb. Returns the value and its kind, which is
 * `t` or, for jsonb → number, `numeric` (the caller casts on to the target with numeric's rules).
 */
export function castJson(v: Value, f: TypeKind, t: TypeKind, label: (k: TypeKind) => string): { value: Value; kind: TypeKind } {
  const s = v as string;
  if (t === 'text' || t === 'varchar') return { value: s, kind: 'text' };
  if (f === 'json' && t === 'jsonb') return { value: jsonbInput(s), kind: 'jsonb' };
  if (f === 'jsonb' && t === 'json') return { value: s, kind: 'json' };
  if (f === 'jsonb' && JSONB_SCALAR_TARGETS.has(t)) {
    const tree = jsonbTree(s);
    const want = t === 'bool' ? 'boolean' : 'number';
    if (isJsonArray(tree) || tree instanceof JsonObject || jsonbTypeName(tree) !== want) {
      const got = isJsonArray(tree) ? 'array' : tree instanceof JsonObject ? 'object' : tree === null ? 'null' : typeof tree === 'string' ? 'string' : typeof tree === 'boolean' ? 'boolean' : 'numeric';
      throw new EonError('invalid_parameter_value', `cannot cast jsonb ${got} to type ${TARGET_LABEL[t] ?? t}`);
    }
    if (t === 'bool') return { value: tree as boolean, kind: 'bool' };
    return { value: tree as Numeric, kind: 'numeric' };
  }
  throw new EonError('cannot_coerce', `cannot cast type ${label(f)} to ${label(t)}`);
}
