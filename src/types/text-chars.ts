// Character-level helpers for PostgreSQL text semantics: PostgreSQL counts code points, JavaScript
// strings count UTF-16 units, so every position and length goes through these.

import { EonError } from '../errors/index.js';

/** PostgreSQL's MaxAllocSize minus the varlena header: the longest text value, in bytes. */
export const textBytesMax = 1073741823 - 4;
/** UTF-8 needs at most this many bytes per character (pg_database_encoding_max_length). */
export const utf8BytesPerCharMax = 4;
/** V8's string length limit (2^29 - 24 UTF-16 units): longer results cannot be built at all. */
export const jsStringUnitsMax = 536870888;

const surrogate = /[\uD800-\uDFFF]/;
const asciiOnly = /^[\x00-\x7f]*$/;

export function isAscii(s: string): boolean {
  return asciiOnly.test(s);
}

/** True when every code point is one UTF-16 unit, so unit offsets are character offsets. */
export function isSingleUnit(s: string): boolean {
  return !surrogate.test(s);
}

export function charLength(s: string): number {
  if (isSingleUnit(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** The substring from character `from` (0-based) to character `to` (exclusive), both clamped. */
export function sliceChars(s: string, from: number, to: number): string {
  // Characters are code units up to the first surrogate: only the units before `to` matter
  // (a prefix of a long text costs a few checks, not a scan of the whole text).
  const end = Math.max(to, 0);
  const limit = Math.min(s.length, end);
  for (let i = 0; i < limit; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return s.slice(unitOffset(s, from), unitOffset(s, to));
  }
  return s.slice(Math.max(from, 0), end);
}

/** UTF-16 offset of character `index` (0-based), clamped to [0, s.length]. */
export function unitOffset(s: string, index: number): number {
  if (index <= 0) return 0;
  let chars = 0;
  for (let i = 0; i < s.length; i++) {
    if (chars === index) return i;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
    chars++;
  }
  return s.length;
}

/** Character (0-based) at UTF-16 offset `unit`. */
export function charIndex(s: string, unit: number): number {
  return isSingleUnit(s) ? unit : charLength(s.slice(0, unit));
}

export function chars(s: string): string[] {
  return isSingleUnit(s) ? s.split('') : Array.from(s);
}

export function byteLength(s: string): number {
  return isAscii(s) ? s.length : Buffer.byteLength(s, 'utf8');
}

/** PostgreSQL refuses results over 1 GB; V8 refuses them earlier, with the same error here. */
export function checkResultLength(units: number, bytes: number): void {
  if (units > jsStringUnitsMax || bytes > textBytesMax) {
    throw new EonError('program_limit_exceeded', 'requested length too large');
  }
}

/** substr/substring with PostgreSQL's rule: positions before 1 shorten the result. */
export function substr(s: string, start: number, count?: number): string {
  if (count === undefined) return sliceChars(s, Math.max(start, 1) - 1, Number.MAX_SAFE_INTEGER);
  if (count < 0) throw new EonError('substring_error', 'negative substring length not allowed');
  const end = start + count;
  if (end < 1) return '';
  return sliceChars(s, Math.max(start, 1) - 1, end - 1);
}

/**
 * Code-point order (UTF-8 byte order: PostgreSQL's C collation), which differs from UTF-16
 * code-unit order only around surrogates.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : 1;
}
