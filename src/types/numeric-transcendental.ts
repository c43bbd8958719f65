// numeric ln, exp and power with PostgreSQL's result scales, computed in bigint fixed point with
// guard digits so the final rounding (half away from zero) lands where PostgreSQL's does.
//
// Scale rules (PostgreSQL 15, numeric.c):
//   ln(x):    16 - estimate_ln_dweight(x), at least x.scale
//   exp(x):   16 - trunc(x·log10 e), at least x.scale
//   x ^ y:    integral y → max(16, x.scale) (Numeric.powInt); otherwise
//             16 - trunc(y·ln(x)·log10 e), at least max(x.scale, y.scale)
// each clamped to 0..1000.

import { EonError } from '../errors/index.js';
import { Numeric, pow10 } from './numeric.js';

const NUMERIC_MIN_SIG_DIGITS = 16;
const NUMERIC_MAX_DISPLAY_SCALE = 1000;
/** PostgreSQL refuses exp arguments whose result would need more than this many digits (×3 in ln units). */
const NUMERIC_MAX_RESULT_SCALE = 2000;
const LOG10_E = 0.434294481903252;
const LN_10 = 2.302585092994046;
/** Extra fixed-point digits carried beyond what the result shows. */
const GUARD_DIGITS = 12;
/** Halvings of an exp argument before its Taylor series (each squaring back costs < 1 bit). */
const EXP_HALVINGS = 8;
/** Upper bound on series terms, far above what the reduced arguments need. */
const SERIES_TERMS_MAX = 100_000;
/** Upper bound on square roots taken to bring an ln argument near 1 (10^1000 needs 13). */
const LN_SQRT_STEPS_MAX = 64;
const INT32_MAX = 2_147_483_647;
/** power_var's first overflow test allows y·ln(x) up to 3.01 × NUMERIC_MAX_RESULT_SCALE. */
const POWER_OVERFLOW_FUZZ = 3.01;

function clampScale(s: number): number {
  return Math.min(Math.max(s, 0), NUMERIC_MAX_DISPLAY_SCALE);
}

/** x as a fixed-point bigint with `p` fractional digits (rounded). */
function toFixed(x: Numeric, p: number): bigint {
  return x.coefAt(p);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

const ln10Cache = new Map<number, bigint>();

/** ln(10) at `p` fractional digits. */
function ln10Fixed(p: number): bigint {
  let v = ln10Cache.get(p);
  if (v === undefined) {
    v = lnReduced(10n * pow10(p), p);
    ln10Cache.set(p, v);
  }
  return v;
}

/**
 * ln of a positive fixed-point value `v` (scale `p`) of moderate size: square roots bring it near
 * 1, then ln(v) = 2·atanh((v-1)/(v+1)) summed until the terms vanish, doubled back.
 */
function lnReduced(v0: bigint, p: number): bigint {
  const one = pow10(p);
  const lo = (one * 9n) / 10n;
  const hi = (one * 11n) / 10n;
  let v = v0;
  let factor = 1n;
  for (let i = 0; i < LN_SQRT_STEPS_MAX && (v < lo || v > hi); i++) {
    v = isqrt(v * one);
    factor *= 2n;
  }
  const z = ((v - one) * one) / (v + one);
  const z2 = (z * z) / one;
  let term = z;
  let sum = 0n;
  for (let k = 1n; term !== 0n && k < BigInt(SERIES_TERMS_MAX); k += 2n) {
    sum += term / k;
    term = (term * z2) / one;
  }
  return 2n * sum * factor;
}

/** ln(x) at `p` fractional digits, x > 0: split off the power of ten first. */
function lnFixed(x: Numeric, p: number): bigint {
  const digits = (x.coef < 0n ? -x.coef : x.coef).toString().length;
  const k = digits - 1 - x.scale; // x = m·10^k with 1 ≤ m < 10
  const wp = p + GUARD_DIGITS + String(Math.abs(k)).length;
  const m = new Numeric(x.coef, x.scale + k); // same digits, point after the first
  const lnM = lnReduced(toFixed(m, wp), wp);
  const total = lnM + BigInt(k) * ln10Fixed(wp);
  return divRoundBig(total, pow10(wp - p));
}

function divRoundBig(a: bigint, b: bigint): bigint {
  return new Numeric(a, 0).divToScale(new Numeric(b, 0), 0).coef;
}

/**
 * exp(y) for y given in fixed point at scale `p`, returned as a Numeric with at least `sig`
 * correct significant digits: exp(y) = 10^q · exp(r) with 0 ≤ r < ln 10.
 */
function expFixed(y: bigint, p: number, sig: number): Numeric {
  const q = Math.floor(new Numeric(y, p).toNumber() / LN_10);
  const wp = Math.max(sig, 1) + GUARD_DIGITS;
  const yAt = p >= wp ? y / pow10(p - wp) : y * pow10(wp - p);
  let r = yAt - BigInt(q) * ln10Fixed(wp);
  const one = pow10(wp);
  r /= 1n << BigInt(EXP_HALVINGS);
  let term = one;
  let sum = one;
  for (let k = 1n; term !== 0n && k < BigInt(SERIES_TERMS_MAX); k++) {
    term = (term * r) / one / k;
    sum += term;
  }
  for (let i = 0; i < EXP_HALVINGS; i++) sum = (sum * sum) / one;
  // sum = exp(r)·10^wp, so the value is sum·10^(q - wp).
  return q >= wp ? new Numeric(sum * pow10(q - wp), 0) : new Numeric(sum, wp - q);
}

/** PostgreSQL's estimate_ln_dweight: the decimal weight of ln(x)'s leading digit. */
function estimateLnWeight(x: Numeric): number {
  if (x.coef <= 0n) return 0;
  const v = x.toNumber();
  if (v >= 0.9 && v <= 1.1) {
    const d = x.sub(new Numeric(1n, 0));
    return d.coef === 0n ? 0 : Math.floor(d.abs().log10Abs());
  }
  const lnv = x.log10Abs() * LN_10;
  return lnv === 0 ? 0 : Math.trunc(Math.log10(Math.abs(lnv)));
}

/** ln(x) with PostgreSQL's scale; 2201E for zero and negative x. */
export function numericLn(x: Numeric): Numeric {
  if (x.coef === 0n) throw new EonError('invalid_argument_for_logarithm', 'cannot take logarithm of zero');
  if (x.coef < 0n) throw new EonError('invalid_argument_for_logarithm', 'cannot take logarithm of a negative number');
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - estimateLnWeight(x), x.scale));
  const p = rscale + GUARD_DIGITS;
  return new Numeric(lnFixed(x, p), p).round(rscale);
}

