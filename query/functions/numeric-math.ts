// numeric overloads of the math functions whose result is exact on the scaled integer (rounding to
// a scale, ceil/floor, sign, mod, div, gcd/lcm); the transcendental ones wait for src/types.

import { EonError } from '../../src/errors/index.js';
import { Numeric, numericExp, numericLn, numericLog, numericPower } from '../../src/types/index.js';
import type { Value } from '../../src/types/index.js';
import { fn, type FunctionDef } from './definition.js';

/** PostgreSQL's NUMERIC_MAX_RESULT_SCALE: round/trunc clamp their scale argument to ±this. */
const numericResultScaleMax = 2000;

const powersOfTen: bigint[] = [1n];

function pow10(n: number): bigint {
  for (let i = powersOfTen.length; i <= n; i++) powersOfTen.push((powersOfTen[i - 1] as bigint) * 10n);
  return powersOfTen[n] as bigint;
}

function numeric(v: Value | undefined): Numeric {
  return v as Numeric;
}

function signOf(n: bigint): bigint {
  return n > 0n ? 1n : n < 0n ? -1n : 0n;
}

/** Both coefficients at the larger scale, so integer operations on them are exact. */
function align(a: Numeric, b: Numeric): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.coef * pow10(scale - a.scale), b.coef * pow10(scale - b.scale), scale];
}

/** round/trunc to `digits` after the point (negative: to tens, hundreds…), half away from zero. */
export function roundNumeric(n: Numeric, digits: number, mode: 'round' | 'trunc'): Numeric {
  const s = Math.min(Math.max(digits, -numericResultScaleMax), numericResultScaleMax);
  const resultScale = Math.max(s, 0);
  if (s >= n.scale) return new Numeric(n.coef * pow10(resultScale - n.scale), resultScale);
  const divisor = pow10(n.scale - s);
  let q = n.coef / divisor;
  if (mode === 'round') {
    const r = n.coef % divisor;
    if ((r < 0n ? -r : r) * 2n >= divisor) q += signOf(n.coef);
  }
  return s < 0 ? new Numeric(q * pow10(-s), 0) : new Numeric(q, s);
}

function ceilNumeric(n: Numeric, up: boolean): Numeric {
  const divisor = pow10(n.scale);
  let q = n.coef / divisor;
  const r = n.coef % divisor;
  if (up && r > 0n) q += 1n;
  if (!up && r < 0n) q -= 1n;
  return new Numeric(q, 0);
}

function divisionByZero(): EonError {
  return new EonError('division_by_zero', 'division by zero');
}

export function modNumeric(a: Numeric, b: Numeric): Numeric {
  const [x, y, scale] = align(a, b);
  if (y === 0n) throw divisionByZero();
  return new Numeric(x % y, scale);
}

export function divNumeric(a: Numeric, b: Numeric): Numeric {
  const [x, y] = align(a, b);
  if (y === 0n) throw divisionByZero();
  return new Numeric(x / y, 0);
}

function gcdBig(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function gcdNumeric(a: Numeric, b: Numeric): Numeric {
  const [x, y, scale] = align(a, b);
  return new Numeric(gcdBig(x, y), scale);
}

export function lcmNumeric(a: Numeric, b: Numeric): Numeric {
  const [x, y, scale] = align(a, b);
  if (x === 0n || y === 0n) return new Numeric(0n, scale);
  const l = (x / gcdBig(x, y)) * y;
  return new Numeric(l < 0n ? -l : l, scale);
}

/** width_bucket(operand, low, high, count): the 1-based bucket, 0 below and count+1 above. */
function widthBucket(op: Numeric, lo: Numeric, hi: Numeric, count: number): number {
  if (count <= 0) throw new EonError('invalid_argument_for_width_bucket_function', 'count must be greater than zero');
  const cmp = lo.compare(hi);
  if (cmp === 0) throw new EonError('invalid_argument_for_width_bucket_function', 'lower bound cannot equal upper bound');
  const n = new Numeric(BigInt(count), 0);
  if (cmp < 0) {
    if (op.compare(lo) < 0) return 0;
    if (op.compare(hi) >= 0) return count + 1;
    return Number(op.sub(lo).mul(n).divTrunc(hi.sub(lo)).coef) + 1;
  }
  if (op.compare(lo) > 0) return 0;
  if (op.compare(hi) <= 0) return count + 1;
  return Number(lo.sub(op).mul(n).divTrunc(lo.sub(hi)).coef) + 1;
}

const TEN = new Numeric(10n, 0);

export const numericMathFunctions: readonly FunctionDef[] = [
  fn('abs', ['numeric'], 'numeric', (a) => {
    const n = numeric(a[0]);
    return n.coef < 0n ? new Numeric(-n.coef, n.scale) : n;
  }),
  fn('sign', ['numeric'], 'numeric', (a) => new Numeric(signOf(numeric(a[0]).coef), 0)),
  fn('round', ['numeric'], 'numeric', (a) => roundNumeric(numeric(a[0]), 0, 'round')),
  fn('round', ['numeric', 'int4'], 'numeric', (a) => roundNumeric(numeric(a[0]), a[1] as number, 'round')),
  fn('trunc', ['numeric'], 'numeric', (a) => roundNumeric(numeric(a[0]), 0, 'trunc')),
  fn('trunc', ['numeric', 'int4'], 'numeric', (a) => roundNumeric(numeric(a[0]), a[1] as number, 'trunc')),
  fn('ceil', ['numeric'], 'numeric', (a) => ceilNumeric(numeric(a[0]), true)),
  fn('ceiling', ['numeric'], 'numeric', (a) => ceilNumeric(numeric(a[0]), true)),
  fn('floor', ['numeric'], 'numeric', (a) => ceilNumeric(numeric(a[0]), false)),
  fn('mod', ['numeric', 'numeric'], 'numeric', (a) => modNumeric(numeric(a[0]), numeric(a[1]))),
  fn('div', ['numeric', 'numeric'], 'numeric', (a) => divNumeric(numeric(a[0]), numeric(a[1]))),
  fn('gcd', ['numeric', 'numeric'], 'numeric', (a) => gcdNumeric(numeric(a[0]), numeric(a[1]))),
  fn('lcm', ['numeric', 'numeric'], 'numeric', (a) => lcmNumeric(numeric(a[0]), numeric(a[1]))),
  fn('sqrt', ['numeric'], 'numeric', (a) => numeric(a[0]).sqrt()),
  fn('exp', ['numeric'], 'numeric', (a) => numericExp(numeric(a[0]))),
  fn('ln', ['numeric'], 'numeric', (a) => numericLn(numeric(a[0]))),
  fn('log', ['numeric'], 'numeric', (a) => numericLog(TEN, numeric(a[0]))),
  fn('log10', ['numeric'], 'numeric', (a) => numericLog(TEN, numeric(a[0]))),
  fn('log', ['numeric', 'numeric'], 'numeric', (a) => numericLog(numeric(a[0]), numeric(a[1]))),
  fn('power', ['numeric', 'numeric'], 'numeric', (a) => numericPower(numeric(a[0]), numeric(a[1]))),
  fn('pow', ['numeric', 'numeric'], 'numeric', (a) => numericPower(numeric(a[0]), numeric(a[1]))),
  fn('width_bucket', ['numeric', 'numeric', 'numeric', 'int4'], 'int4', (a) => widthBucket(numeric(a[0]), numeric(a[1]), numeric(a[2]), a[3] as number)),
];
