// Mathematical functions with PostgreSQL 15 semantics: integer overloads keep their width and
// check overflow, float8 follows float.c (rint rounding, domain errors, overflow/underflow checks).

import { EonError } from '../../src/errors/index.js';
import type { Value } from '../../src/types/index.js';
import { fn, type FunctionDef } from './definition.js';
import { numericMathFunctions } from './numeric-math.js';

const int2Min = -32768;
const int4Max = 2147483647;
const int4Min = -2147483648;
const int8Max = 9223372036854775807n;
const int8Min = -9223372036854775808n;
/** PostgreSQL's RADIANS_PER_DEGREE, to the digit, so degrees()/radians() round identically. */
const radiansPerDegree = 0.0174532925199432957692;

function num(v: Value | undefined): number {
  return v as number;
}
function big(v: Value | undefined): bigint {
  return v as bigint;
}

function outOfRange(kind: 'smallint' | 'integer' | 'bigint'): EonError {
  return new EonError('numeric_value_out_of_range', `${kind} out of range`);
}
function divisionByZero(): EonError {
  return new EonError('division_by_zero', 'division by zero');
}
function inputOutOfRange(): EonError {
  return new EonError('numeric_value_out_of_range', 'input is out of range');
}
function floatOverflow(): EonError {
  return new EonError('numeric_value_out_of_range', 'value out of range: overflow');
}
function floatUnderflow(): EonError {
  return new EonError('numeric_value_out_of_range', 'value out of range: underflow');
}

/** C's rint(): round half to even, keeping the sign of zero. */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function checkFloat(result: number, inputInfinite: boolean, zeroAllowed: boolean): number {
  if (result === Infinity || result === -Infinity) {
    if (!inputInfinite) throw floatOverflow();
  } else if (result === 0 && !zeroAllowed) throw floatUnderflow();
  return result;
}

export function sqrt(x: number): number {
  if (x < 0) throw new EonError('invalid_argument_for_power_function', 'cannot take square root of a negative number');
  return Math.sqrt(x);
}

function logArgument(x: number): void {
  if (x === 0) throw new EonError('invalid_argument_for_logarithm', 'cannot take logarithm of zero');
  if (x < 0) throw new EonError('invalid_argument_for_logarithm', 'cannot take logarithm of a negative number');
}

export function ln(x: number): number {
  logArgument(x);
  return Math.log(x);
}

export function log10(x: number): number {
  logArgument(x);
  return Math.log10(x);
}

export function exp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === Infinity) return x;
  if (x === -Infinity) return 0;
  return checkFloat(Math.exp(x), false, false);
}

/** dpow(): POSIX pow() special cases, which JavaScript's Math.pow does not all follow. */
export function power(x: number, y: number): number {
  if (Number.isNaN(x)) return Number.isNaN(y) || y !== 0 ? NaN : 1;
  if (Number.isNaN(y)) return x === 1 ? 1 : NaN;
  if (x === 0 && y < 0) {
    throw new EonError('invalid_argument_for_power_function', 'zero raised to a negative power is undefined');
  }
  if (x < 0 && Math.floor(y) !== y) {
    throw new EonError(
      'invalid_argument_for_power_function',
      'a negative number raised to a non-integer power yields a complex result',
    );
  }
  if (y === Infinity || y === -Infinity) {
    const ax = Math.abs(x);
    if (ax === 1) return 1;
    if (y > 0) return ax > 1 ? y : 0;
    return ax > 1 ? 0 : -y;
  }
  if (x === Infinity || x === -Infinity) return Math.pow(x, y);
  const r = Math.pow(x, y);
  if (r === Infinity || r === -Infinity) throw floatOverflow();
  if (r === 0 && x !== 0) throw floatUnderflow();
  return r;
}

function trig(f: (x: number) => number): (x: number) => number {
  return (x) => {
    if (Number.isNaN(x)) return x;
    if (x === Infinity || x === -Infinity) throw inputOutOfRange();
    return f(x);
  };
}

function inverseTrig(f: (x: number) => number): (x: number) => number {
  return (x) => {
    if (Number.isNaN(x)) return x;
    if (x < -1 || x > 1) throw inputOutOfRange();
    return f(x);
  };
}

