// PostgreSQL's data type formatting functions (formatting.c): to_char over timestamps, dates,
// intervals and numbers, to_date and to_timestamp. Patterns eon cannot render exactly as
// PostgreSQL 15 does are refused with 0A000 instead of printing something different.

import { EonError } from '../../src/errors/index.js';
import { Numeric, civilFromDays, daysFromCivil, daysInMonth, type Interval, type TypeKind, type Value } from '../../src/types/index.js';
import { fn, type FunctionDef, type ScalarImpl } from './definition.js';
import { offsetText, sessionTimeZone, utcOffsetSecs, utcToLocal, zoneAbbreviation, type TimeZone } from '../../src/types/time-zone.js';
import { timestampToTimestamptz } from '../../src/types/timestamptz.js';

const USECS_PER_DAY = 86_400_000_000;
const USECS_PER_HOUR = 3_600_000_000;
const USECS_PER_MINUTE = 60_000_000;
const USECS_PER_SEC = 1_000_000;
/** Julian day number of 1970-01-01. */
const JULIAN_EPOCH_DAY = 2_440_588;
/** Width PostgreSQL pads full month and day names to (without FM). */
export const NAME_PAD_CHARS = 9;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Keywords in formatting.c's match order (longest first within a letter). */
const DCH_KEYWORDS = [
  'A.D.', 'A.M.', 'AD', 'AM', 'B.C.', 'BC', 'CC', 'DAY', 'DDD', 'DD', 'DY', 'Day', 'Dy', 'D', 'FX',
  'HH24', 'HH12', 'HH', 'IDDD', 'ID', 'IW', 'IYYY', 'IYY', 'IY', 'I', 'J', 'MI', 'MM', 'MONTH', 'MON',
  'MS', 'Month', 'Mon', 'OF', 'P.M.', 'PM', 'Q', 'RM', 'SSSSS', 'SSSS', 'SS', 'TZH', 'TZM', 'TZ', 'US',
  'WW', 'W', 'Y,YYY', 'YYYY', 'YYY', 'YY', 'Y',
  'a.d.', 'a.m.', 'ad', 'am', 'b.c.', 'bc', 'cc', 'day', 'ddd', 'dd', 'dy', 'd', 'fx', 'hh24', 'hh12',
  'hh', 'iddd', 'id', 'iw', 'iyyy', 'iyy', 'iy', 'i', 'j', 'mi', 'mm', 'month', 'mon', 'ms', 'of',
  'p.m.', 'pm', 'q', 'rm', 'sssss', 'ssss', 'ss', 'tz', 'us', 'ww', 'w', 'y,yyy', 'yyyy', 'yyy', 'yy', 'y',
];

/** Keywords eon renders; the rest of formatting.c's table is refused. */
const SUPPORTED = new Set([
  'A.M.', 'AM', 'P.M.', 'PM', 'a.m.', 'am', 'p.m.', 'pm', 'DAY', 'Day', 'day', 'DY', 'Dy', 'dy', 'DDD', 'ddd', 'DD', 'dd', 'D', 'd',
  'HH24', 'hh24', 'HH12', 'hh12', 'HH', 'hh', 'IDDD', 'iddd', 'ID', 'id', 'IW', 'iw', 'IYYY', 'iyyy', 'IYY', 'iyy', 'IY', 'iy', 'I', 'i',
  'J', 'j', 'MI', 'mi', 'MM', 'mm', 'MONTH', 'Month', 'month', 'MON', 'Mon', 'mon', 'MS', 'ms', 'Q', 'q', 'SSSSS', 'sssss', 'SSSS', 'ssss',
  'SS', 'ss', 'TZ', 'tz', 'US', 'us', 'WW', 'ww', 'W', 'w', 'Y,YYY', 'y,yyy', 'YYYY', 'yyyy', 'YYY', 'yyy', 'YY', 'yy', 'Y', 'y',
  'OF', 'of', 'TZH', 'TZM',
]);

/** A timestamptz's zone for TZ / OF / TZH / TZM: the session's zone at that instant. */
interface ZoneAt {
  readonly zone: TimeZone;
  readonly utc: number;
}

