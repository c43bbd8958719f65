// Exact decimal numbers: PostgreSQL's numeric as a bigint coefficient scaled by 10^-scale, with
// PostgreSQL's scale rules for each operation.
//
// Result scales: add/sub/mod max(s1, s2); mul s1 + s2; div select_div_scale (at least 16
// significant digits, at least either input's scale); sqrt max(16 - sweight, s); powInt
// max(16, s); round/trunc the asked scale (0 for ceil/floor). Rounding is half away from zero.
// ln, exp, log and non-integral powers live in numeric-transcendental.ts. No NaN or infinity.

import { EonError } from '../errors/index.js';

/** PostgreSQL: at least this many significant digits in a quotient. */
const NUMERIC_MIN_SIG_DIGITS = 16;
const NUMERIC_MAX_DISPLAY_SCALE = 1000;
const NUMERIC_MIN_DISPLAY_SCALE = 0;
/** Digits per base-10000 "NBASE" digit, which PostgreSQL's scale rules count in. */
const DEC_DIGITS = 4;
/** PostgreSQL's DBL_DIG and FLT_DIG: significant digits kept by float → numeric casts. */
export const FLOAT8_SIG_DIGITS = 15;
export const FLOAT4_SIG_DIGITS = 6;

const POW10: bigint[] = [];
export function pow10(n: number): bigint {
  if (n < 64) {
    let p = POW10[n];
    if (p === undefined) {
      p = 10n ** BigInt(n);
      POW10[n] = p;
    }
    return p;
  }
  return 10n ** BigInt(n);
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** Divides rounding half away from zero (PostgreSQL's numeric rounding). */
export function divRound(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (r === 0n) return q;
  if (abs(r) * 2n >= abs(b)) return (a < 0n) !== (b < 0n) ? q - 1n : q + 1n;
  return q;
}

/** 10^22 is the largest power of ten a double holds exactly. */
const EXACT_POW10_MAX = 22;
const EXACT_COEF_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const POW10_DOUBLE = Array.from({ length: EXACT_POW10_MAX + 1 }, (_, i) => 10 ** i);

export class Numeric {
  /** The value is coef × 10^-scale. */
  readonly coef: bigint;
  /** Digits after the decimal point (PostgreSQL's display scale), ≥ 0. */
  readonly scale: number;

  constructor(coef: bigint, scale: number) {
    this.coef = coef;
    this.scale = scale;
  }

  static fromBigInt(v: bigint): Numeric {
    return new Numeric(v, 0);
  }

  /**
   * From a float, as PostgreSQL's float8 → numeric cast: printed with %.15g (DBL_DIG significant
   * digits, FLT_DIG = 6 for float4) and read back, so 1/3 becomes 0.333333333333333.
   */
  static fromNumber(v: number, significantDigits: number = FLOAT8_SIG_DIGITS): Numeric {
    if (!Number.isFinite(v)) {
      throw new EonError('feature_not_supported', `cannot convert ${v} to numeric: NaN and infinity are not supported`);
    }
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return new Numeric(BigInt(v), 0);
    return Numeric.parse(stripMantissaZeros(v.toPrecision(significantDigits)));
  }

  /** Parses numeric input text; throws 22P02 on bad input. */
  static parse(text: string): Numeric {
    const s = text.trim();
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
    if (m === null || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
      if (/^[+-]?(nan|infinity|inf)$/i.test(s)) {
        throw new EonError('feature_not_supported', `numeric ${s} is not supported`);
      }
      throw new EonError('invalid_text_representation', `invalid input syntax for type numeric: "${text}"`);
    }
    const neg = m[1] === '-';
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    if (Math.abs(exp) > NUMERIC_MAX_DISPLAY_SCALE * 2) {
      throw new EonError('numeric_value_out_of_range', 'value overflows numeric format');
    }
    let coef = BigInt((intPart + frac).replace(/^0+(?=\d)/, '') || '0');
    let scale = frac.length - exp;
    if (scale < 0) {
      coef *= pow10(-scale);
      scale = 0;
    }
    return new Numeric(neg ? -coef : coef, scale);
  }

  toString(): string {
    const neg = this.coef < 0n;
    let digits = abs(this.coef).toString();
    if (this.scale > 0) {
      if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
      digits = `${digits.slice(0, digits.length - this.scale)}.${digits.slice(digits.length - this.scale)}`;
    }
    return neg ? `-${digits}` : digits;
  }

  toNumber(): number {
    // coef and 10^scale are both exact doubles here, so one IEEE division rounds correctly.
    if (this.scale <= EXACT_POW10_MAX && this.coef <= EXACT_COEF_MAX && this.coef >= -EXACT_COEF_MAX) {
      return Number(this.coef) / POW10_DOUBLE[this.scale]!;
    }
    return Number(this.toString());
  }

  isZero(): boolean {
    return this.coef === 0n;
  }

  /** The coefficient at another scale (rounding half away from zero when reducing). */
  coefAt(scale: number): bigint {
    if (scale === this.scale) return this.coef;
    if (scale > this.scale) return this.coef * pow10(scale - this.scale);
    return divRound(this.coef, pow10(this.scale - scale));
  }

  add(o: Numeric): Numeric {
    const s = Math.max(this.scale, o.scale);
    return new Numeric(this.coefAt(s) + o.coefAt(s), s);
  }

  sub(o: Numeric): Numeric {
    const s = Math.max(this.scale, o.scale);
    return new Numeric(this.coefAt(s) - o.coefAt(s), s);
  }

  mul(o: Numeric): Numeric {
    return new Numeric(this.coef * o.coef, this.scale + o.scale);
  }

  neg(): Numeric {
    return new Numeric(-this.coef, this.scale);
  }

  abs(): Numeric {
    return this.coef < 0n ? this.neg() : this;
  }

  compare(o: Numeric): number {
    const s = Math.max(this.scale, o.scale);
    const a = this.coefAt(s);
    const b = o.coefAt(s);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Division with PostgreSQL's result scale (select_div_scale). */
  div(o: Numeric): Numeric {
    if (o.coef === 0n) throw new EonError('division_by_zero', 'division by zero');
    return this.divToScale(o, divScale(this, o));
  }

  divToScale(o: Numeric, rscale: number): Numeric {
    if (o.coef === 0n) throw new EonError('division_by_zero', 'division by zero');
    // (a / 10^sa) / (b / 10^sb) at scale r: a * 10^(r + sb - sa) / b
    const shift = rscale + o.scale - this.scale;
    const num = shift >= 0 ? this.coef * pow10(shift) : this.coef;
    const den = shift >= 0 ? o.coef : o.coef * pow10(-shift);
    return new Numeric(divRound(num, den), rscale);
  }

  /** Truncating integer division, as numeric div(). */
  divTrunc(o: Numeric): Numeric {
    if (o.coef === 0n) throw new EonError('division_by_zero', 'division by zero');
    const s = Math.max(this.scale, o.scale);
    return new Numeric(this.coefAt(s) / o.coefAt(s), 0);
  }

  /** Remainder with the sign of the dividend; scale is the larger of the two. */
  mod(o: Numeric): Numeric {
    if (o.coef === 0n) throw new EonError('division_by_zero', 'division by zero');
    const s = Math.max(this.scale, o.scale);
    return new Numeric(this.coefAt(s) % o.coefAt(s), s);
  }

  /** round(x, s): half away from zero; negative s rounds left of the point. */
  round(s: number): Numeric {
    if (s >= this.scale) return new Numeric(this.coefAt(s), s);
    if (s >= 0) return new Numeric(this.coefAt(s), s);
    const p = pow10(-s);
    return new Numeric(divRound(this.coefAt(0), p) * p, 0);
  }

  trunc(s: number): Numeric {
    if (s >= this.scale) return new Numeric(this.coefAt(s), s);
    const t = s >= 0 ? s : 0;
    const c = this.coef / pow10(this.scale - t);
    if (s >= 0) return new Numeric(c, t);
    const p = pow10(-s);
    return new Numeric((c / p) * p, 0);
  }

  ceil(): Numeric {
    const q = this.coef / pow10(this.scale);
    const exact = q * pow10(this.scale) === this.coef;
    return new Numeric(exact || this.coef < 0n ? q : q + 1n, 0);
  }

  floor(): Numeric {
    const q = this.coef / pow10(this.scale);
    const exact = q * pow10(this.scale) === this.coef;
    return new Numeric(exact || this.coef >= 0n ? q : q - 1n, 0);
  }

  /**
   * sqrt(x) as PostgreSQL's numeric_sqrt: result scale = max(16 - sweight, x.scale) where sweight
   * is half the NBASE weight in decimal digits; rounded half away from zero, exact before rounding.
   */
  sqrt(): Numeric {
    if (this.coef < 0n) {
      throw new EonError('invalid_argument_for_power_function', 'cannot take square root of a negative number');
    }
    const { weight } = this.nbaseShape();
    const sweight = Math.trunc(((weight + 1) * DEC_DIGITS) / 2) - 1;
    const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS - sweight, this.scale));
    // floor(sqrt(v) * 10^(rscale+1)) then round on the extra digit.
    const n = this.coef * pow10(2 * rscale + 2 - this.scale);
    const r = isqrt(n);
    return new Numeric((r + 5n) / 10n, rscale);
  }

  /**
   * x ^ n for an integer n, as PostgreSQL's power_var_int: result scale max(16, x.scale); zero to a
   * negative power is 2201F. Intermediates keep enough significant digits for an exact rounding.
   */
  powInt(n: number): Numeric {
    const rscale = clampScale(Math.max(NUMERIC_MIN_SIG_DIGITS, this.scale));
    if (n === 0) return new Numeric(pow10(rscale), rscale);
    if (this.coef === 0n) {
      if (n < 0) throw new EonError('invalid_argument_for_power_function', 'zero raised to a negative power is undefined');
      return new Numeric(0n, rscale);
    }
    const log10Abs = this.log10Abs();
    const resultLog10 = n * log10Abs;
    if (resultLog10 > NUMERIC_MAX_RESULT_DIGITS) throw new EonError('numeric_value_out_of_range', 'value overflows numeric format');
    // Results far below the last displayed digit round to zero.
    if (resultLog10 < -(rscale + 2)) return new Numeric(0n, rscale);
    const steps = Math.ceil(Math.log10(Math.abs(n) + 1));
    if (n > 0) {
      const sig = Math.max(0, Math.ceil(resultLog10)) + rscale + steps + POWER_GUARD_DIGITS;
      return powSig(this, n, sig).round(rscale);
    }
    const denomSig = Math.max(0, rscale + Math.ceil(-resultLog10)) + steps + POWER_GUARD_DIGITS;
    return ONE.divToScale(powSig(this, -n, denomSig), rscale);
  }

  /** log10(|x|) as a float, for scale estimates only. */
  log10Abs(): number {
    const digits = abs(this.coef).toString();
    const lead = Number(`0.${digits.slice(0, 17)}`);
    return Math.log10(lead) + digits.length - this.scale;
  }

  /** Coerces to numeric(precision, scale): rounds to the scale, errors when the integer part overflows. */
  toTypmod(precision: number, scale: number): Numeric {
    const r = this.round(scale);
    const maxInt = pow10(precision - scale);
    if (abs(r.coef) >= maxInt * pow10(scale)) {
      throw new EonError('numeric_value_out_of_range', 'numeric field overflow', {
        detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${precision - scale === 0 ? '1' : `10^${precision - scale}`}.`,
      });
    }
    return r;
  }

  /** Number of significant integer digits' NBASE weight and first NBASE digit, for scale rules. */
  nbaseShape(): { weight: number; first: number } {
    if (this.coef === 0n) return { weight: 0, first: 0 };
    // Digits to the left of the point in groups of 4 aligned at the decimal point.
    const digits = abs(this.coef).toString();
    const intDigits = digits.length - this.scale; // may be ≤ 0
    let weight: number;
    let firstGroup: string;
    if (intDigits > 0) {
      weight = Math.floor((intDigits - 1) / DEC_DIGITS);
      const lead = intDigits - weight * DEC_DIGITS;
      firstGroup = digits.slice(0, lead);
    } else {
      // Fractional only: leading zeros after the point decide the weight.
      const zeros = -intDigits; // zeros between the point and the first digit
      weight = -Math.floor(zeros / DEC_DIGITS) - 1;
      const pos = zeros % DEC_DIGITS; // position of first digit inside its group
      firstGroup = digits.slice(0, DEC_DIGITS - pos).padEnd(DEC_DIGITS - pos, '0');
    }
    return { weight, first: Number(firstGroup) };
  }
}

const ONE = new Numeric(1n, 0);
/** Above this many result digits a power is refused (PostgreSQL's numeric holds 131072 before the point). */
const NUMERIC_MAX_RESULT_DIGITS = 131072;
/** Extra significant digits carried through repeated squaring so the final rounding is exact. */
const POWER_GUARD_DIGITS = 8;

function clampScale(s: number): number {
  return Math.min(Math.max(s, NUMERIC_MIN_DISPLAY_SCALE), NUMERIC_MAX_DISPLAY_SCALE);
}

/** Integer square root (floor) by Newton's method. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  if (x === 0n) x = 1n;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) {
      // Newton from above converges; correct a float start that was below the root.
      while (x * x > n) x--;
      while ((x + 1n) * (x + 1n) <= n) x++;
      return x;
    }
    x = y;
  }
}

/** Keeps at most `sig` significant digits (rounding), so long power chains stay small. */
function limitDigits(x: Numeric, sig: number): Numeric {
  const len = abs(x.coef).toString().length;
  if (len <= sig) return x;
  const drop = Math.min(len - sig, x.scale);
  return drop > 0 ? new Numeric(divRound(x.coef, pow10(drop)), x.scale - drop) : x;
}

/** base^n (n > 0) by repeated squaring with `sig` significant digits kept. */
function powSig(base: Numeric, n: number, sig: number): Numeric {
  let result: Numeric | null = null;
  let b = limitDigits(base, sig);
  let e = n;
  while (e > 0) {
    if (e % 2 === 1) result = result === null ? b : limitDigits(result.mul(b), sig);
    e = Math.floor(e / 2);
    if (e > 0) b = limitDigits(b.mul(b), sig);
  }
  return result!;
}

/** PostgreSQL's select_div_scale. */
export function divScale(a: Numeric, b: Numeric): number {
  const sa = a.nbaseShape();
  const sb = b.nbaseShape();
  let qweight = sa.weight - sb.weight;
  if (sa.first <= sb.first) qweight--;
  let rscale = NUMERIC_MIN_SIG_DIGITS - qweight * DEC_DIGITS;
  rscale = Math.max(rscale, a.scale, b.scale, NUMERIC_MIN_DISPLAY_SCALE);
  return Math.min(rscale, NUMERIC_MAX_DISPLAY_SCALE);
}

/** Drops the trailing zeros %g would not print: '0.100000' → '0.1', '1.50000e+20' → '1.5e+20'. */
function stripMantissaZeros(s: string): string {
  const e = s.indexOf('e');
  const mant = e < 0 ? s : s.slice(0, e);
  if (!mant.includes('.')) return s;
  const trimmed = mant.replace(/0+$/, '').replace(/\.$/, '');
  return e < 0 ? trimmed : trimmed + s.slice(e);
}