export function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

function abs4(n: number): number {
  if (n === int4Min) throw outOfRange('integer');
  return Math.abs(n);
}
function abs2(n: number): number {
  if (n === int2Min) throw outOfRange('smallint');
  return Math.abs(n);
}
function abs8(n: bigint): bigint {
  if (n === int8Min) throw outOfRange('bigint');
  return n < 0n ? -n : n;
}

/** int2mod/int4mod: truncated remainder; `+ 0` turns JavaScript's -0 into 0. */
function modInt(a: number, b: number): number {
  if (b === 0) throw divisionByZero();
  return (a % b) + 0;
}
function mod8(a: bigint, b: bigint): bigint {
  if (b === 0n) throw divisionByZero();
  return a % b;
}

function gcdAbs(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

export function gcd4(a: number, b: number): number {
  const g = gcdAbs(a, b);
  if (g > int4Max) throw outOfRange('integer');
  return g;
}

export function lcm4(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  const r = Math.abs((a / gcdAbs(a, b)) * b);
  if (r > int4Max) throw outOfRange('integer');
  return r;
}

function absBig(n: bigint): bigint {
  return n < 0n ? -n : n;
}

export function gcd8(a: bigint, b: bigint): bigint {
  let x = absBig(a);
  let y = absBig(b);
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  if (x > int8Max) throw outOfRange('bigint');
  return x;
}

export function lcm8(a: bigint, b: bigint): bigint {
  if (a === 0n || b === 0n) return 0n;
  const r = absBig((a / gcd8(a, b)) * b);
  if (r > int8Max) throw outOfRange('bigint');
  return r;
}

/** width_bucket(float8, float8, float8, int4) as float.c computes it. */
export function widthBucket(operand: number, low: number, high: number, count: number): number {
  if (count <= 0) throw new EonError('invalid_argument_for_width_bucket_function', 'count must be greater than zero');
  if (Number.isNaN(operand) || Number.isNaN(low) || Number.isNaN(high)) {
    throw new EonError(
      'invalid_argument_for_width_bucket_function',
      'operand, lower bound, and upper bound cannot be NaN',
    );
  }
  if (!Number.isFinite(low) || !Number.isFinite(high)) {
    throw new EonError('invalid_argument_for_width_bucket_function', 'lower and upper bounds must be finite');
  }
  let result: number;
  if (low < high) {
    if (operand < low) return 0;
    if (operand >= high) result = count + 1;
    else result = bucketIndex(operand - low, high - low, operand / 2 - low / 2, high / 2 - low / 2, count);
  } else if (low > high) {
    if (operand > low) return 0;
    if (operand <= high) result = count + 1;
    else result = bucketIndex(low - operand, low - high, low / 2 - operand / 2, low / 2 - high / 2, count);
  } else {
    throw new EonError('invalid_argument_for_width_bucket_function', 'lower bound cannot equal upper bound');
  }
  if (result > int4Max) throw outOfRange('integer');
  return result;
}

function bucketIndex(offset: number, width: number, halfOffset: number, halfWidth: number, count: number): number {
  let r = Number.isFinite(width) ? count * (offset / width) : count * (halfOffset / halfWidth);
  if (r >= count) r = count - 1;
  return Math.trunc(r) + 1;
}

const cbrtOf2 = 1.2599210498948731648;
const cbrtOf4 = 1.5874010519681994748;
const cbrtScale = [1 / cbrtOf4, 1 / cbrtOf2, 1, cbrtOf2, cbrtOf4] as const;

/** Mantissa in [0.5, 1) and exponent of a positive finite x, as C's frexp. */
function frexp(x: number): [number, number] {
  let e = Math.max(-1022, Math.floor(Math.log2(x)) + 1);
  let m = x * Math.pow(2, -e);
  while (m < 0.5) {
    m *= 2;
    e--;
  }
  while (m >= 1) {
    m /= 2;
    e++;
  }
  return [m, e];
}

/**
 * glibc's cbrt (a polynomial guess and one Halley step), because PostgreSQL prints what the C
 * library returns (cbrt(27) is 3.0000000000000004 there) and Math.cbrt is correctly rounded.
 */
export function cbrt(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x + x;
  const [xm, xe] = frexp(Math.abs(x));
  // glibc's coefficients (the first and fourth written as their shortest round-trip digits).
  const u =
    0.35489576504391986 +
    (1.50819193781584896 +
      (-2.11499494167371287 +
        (2.4469312256353443 +
          (-1.83469277483613086 + (0.784932344976639262 - 0.145263899385486377 * xm) * xm) * xm) *
          xm) *
        xm) *
      xm;
  const t2 = u * u * u;
  const ym = ((u * (t2 + 2 * xm)) / (2 * t2 + xm)) * (cbrtScale[2 + (xe % 3)] ?? 1);
  const e = Math.trunc(xe / 3);
  // Two steps so 2^e cannot overflow or flush to zero on its own.
  const half = Math.trunc(e / 2);
  return (x > 0 ? ym : -ym) * Math.pow(2, half) * Math.pow(2, e - half);
}

const f1 = (name: string, f: (x: number) => number): FunctionDef => fn(name, ['float8'], 'float8', (a) => f(num(a[0])));

export const floatMathFunctions: readonly FunctionDef[] = [
  fn('abs', ['int2'], 'int2', (a) => abs2(num(a[0]))),
  fn('abs', ['int4'], 'int4', (a) => abs4(num(a[0]))),
  fn('abs', ['int8'], 'int8', (a) => abs8(big(a[0]))),
  fn('abs', ['float4'], 'float4', (a) => Math.abs(num(a[0]))),
  f1('abs', Math.abs),
  f1('sign', sign),
  f1('round', rint),
  f1('trunc', Math.trunc),
  f1('ceil', Math.ceil),
  f1('ceiling', Math.ceil),
  f1('floor', Math.floor),
  fn('mod', ['int2', 'int2'], 'int2', (a) => modInt(num(a[0]), num(a[1]))),
  fn('mod', ['int4', 'int4'], 'int4', (a) => modInt(num(a[0]), num(a[1]))),
  fn('mod', ['int8', 'int8'], 'int8', (a) => mod8(big(a[0]), big(a[1]))),
  fn('power', ['float8', 'float8'], 'float8', (a) => power(num(a[0]), num(a[1]))),
  fn('pow', ['float8', 'float8'], 'float8', (a) => power(num(a[0]), num(a[1]))),
  f1('sqrt', sqrt),
  f1('cbrt', cbrt),
  f1('exp', exp),
  f1('ln', ln),
  f1('log', log10),
  f1('log10', log10),
  fn('pi', [], 'float8', () => Math.PI),
  f1('degrees', (x) => x / radiansPerDegree),
  f1('radians', (x) => x * radiansPerDegree),
  f1('sin', trig(Math.sin)),
  f1('cos', trig(Math.cos)),
  f1('tan', trig(Math.tan)),
  f1('asin', inverseTrig(Math.asin)),
  f1('acos', inverseTrig(Math.acos)),
  f1('atan', (x) => Math.atan(x)),
  fn('atan2', ['float8', 'float8'], 'float8', (a) => Math.atan2(num(a[0]), num(a[1]))),
  { name: 'random', args: [], returns: 'float8', strict: true, volatile: true, impl: () => Math.random() },
  fn('width_bucket', ['float8', 'float8', 'float8', 'int4'], 'int4', (a) =>
    widthBucket(num(a[0]), num(a[1]), num(a[2]), num(a[3])),
  ),
  fn('gcd', ['int4', 'int4'], 'int4', (a) => gcd4(num(a[0]), num(a[1]))),
  fn('gcd', ['int8', 'int8'], 'int8', (a) => gcd8(big(a[0]), big(a[1]))),
  fn('lcm', ['int4', 'int4'], 'int4', (a) => lcm4(num(a[0]), num(a[1]))),
  fn('lcm', ['int8', 'int8'], 'int8', (a) => lcm8(big(a[0]), big(a[1]))),
];

export const mathFunctions: readonly FunctionDef[] = [...floatMathFunctions, ...numericMathFunctions];