/** Keywords that make sense for an interval (no calendar names or weekdays). */
const INTERVAL_OK = new Set(['YYYY', 'yyyy', 'MM', 'mm', 'DD', 'dd', 'HH24', 'hh24', 'MI', 'mi', 'SS', 'ss', 'MS', 'ms', 'US', 'us']);

type FormatNode = { readonly kind: 'lit'; readonly text: string } | { readonly kind: 'key'; readonly key: string; readonly fm: boolean; readonly th: '' | 'TH' | 'th' };

function parseFormat(fmt: string): FormatNode[] {
  const out: FormatNode[] = [];
  let i = 0;
  while (i < fmt.length) {
    let fm = false;
    if (fmt.startsWith('FM', i) || fmt.startsWith('fm', i)) {
      fm = true;
      i += 2;
    } else if (fmt.startsWith('TM', i) || fmt.startsWith('tm', i) || fmt.startsWith('FX', i) || fmt.startsWith('fx', i)) {
      throw new EonError('feature_not_supported', `formatting modifier "${fmt.slice(i, i + 2)}" is not supported yet`);
    }
    const key = DCH_KEYWORDS.find((k) => fmt.startsWith(k, i));
    if (key !== undefined) {
      if (!SUPPORTED.has(key)) throw new EonError('feature_not_supported', `formatting pattern "${key}" is not supported yet`);
      i += key.length;
      let th: '' | 'TH' | 'th' = '';
      if (fmt.startsWith('TH', i)) th = 'TH';
      else if (fmt.startsWith('th', i)) th = 'th';
      if (th !== '') i += 2;
      if (fmt.startsWith('SP', i) || fmt.startsWith('sp', i)) throw new EonError('feature_not_supported', 'formatting suffix "SP" is not supported yet');
      out.push({ kind: 'key', key, fm, th });
      continue;
    }
    if (fm) continue;
    const c = fmt[i]!;
    if (c === '"') {
      i++;
      let text = '';
      while (i < fmt.length && fmt[i] !== '"') {
        if (fmt[i] === '\\' && i + 1 < fmt.length) i++;
        text += fmt[i];
        i++;
      }
      i++;
      out.push({ kind: 'lit', text });
      continue;
    }
    if (c === '\\' && fmt[i + 1] === '"') {
      out.push({ kind: 'lit', text: '"' });
      i += 2;
      continue;
    }
    out.push({ kind: 'lit', text: c });
    i++;
  }
  return out;
}

/** C's "%0*d": the sign counts toward the width. */
function zpad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return n < 0 ? `-${s.padStart(width - 1, '0')}` : s.padStart(width, '0');
}

function ordinal(s: string, upper: boolean): string {
  const last = s[s.length - 1];
  if (last === undefined || last < '0' || last > '9') throw new EonError('invalid_text_representation', `"${s}" is not a number`);
  const prev = s[s.length - 2];
  let suf = 'th';
  if (prev !== '1') {
    if (last === '1') suf = 'st';
    else if (last === '2') suf = 'nd';
    else if (last === '3') suf = 'rd';
  }
  return s + (upper ? suf.toUpperCase() : suf);
}

interface Fields {
  readonly year: number;
  readonly mon: number;
  readonly mday: number;
  readonly hour: number;
  readonly min: number;
  readonly sec: number;
  readonly fsec: number;
  readonly days: number;
  readonly yday: number;
  readonly interval: boolean;
}

function timestampFields(us: number): Fields {
  const days = Math.floor(us / USECS_PER_DAY);
  const tod = us - days * USECS_PER_DAY;
  const { y, m, d } = civilFromDays(days);
  return {
    year: y,
    mon: m,
    mday: d,
    hour: Math.floor(tod / USECS_PER_HOUR),
    min: Math.floor(tod / USECS_PER_MINUTE) % 60,
    sec: Math.floor(tod / USECS_PER_SEC) % 60,
    fsec: tod % USECS_PER_SEC,
    days,
    yday: days - daysFromCivil(y, 1, 1) + 1,
    interval: false,
  };
}

function intervalFields(iv: Interval): Fields {
  const year = Math.trunc(iv.months / 12);
  const mon = iv.months % 12;
  return {
    year,
    mon,
    mday: iv.days,
    hour: Math.trunc(iv.micros / USECS_PER_HOUR),
    min: Math.trunc(iv.micros / USECS_PER_MINUTE) % 60,
    sec: Math.trunc(iv.micros / USECS_PER_SEC) % 60,
    fsec: iv.micros % USECS_PER_SEC,
    days: 0,
    yday: (year * 12 + mon) * 30 + iv.days,
    interval: true,
  };
}