/** exp(x) with PostgreSQL's scale; 22003 when the result would not fit. */
export function numericExp(x: Numeric): Numeric {
  const lnResult = x.toNumber();
  const val = Math.min(Math.max(lnResult * LOG10_E, -NUMERIC_MAX_RESULT_SCALE), NUMERIC_MAX_RESULT_SCALE);
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - Math.trunc(val), x.scale));
  return expWithScale(x.coefAt(x.scale), x.scale, lnResult, rscale);
}

/** exp of a fixed-point argument (≈ lnResult) rounded to `rscale`, zero when it vanishes below it. */
function expWithScale(y: bigint, p: number, lnResult: number, rscale: number): Numeric {
  if (Math.abs(lnResult) >= NUMERIC_MAX_RESULT_SCALE * 3) {
    if (lnResult > 0) throw new EonError('numeric_value_out_of_range', 'value overflows numeric format');
    return new Numeric(0n, rscale);
  }
  const log10Result = lnResult * LOG10_E;
  if (log10Result < -(rscale + 2)) return new Numeric(0n, rscale);
  const sig = Math.ceil(log10Result) + rscale + 1;
  return expFixed(y, p, sig).round(rscale);
}

/** x ^ y as PostgreSQL's numeric power: exact for integral y, exp(y·ln x) otherwise. */
export function numericPower(x: Numeric, y: Numeric): Numeric {
  const yi = y.trunc(0);
  if (yi.compare(y) === 0 && yi.coef <= BigInt(INT32_MAX) && yi.coef >= -BigInt(INT32_MAX)) return x.powInt(Number(yi.coef));
  if (x.coef === 0n) {
    if (y.coef < 0n) throw new EonError('invalid_argument_for_power_function', 'zero raised to a negative power is undefined');
    return new Numeric(0n, clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS, x.scale, y.scale)));
  }
  if (x.coef < 0n) {
    throw new EonError('invalid_argument_for_power_function', 'a negative number raised to a non-integer power yields a complex result');
  }
  const lnWeight = estimateLnWeight(x);
  // A low-precision y·ln(x) picks the result scale, as power_var does.
  const roughScale = Math.max(8 - lnWeight, 0);
  const rough = new Numeric(lnFixed(x, roughScale), roughScale).mul(y).round(roughScale).toNumber();
  if (Math.abs(rough) > NUMERIC_MAX_RESULT_SCALE * POWER_OVERFLOW_FUZZ) {
    if (rough > 0) throw new EonError('numeric_value_out_of_range', 'value overflows numeric format');
    return new Numeric(0n, NUMERIC_MAX_DISPLAY_SCALE);
  }
  const val = rough * LOG10_E;
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - Math.trunc(val), x.scale, y.scale));
  const sigDigits = Math.max(rscale + Math.trunc(val), 0);
  const p = Math.max(sigDigits - lnWeight + 8, 0) + GUARD_DIGITS + String(Math.abs(Math.trunc(val))).length;
  const lnX = new Numeric(lnFixed(x, p), p);
  const arg = lnX.mul(y).coefAt(p);
  return expWithScale(arg, p, rough, rscale);
}

/**
 * log(base, x) as PostgreSQL's log_var: scale 16 - (dweight(ln x) - dweight(ln base)), at least
 * either input's scale; log(x) is log(10, x). 2201E for zero or negative inputs, 22012 for base 1.
 */
export function numericLog(base: Numeric, x: Numeric): Numeric {
  for (const v of [base, x]) {
    if (v.coef === 0n) throw new EonError('invalid_argument_for_logarithm', 'cannot take logarithm of zero');
    if (v.coef < 0n) throw new EonError('invalid_argument_for_logarithm', 'cannot take logarithm of a negative number');
  }
  const baseWeight = estimateLnWeight(base);
  const xWeight = estimateLnWeight(x);
  const resultWeight = xWeight - baseWeight;
  const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - resultWeight, base.scale, x.scale));
  const pBase = Math.max(rscale + resultWeight - baseWeight, 0) + GUARD_DIGITS;
  const pX = Math.max(rscale + resultWeight - xWeight, 0) + GUARD_DIGITS;
  const lnBase = new Numeric(lnFixed(base, pBase), pBase);
  if (lnBase.coef === 0n) throw new EonError('division_by_zero', 'division by zero');
  return new Numeric(lnFixed(x, pX), pX).divToScale(lnBase, rscale);
}
