// Bitwise operators on integers: a & b, a | b, a # b (xor), a << n, a >> n, as PostgreSQL's
// int2/int4/int8 operators (JDBC's getIndexInfo reads indoption[i] & 1 for DESC). The operands
// take their common integer type (an untyped literal or catalog array element takes the other's);
// shifts keep the left operand's type and shift by an int4, as PostgreSQL's int*shl/int*shr do.

import { EonError } from '../../src/errors/index.js';
import { T, type ColumnType, type Value } from '../../src/types/index.js';
import type { Expr } from '../plan/expr.js';
import { coerce } from './typing.js';

export const BITWISE_OPERATORS: ReadonlySet<string> = new Set(['&', '|', '#', '<<', '>>']);

type IntKind = 'int2' | 'int4' | 'int8';
const RANK: Record<IntKind, number> = { int2: 0, int4: 1, int8: 2 };
const INT_TYPES: Record<IntKind, ColumnType> = { int2: T.int2, int4: T.int4, int8: T.int8 };
/** Bits of each integer type: shifts wrap within them as PostgreSQL's C shifts do. */
const BITS: Record<IntKind, bigint> = { int2: 16n, int4: 32n, int8: 64n };

function intKind(t: ColumnType): IntKind | 'unknown' | null {
  return t.kind === 'int2' || t.kind === 'int4' || t.kind === 'int8' || t.kind === 'unknown' ? t.kind : null;
}

function noOperator(op: string, l: ColumnType, r: ColumnType): EonError {
  const name = (t: ColumnType): string => (t.kind === 'int2' ? 'smallint' : t.kind === 'int4' ? 'integer' : t.kind === 'int8' ? 'bigint' : t.kind);
  return new EonError('undefined_function', `operator does not exist: ${name(l)} ${op} ${name(r)}`, {
    hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
  });
}

/** Wraps a BigInt result into the type's signed range and back to eon's value for that type. */
function toValue(kind: IntKind, v: bigint): Value {
  const wrapped = BigInt.asIntN(Number(BITS[kind]), v);
  return kind === 'int8' ? wrapped : Number(wrapped);
}

export function bindBitwise(op: string, left: Expr, right: Expr, params?: (ColumnType | undefined)[]): Expr {
  const lk = intKind(left.type);
  const rk = intKind(right.type);
  if (lk === null || rk === null) throw noOperator(op, left.type, right.type);
  const shift = op === '<<' || op === '>>';
  let kind: IntKind;
  if (shift) kind = lk === 'unknown' ? 'int4' : lk;
  else if (lk === 'unknown' && rk === 'unknown') kind = 'int4';
  else if (lk === 'unknown') kind = rk as IntKind;
  else if (rk === 'unknown') kind = lk;
  else kind = RANK[lk] >= RANK[rk] ? lk : rk;
  const type = INT_TYPES[kind];
  const l = coerce(left, type, 'implicit', params);
  const r = coerce(right, shift ? T.int4 : type, 'implicit', params);
  const fn = (args: readonly Value[]): Value => {
    const a = BigInt(args[0] as number | bigint);
    const b = BigInt(args[1] as number | bigint);
    switch (op) {
      case '&':
        return toValue(kind, a & b);
      case '|':
        return toValue(kind, a | b);
      case '#':
        return toValue(kind, a ^ b);
      case '<<':
        return toValue(kind, a << BigInt.asUintN(6, b) % BITS[kind]);
      default:
        return toValue(kind, a >> BigInt.asUintN(6, b) % BITS[kind]);
    }
  };
  return { kind: 'call', type, name: `bitwise ${op}`, args: [l, r], strict: true, volatile: false, fn };
}
