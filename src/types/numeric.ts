// Exact decimal numbers: PostgreSQL's numeric as a bigint coefficient scaled by 10^-scale, with
// PostgreSQL's scale rules for each operation.

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
