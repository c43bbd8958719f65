// PostgreSQL's float output (extra_float_digits = 1, its default since 12): the shortest digits
// that read back exactly, in positional form for decimal exponents from -4 to 14 (float8) or
// -4 to 5 (float4), otherwise as d.ddde±XX.

function specialFloat(v: number): string {
  return v !== v ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** Below this magnitude PostgreSQL switches to exponent form (decimal exponent < -4). */
const POSITIONAL_MIN = 1e-4;
/** From this magnitude float8 output uses exponent form (decimal exponent ≥ DBL_DIG). */
const FLOAT8_POSITIONAL_LIMIT = 1e15;

export function formatFloat8(v: number): string {
  // JavaScript prints the same shortest digits positionally for 1e-7 ≤ |v| < 1e21, so the
  // common range needs no decomposition.
  const a = v < 0 ? -v : v;
  if (a >= POSITIONAL_MIN && a < FLOAT8_POSITIONAL_LIMIT) return String(v);
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (a !== a || a === Infinity) return specialFloat(v);
  return exponentForm(v.toExponential());
}

/** JavaScript's '1.5e+20' / '1e-5' as PostgreSQL's '1.5e+20' / '1e-05' (two exponent digits at least). */
function exponentForm(js: string): string {
  const e = js.indexOf('e');
  const digits = js.length - e - 2;
  return digits >= 2 ? js : `${js.slice(0, e + 2)}0${js.slice(e + 2)}`;
}

/** From this magnitude float4 output uses exponent form (decimal exponent ≥ FLT_DIG). */
const FLOAT4_POSITIONAL_LIMIT = 1e6;
/** Nine significant digits always identify a float32. */
const FLOAT4_DIGITS_MAX = 9;

export function formatFloat4(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (v !== v || v === Infinity || v === -Infinity) return specialFloat(v);
  const d = shortestFloat32Decimal(v);
  const a = d < 0 ? -d : d;
  if (a >= POSITIONAL_MIN && a < FLOAT4_POSITIONAL_LIMIT) return String(d);
  return exponentForm(d.toExponential());
}

/**
 * The decimal with the fewest significant digits that reads back as the same float32, as a
 * double (which prints with exactly those digits). Digit counts that round-trip are upward
 * closed, so a binary search over 1..9 finds the least.
 */
function shortestFloat32Decimal(v: number): number {
  const f = Math.fround(v);
  let lo = 1;
  let hi = FLOAT4_DIGITS_MAX;
  let best = Number(f.toPrecision(FLOAT4_DIGITS_MAX));
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const d = Number(f.toPrecision(mid));
    if (Math.fround(d) === f) {
      best = d;
      hi = mid;
    } else lo = mid + 1;
  }
  return best;
}
