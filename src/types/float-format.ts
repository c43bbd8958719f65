// PostgreSQL's float output (extra_float_digits = 1, its default since 12): the shortest digits
// that read back exactly, in positional form for decimal exponents from -4 to 14 (float8) or
// -4 to 5 (float4), otherwise as d.ddde±XX.

const FLOAT8_DIG = 15;
const FLOAT4_DIG = 6;

export function formatFloat8(v: number): string {
  return formatShortest(v, String(v), FLOAT8_DIG);
}

export function formatFloat4(v: number): string {
  return formatShortest(v, shortestFloat32(v), FLOAT4_DIG);
}

function formatShortest(v: number, jsText: string, dig: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // Decompose JS's shortest representation into sign, digits and decimal exponent.
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(jsText);
  if (m === null) return jsText;
  const sign = m[1]!;
  let intPart = m[2]!;
  let frac = m[3] ?? '';
  let exp = m[4] === undefined ? 0 : Number(m[4]);
  // Normalize to digits d1d2d3... with value 0.d1d2... × 10^(point)
  let digits = (intPart + frac).replace(/^0+/, '');
  let point = intPart.replace(/^0+/, '').length + exp;
  if (intPart.replace(/^0+/, '') === '') {
    const lead = frac.length - frac.replace(/^0+/, '').length;
    point = -lead + exp;
  }
  digits = digits.replace(/0+$/, '');
  if (digits === '') return '0';
  const decExp = point - 1; // exponent in d.ddd × 10^decExp
  if (decExp < -4 || decExp >= dig) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(decExp);
    return `${sign}${mant}e${decExp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (digits.length <= point) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  void intPart;
  void frac;
  intPart = digits.slice(0, point);
  frac = digits.slice(point);
  return `${sign}${intPart}.${frac}`;
}

/** Shortest decimal digits that round-trip through float32. */
function shortestFloat32(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(f);
}