/** ISO 8601 weekday, 1 = Monday … 7 = Sunday. */
function isoDow(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

function isoYearWeek(days: number): { isoYear: number; week: number } {
  const thursday = days - isoDow(days) + 4;
  const isoYear = civilFromDays(thursday).y;
  return { isoYear, week: Math.floor((thursday - daysFromCivil(isoYear, 1, 1)) / 7) + 1 };
}

function displayYear(f: Fields, y: number): number {
  return f.interval || y > 0 ? y : 1 - y;
}

function yearPart(y: number, fm: boolean, digits: number): string {
  return zpad(digits === 4 ? y : y % 10 ** digits, fm ? 0 : y >= 0 ? digits : digits + 1);
}

function caseName(name: string, key: string): string {
  if (key === key.toUpperCase()) return name.toUpperCase();
  if (key === key.toLowerCase()) return name.toLowerCase();
  return name;
}

function renderKey(node: FormatNode & { kind: 'key' }, f: Fields, zoneAt: ZoneAt | null): string {
  const { key, fm } = node;
  if (f.interval && !INTERVAL_OK.has(key)) throw new EonError('feature_not_supported', `formatting pattern "${key}" is not supported for interval yet`);
  const up = key.toUpperCase();
  const w2 = fm ? 0 : 2;
  // formatting.c widens these fields by one for a negative (interval) value, so '-02' keeps two digits.
  const wSigned = (n: number): number => (fm ? 0 : n >= 0 ? 2 : 3);
  const numeric = (s: string): string => (node.th === '' ? s : ordinal(s, node.th === 'TH'));
  switch (up) {
    case 'A.M.':
    case 'P.M.':
      return caseName(f.hour >= 12 ? 'P.M.' : 'A.M.', key);
    case 'AM':
    case 'PM':
      return caseName(f.hour >= 12 ? 'PM' : 'AM', key);
    case 'HH24':
      return numeric(zpad(f.hour, wSigned(f.hour)));
    case 'HH':
    case 'HH12':
      return numeric(zpad(f.hour % 12 === 0 ? 12 : f.hour % 12, wSigned(f.hour)));
    case 'MI':
      return numeric(zpad(f.min, wSigned(f.min)));
    case 'SS':
      return numeric(zpad(f.sec, wSigned(f.sec)));
    case 'MS':
      return numeric(zpad(Math.trunc(f.fsec / 1000), 3));
    case 'US':
      return numeric(zpad(f.fsec, 6));
    case 'SSSS':
    case 'SSSSS':
      return numeric(String(f.hour * 3600 + f.min * 60 + f.sec));
    case 'TZ':
      return zoneAt === null ? '' : caseName(zoneAbbreviation(zoneAt.zone, zoneAt.utc), key);
    case 'OF':
    case 'TZH':
    case 'TZM': {
      if (zoneAt === null) throw new EonError('feature_not_supported', `formatting pattern "${key}" is supported only for timestamp with time zone`);
      const off = utcOffsetSecs(zoneAt.zone, zoneAt.utc);
      if (up === 'OF') return offsetText(off);
      if (up === 'TZH') return (off < 0 ? '-' : '+') + zpad(Math.trunc(Math.abs(off) / 3600), 2);
      return zpad(Math.trunc((Math.abs(off) % 3600) / 60), 2);
    }
    case 'MONTH': {
      const name = caseName(MONTHS[f.mon - 1]!, key);
      return fm ? name : name.padEnd(NAME_PAD_CHARS);
    }
    case 'MON':
      return caseName(MONTHS[f.mon - 1]!.slice(0, 3), key);
    case 'MM':
      return numeric(zpad(f.mon, wSigned(f.mon)));
    case 'DAY': {
      const name = caseName(DAYS[isoDow(f.days) % 7]!, key);
      return fm ? name : name.padEnd(NAME_PAD_CHARS);
    }
    case 'DY':
      return caseName(DAYS[isoDow(f.days) % 7]!.slice(0, 3), key);
    case 'DDD':
      return numeric(zpad(f.yday, fm ? 0 : 3));
    case 'IDDD': {
      const { week } = isoYearWeek(f.days);
      return numeric(zpad((week - 1) * 7 + isoDow(f.days), fm ? 0 : 3));
    }
    case 'DD':
      return numeric(zpad(f.mday, w2));
    case 'D':
      return numeric(String((isoDow(f.days) % 7) + 1));
    case 'ID':
      return numeric(String(isoDow(f.days)));
    case 'WW':
      return numeric(zpad(Math.floor((f.yday - 1) / 7) + 1, w2));
    case 'IW':
      return numeric(zpad(isoYearWeek(f.days).week, w2));
    case 'Q':
      return numeric(String(Math.floor((f.mon - 1) / 3) + 1));
    case 'W':
      return numeric(String(Math.floor((f.mday - 1) / 7) + 1));
    case 'J':
      return numeric(String(f.days + JULIAN_EPOCH_DAY));
    case 'Y,YYY': {
      const y = displayYear(f, f.year);
      return numeric(`${Math.trunc(y / 1000)},${zpad(Math.abs(y % 1000), 3)}`);
    }
    case 'YYYY':
    case 'YYY':
    case 'YY':
    case 'Y':
      return numeric(yearPart(displayYear(f, f.year), fm, up.length));
    case 'IYYY':
    case 'IYY':
    case 'IY':
    case 'I':
      return numeric(yearPart(displayYear(f, isoYearWeek(f.days).isoYear), fm, up.length));
    default:
      throw new EonError('feature_not_supported', `formatting pattern "${key}" is not supported yet`);
  }
}

function formatDatetime(f: Fields, fmt: string, zoneAt: ZoneAt | null): string {
  let out = '';
  for (const node of parseFormat(fmt)) out += node.kind === 'lit' ? node.text : renderKey(node, f, zoneAt);
  return out;
}

function dateTimeToChar(kind: TypeKind): ScalarImpl {
  return (args) => {
    const fmt = args[1] as string;
    if (fmt === '') return null;
    const v = args[0]!;
    // timestamptz prints its wall time in the session's zone.
    const zoneAt = kind === 'timestamptz' ? { zone: sessionTimeZone(), utc: v as number } : null;
    const us = zoneAt !== null ? utcToLocal(zoneAt.zone, zoneAt.utc) : kind === 'date' ? (v as number) * USECS_PER_DAY : (v as number);
    const f = kind === 'interval' ? intervalFields(v as Interval) : timestampFields(us);
    return formatDatetime(f, fmt, zoneAt);
  };
}

// ---- numbers -------------------------------------------------------------------------------

interface NumFormat {
  readonly intDigits: number;
  readonly fracDigits: number;
  readonly fm: boolean;
  /** Index (among integer digit positions) of the first '0': zero-fill starts there. */
  readonly zeroStart: number;
  /** Last fraction position holding '0' (FM keeps trailing zeros up to it). */
  readonly zeroEnd: number;
  readonly sign: 'default' | 'S-lead' | 'MI-trail' | 'PR';
  readonly items: readonly string[];
}

function parseNumFormat(fmt: string): NumFormat {
  let intDigits = 0;
  let fracDigits = 0;
  let fm = false;
  let zeroStart = -1;
  let zeroEnd = 0;
  let sign: NumFormat['sign'] = 'default';
  let seenPoint = false;
  const items: string[] = [];
  let i = 0;
  const refuse = (p: string): never => {
    throw new EonError('feature_not_supported', `number formatting pattern "${p}" is not supported yet`);
  };
  while (i < fmt.length) {
    const rest = fmt.slice(i);
    const up2 = rest.slice(0, 2).toUpperCase();
    const c = rest[0]!;
    if (up2 === 'SG' || up2 === 'PL' || up2 === 'TH' || up2 === 'RN') refuse(rest.slice(0, 2));
    if (up2 === 'FM') {
      if (items.length > 0) refuse('FM');
      fm = true;
      i += 2;
    } else if (up2 === 'MI') {
      if (sign !== 'default' || i + 2 !== fmt.length) refuse('MI');
      sign = 'MI-trail';
      i += 2;
    } else if (up2 === 'PR') {
      if (sign !== 'default' || i + 2 !== fmt.length) refuse('PR');
      sign = 'PR';
      i += 2;
    } else if (c === 'S' || c === 's') {
      if (sign !== 'default' || items.length > 0) refuse('S');
      sign = 'S-lead';
      i++;
    } else if (c === '9' || c === '0') {
      if (seenPoint) {
        fracDigits++;
        if (c === '0') zeroEnd = fracDigits;
      } else {
        if (c === '0' && zeroStart < 0) zeroStart = intDigits;
        intDigits++;
      }
      items.push(c);
      i++;
    } else if (c === '.' || c === 'D' || c === 'd') {
      if (seenPoint) throw new EonError('syntax_error', 'multiple decimal points');
      seenPoint = true;
      items.push('.');
      i++;
    } else if (c === ',' || c === 'G' || c === 'g') {
      if (seenPoint) refuse(c);
      items.push(',');
      i++;
    } else if (/[A-Za-z"\\]/.test(c)) {
      refuse(rest.slice(0, 4));
    } else {
      items.push(`lit:${c}`);
      i++;
    }
  }
  if (intDigits + fracDigits === 0) refuse(fmt);
  return { intDigits, fracDigits, fm, zeroStart, zeroEnd, sign, items };
}

/**
 * `fracAvail`: fraction digits the value's text has (float8_to_char cuts them at DBL_DIG; the
 * positions past them print nothing). `negative`: the sign printf would show (-0.0001 → "-0.0").
 */
function formatNumber(n: Numeric, fmt: string, fracAvail: number = Number.MAX_SAFE_INTEGER, negative?: boolean): string {
  const f = parseNumFormat(fmt);
  const r = n.round(f.fracDigits);
  const neg = negative ?? r.coef < 0n;
  const abs = (neg ? -r.coef : r.coef).toString().padStart(f.fracDigits + 1, '0');
  let intStr = abs.slice(0, abs.length - f.fracDigits);
  const fracStr = abs.slice(abs.length - f.fracDigits);
  if (intStr === '0') intStr = '';
  const overflow = intStr.length > f.intDigits;
  const zeroFrom = f.zeroStart < 0 ? f.intDigits : f.zeroStart;
  // Integer positions before this index print as blanks (or nothing with FM).
  let firstDigit = Math.min(f.intDigits - intStr.length, zeroFrom);
  // PostgreSQL always shows a units digit for an all-zero integer part without a decimal point.
  if (!overflow && intStr === '' && f.fracDigits === 0 && firstDigit === f.intDigits) firstDigit = f.intDigits - 1;
  const intDigitsStr = overflow ? '' : intStr.padStart(f.intDigits, '0');
  let fracEnd = f.fracDigits;
  fracEnd = Math.min(fracEnd, fracAvail);
  if (f.fm && !overflow) {
    while (fracEnd > f.zeroEnd && fracStr[fracEnd - 1] === '0') fracEnd--;
  }
  let body = '';
  let signPlaced = false;
  const signChar = (): string => {
    if (f.sign === 'default') return neg ? '-' : f.fm ? '' : ' ';
    if (f.sign === 'S-lead') return neg ? '-' : '+';
    if (f.sign === 'PR') return neg ? '<' : f.fm ? '' : ' ';
    return '';
  };
  let intPos = 0;
  let fracPos = 0;
  let inFrac = false;
  for (const it of f.items) {
    if (it === '9' || it === '0') {
      if (inFrac) {
        if (fracPos < fracEnd) body += overflow ? '#' : fracStr[fracPos];
        fracPos++;
        continue;
      }
      if (overflow) {
        body += '#';
        signPlaced = true;
      } else if (intPos < firstDigit) {
        if (!f.fm) body += ' ';
      } else {
        if (!signPlaced && f.sign !== 'MI-trail') body += signChar();
        signPlaced = true;
        body += intDigitsStr[intPos];
      }
      intPos++;
    } else if (it === '.') {
      if (!signPlaced && f.sign !== 'MI-trail') body += signChar();
      signPlaced = true;
      inFrac = true;
      body += '.';
    } else if (it === ',') {
      if (overflow || intPos > firstDigit) body += ',';
      else if (!f.fm) body += ' ';
    } else {
      body += it.slice(4);
    }
  }
  if (overflow) body = (f.sign === 'MI-trail' ? '' : signChar()) + body;
  else if (!signPlaced && f.sign !== 'MI-trail') body += signChar();
  if (f.sign === 'MI-trail') body += neg ? '-' : f.fm ? '' : ' ';
  if (f.sign === 'PR') body += neg ? '>' : f.fm ? '' : ' ';
  return body;
}

/** Significant decimal digits float8_to_char / float4_to_char keep (DBL_DIG, FLT_DIG). */
export const DBL_DIG = 15;
export const FLT_DIG = 6;

/** The exact decimal value of a double. */
function exactDecimal(v: number): Numeric {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let exp = expBits - 1075;
  if (expBits === 0) exp = -1074;
  else mant |= 1n << 52n;
  const sign = neg ? -1n : 1n;
  if (exp >= 0) return new Numeric(sign * (mant << BigInt(exp)), 0);
  return new Numeric(sign * mant * 5n ** BigInt(-exp), -exp);
}

/** Rounds half to even at `scale` digits, as C's printf("%.*f") does on the exact binary value. */
function roundHalfEven(n: Numeric, scale: number): Numeric {
  if (n.scale <= scale) return n;
  const div = 10n ** BigInt(n.scale - scale);
  const neg = n.coef < 0n;
  const a = neg ? -n.coef : n.coef;
  let q = a / div;
  const r2 = (a % div) * 2n;
  if (r2 > div || (r2 === div && q % 2n === 1n)) q += 1n;
  return new Numeric(neg ? -q : q, scale);
}

/** float8_to_char: "%.0f" sizes the integer part; the fraction is cut so at most `digits` significant digits print. */
function floatDigits(v: number, digits: number, post: number): Numeric {
  const exact = exactDecimal(v);
  const preLen = roundHalfEven(exact.abs(), 0).coef.toString().length;
  const keep = preLen >= digits ? 0 : preLen + post > digits ? digits - preLen : post;
  return roundHalfEven(exact, keep);
}

function numToChar(kind: TypeKind): ScalarImpl {
  return (args) => {
    const fmt = args[1] as string;
    const v = args[0]!;
    let n: Numeric;
    if (kind === 'numeric') n = v as Numeric;
    else if (kind === 'int8') n = Numeric.fromBigInt(v as bigint);
    else if (kind === 'float8' || kind === 'float4') {
      if (!Number.isFinite(v as number)) throw new EonError('feature_not_supported', 'to_char of NaN or infinity is not supported yet');
      const x = v as number;
      n = floatDigits(x, kind === 'float4' ? FLT_DIG : DBL_DIG, parseNumFormat(fmt).fracDigits);
      return formatNumber(n, fmt, n.scale, x < 0 || Object.is(x, -0));
    } else n = Numeric.fromBigInt(BigInt(v as number));
    return formatNumber(n, fmt);
  };
}

// ---- parsing -------------------------------------------------------------------------------

const MONTH_ABBR = MONTHS.map((m) => m.slice(0, 3).toLowerCase());

function badInput(msg: string): EonError {
  return new EonError('invalid_datetime_format', msg);
}

/** to_timestamp/to_date: the format's fields read from the text, as microseconds since 1970. */
function parseWithFormat(text: string, fmt: string): number {
  let year: number | null = null;
  let mon = 1;
  let mday = 1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let fsec = 0;
  let pm: boolean | null = null;
  let hour12 = false;
  let p = 0;
  const skipSpaces = (): void => {
    while (p < text.length && text[p] === ' ') p++;
  };
  const readInt = (maxLen: number, key: string): number => {
    skipSpaces();
    const m = /^[+-]?\d+/.exec(text.slice(p, p + maxLen + 1));
    const raw = m === null ? '' : m[0].slice(0, maxLen + (m[0].startsWith('-') || m[0].startsWith('+') ? 1 : 0));
    if (raw === '' || raw === '-' || raw === '+') {
      throw badInput(`invalid value "${text.slice(p, p + maxLen)}" for "${key}"`);
    }
    p += raw.length;
    return Number(raw);
  };
  for (const node of parseFormat(fmt)) {
    if (node.kind === 'lit') {
      // A separator in the format skips one character of input, as formatting.c does.
      if (p < text.length) p += node.text.length === 0 ? 0 : 1;
      continue;
    }
    const up = node.key.toUpperCase();
    switch (up) {
      case 'YYYY':
        year = readInt(4, node.key);
        break;
      case 'MM':
        mon = readInt(2, node.key);
        break;
      case 'DD':
        mday = readInt(2, node.key);
        break;
      case 'HH24':
        hour = readInt(2, node.key);
        break;
      case 'HH':
      case 'HH12':
        hour = readInt(2, node.key);
        hour12 = true;
        break;
      case 'MI':
        min = readInt(2, node.key);
        break;
      case 'SS':
        sec = readInt(2, node.key);
        break;
      case 'MON': {
        skipSpaces();
        const idx = MONTH_ABBR.indexOf(text.slice(p, p + 3).toLowerCase());
        if (idx < 0) throw badInput(`invalid value "${text.slice(p, p + 3)}" for "${node.key}"`);
        mon = idx + 1;
        p += 3;
        break;
      }
      case 'AM':
      case 'PM': {
        skipSpaces();
        const s = text.slice(p, p + 2).toUpperCase();
        if (s !== 'AM' && s !== 'PM') throw badInput(`invalid value "${text.slice(p, p + 2)}" for "${node.key}"`);
        pm = s === 'PM';
        p += 2;
        break;
      }
      default:
        throw new EonError('feature_not_supported', `formatting pattern "${node.key}" is not supported by to_date/to_timestamp yet`);
    }
  }
  if (hour12 || pm !== null) {
    if (hour < 1 || hour > 12) {
      throw new EonError('invalid_datetime_format', `hour "${hour}" is invalid for the 12-hour clock`);
    }
    if (pm === true && hour < 12) hour += 12;
    else if (pm !== true && hour === 12) hour = 0;
  }
  const y = year ?? 1;
  if (mon < 1 || mon > 12 || mday < 1 || mday > daysInMonth(y, mon) || hour > 24 || min > 59 || sec > 60) {
    throw new EonError('datetime_field_overflow', `date/time field value out of range: "${text}"`);
  }
  return daysFromCivil(y, mon, mday) * USECS_PER_DAY + hour * USECS_PER_HOUR + min * USECS_PER_MINUTE + sec * USECS_PER_SEC + fsec;
}

/** Largest epoch second to_timestamp(float8) accepts, PostgreSQL's timestamp end. */
export const EPOCH_SECONDS_MAX = 9_224_318_016_000;

function epochToTimestamp(args: readonly Value[]): Value {
  const s = args[0] as number;
  if (!Number.isFinite(s)) throw new EonError('feature_not_supported', 'to_timestamp of infinity or NaN is not supported yet');
  if (s < -210_866_803_200 || s >= EPOCH_SECONDS_MAX) throw new EonError('datetime_field_overflow', `timestamp out of range: "${s}"`);
  return Math.round(s * USECS_PER_SEC);
}

export const formattingFunctions: readonly FunctionDef[] = [
  fn('to_char', ['timestamp', 'text'], 'text', dateTimeToChar('timestamp')),
  fn('to_char', ['timestamptz', 'text'], 'text', dateTimeToChar('timestamptz')),
  fn('to_char', ['interval', 'text'], 'text', dateTimeToChar('interval')),
  fn('to_char', ['int4', 'text'], 'text', numToChar('int4')),
  fn('to_char', ['int8', 'text'], 'text', numToChar('int8')),
  fn('to_char', ['float4', 'text'], 'text', numToChar('float4')),
  fn('to_char', ['float8', 'text'], 'text', numToChar('float8')),
  fn('to_char', ['numeric', 'text'], 'text', numToChar('numeric')),
  fn('to_date', ['text', 'text'], 'date', (a) => Math.floor(parseWithFormat(a[0] as string, a[1] as string) / USECS_PER_DAY)),
  // The text's wall time is read in the session's zone.
  fn('to_timestamp', ['text', 'text'], 'timestamptz', (a) => timestampToTimestamptz(parseWithFormat(a[0] as string, a[1] as string))),
  fn('to_timestamp', ['float8'], 'timestamptz', epochToTimestamp),
];
