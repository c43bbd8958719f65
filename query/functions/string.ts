// String functions with PostgreSQL 15 semantics (character positions, pad/trim/split rules, errors).

import { createHash } from 'node:crypto';
import { EonError } from '../../src/errors/index.js';
import type { Value } from '../../src/types/index.js';
import { fn, type FunctionDef } from './definition.js';
import {
  byteLength,
  charIndex,
  charLength,
  chars,
  checkResultLength,
  isAscii,
  isSingleUnit,
  sliceChars,
  substr,
  textBytesMax,
  utf8BytesPerCharMax,
} from '../../src/types/text-chars.js';

/** The largest code point chr() accepts (UTF-8 database encoding). */
const codePointMax = 0x10ffff;

function str(v: Value | undefined): string {
  return v as string;
}
function int(v: Value | undefined): number {
  return v as number;
}

/** Maps each character alone, like towupper/towlower: 'ß' stays 'ß' rather than becoming 'SS'. */
function mapChars(s: string, map: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = map(c);
    out += m.length === c.length || charLength(m) === 1 ? m : c;
  }
  return out;
}

export function upper(s: string): string {
  return isAscii(s) ? s.toUpperCase() : mapChars(s, (c) => c.toUpperCase());
}

export function lower(s: string): string {
  return isAscii(s) ? s.toLowerCase() : mapChars(s, (c) => c.toLowerCase());
}

const alnum = /[\p{L}\p{N}]/u;

export function initcap(s: string): string {
  let out = '';
  let inWord = false;
  for (const c of s) {
    const isAlnum = c.length === 1 && c.charCodeAt(0) < 0x80 ? /[A-Za-z0-9]/.test(c) : alnum.test(c);
    out += isAlnum ? (inWord ? lower(c) : upper(c)) : c;
    inWord = isAlnum;
  }
  return out;
}

export function strpos(s: string, sub: string): number {
  const at = s.indexOf(sub);
  return at < 0 ? 0 : charIndex(s, at) + 1;
}

function trimSet(chars_: string | undefined): ReadonlySet<string> {
  return new Set(chars_ === undefined ? [' '] : chars(chars_));
}

export function trim(s: string, set: string | undefined, leading: boolean, trailing: boolean): string {
  if (s === '') return s;
  if (set === ' ' || set === undefined) {
    let a = 0;
    let b = s.length;
    if (leading) while (a < b && s.charCodeAt(a) === 32) a++;
    if (trailing) while (b > a && s.charCodeAt(b - 1) === 32) b--;
    return s.slice(a, b);
  }
  const remove = trimSet(set);
  const cs = chars(s);
  let a = 0;
  let b = cs.length;
  if (leading) while (a < b && remove.has(cs[a] as string)) a++;
  if (trailing) while (b > a && remove.has(cs[b - 1] as string)) b--;
  return cs.slice(a, b).join('');
}

export function left(s: string, n: number): string {
  if (n >= 0) return sliceChars(s, 0, n);
  return sliceChars(s, 0, charLength(s) + n);
}

export function right(s: string, n: number): string {
  const len = charLength(s);
  if (n >= 0) return sliceChars(s, len - n, len);
  return sliceChars(s, -n, len);
}

/** lpad/rpad: truncate to `len` characters, or pad with repeats of `fill`. */
export function pad(s: string, len: number, fill: string, onLeft: boolean): string {
  if (len <= 0) return '';
  if (len * utf8BytesPerCharMax > textBytesMax) {
    throw new EonError('program_limit_exceeded', 'requested length too large');
  }
  const have = charLength(s);
  if (have >= len) return sliceChars(s, 0, len);
  if (fill === '') return s;
  const need = len - have;
  const fillChars = charLength(fill);
  const whole = Math.floor(need / fillChars);
  const padding = fill.repeat(whole) + sliceChars(fill, 0, need - whole * fillChars);
  return onLeft ? padding + s : s + padding;
}

export function repeat(s: string, count: number): string {
  if (count <= 0 || s === '') return '';
  checkResultLength(s.length * count, byteLength(s) * count);
  return s.repeat(count);
}

export function reverse(s: string): string {
  return isSingleUnit(s) ? s.split('').reverse().join('') : Array.from(s).reverse().join('');
}

export function splitPart(s: string, delimiter: string, field: number): string {
  if (field === 0) throw new EonError('invalid_parameter_value', 'field position must not be zero');
  if (s === '') return '';
  if (delimiter === '') return field === 1 || field === -1 ? s : '';
  const parts = s.split(delimiter);
  const index = field > 0 ? field - 1 : parts.length + field;
  return parts[index] ?? '';
}

export function translate(s: string, from: string, to: string): string {
  const fromChars = chars(from);
  const toChars = chars(to);
  const map = new Map<string, string>();
  for (let i = 0; i < fromChars.length; i++) {
    const c = fromChars[i] as string;
    if (!map.has(c)) map.set(c, toChars[i] ?? '');
  }
  let out = '';
  for (const c of s) out += map.get(c) ?? c;
  return out;
}

export function chr(code: number): string {
  if (code < 0) throw new EonError('invalid_parameter_value', 'character number must be positive');
  if (code === 0) throw new EonError('program_limit_exceeded', 'null character not permitted');
  if (code > codePointMax) {
    throw new EonError('program_limit_exceeded', `requested character too large for encoding: ${code}`);
  }
  if (code >= 0xd800 && code <= 0xdfff) {
    throw new EonError('program_limit_exceeded', `requested character not valid for encoding: ${code}`);
  }
  return String.fromCodePoint(code);
}

export function quoteLiteral(s: string): string {
  const body = s.replace(/'/g, "''");
  return s.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

function md5(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex');
}

const textOf1 = (f: (s: string) => Value) => (a: readonly Value[]) => f(str(a[0]));

export const stringFunctions: readonly FunctionDef[] = [
  fn('length', ['text'], 'int4', textOf1(charLength)),
  fn('char_length', ['text'], 'int4', textOf1(charLength)),
  fn('character_length', ['text'], 'int4', textOf1(charLength)),
  fn('octet_length', ['text'], 'int4', textOf1(byteLength)),
  fn('lower', ['text'], 'text', textOf1(lower)),
  fn('upper', ['text'], 'text', textOf1(upper)),
  fn('initcap', ['text'], 'text', textOf1(initcap)),
  fn('substr', ['text', 'int4'], 'text', (a) => substr(str(a[0]), int(a[1]))),
  fn('substr', ['text', 'int4', 'int4'], 'text', (a) => substr(str(a[0]), int(a[1]), int(a[2]))),
  fn('substring', ['text', 'int4'], 'text', (a) => substr(str(a[0]), int(a[1]))),
  fn('substring', ['text', 'int4', 'int4'], 'text', (a) =>
    substr(str(a[0]), int(a[1]), int(a[2])),
  ),
  // position(haystack, needle): the parser turns POSITION(needle IN haystack) into this order.
  fn('position', ['text', 'text'], 'int4', (a) => strpos(str(a[0]), str(a[1]))),
  fn('strpos', ['text', 'text'], 'int4', (a) => strpos(str(a[0]), str(a[1]))),
  fn('btrim', ['text'], 'text', (a) => trim(str(a[0]), undefined, true, true)),
  fn('btrim', ['text', 'text'], 'text', (a) => trim(str(a[0]), str(a[1]), true, true)),
  fn('ltrim', ['text'], 'text', (a) => trim(str(a[0]), undefined, true, false)),
  fn('ltrim', ['text', 'text'], 'text', (a) => trim(str(a[0]), str(a[1]), true, false)),
  fn('rtrim', ['text'], 'text', (a) => trim(str(a[0]), undefined, false, true)),
  fn('rtrim', ['text', 'text'], 'text', (a) => trim(str(a[0]), str(a[1]), false, true)),
  fn('replace', ['text', 'text', 'text'], 'text', (a) => {
    const s = str(a[0]);
    const from = str(a[1]);
    return from === '' ? s : s.split(from).join(str(a[2]));
  }),
  fn('left', ['text', 'int4'], 'text', (a) => left(str(a[0]), int(a[1]))),
  fn('right', ['text', 'int4'], 'text', (a) => right(str(a[0]), int(a[1]))),
  fn('lpad', ['text', 'int4'], 'text', (a) => pad(str(a[0]), int(a[1]), ' ', true)),
  fn('lpad', ['text', 'int4', 'text'], 'text', (a) => pad(str(a[0]), int(a[1]), str(a[2]), true)),
  fn('rpad', ['text', 'int4'], 'text', (a) => pad(str(a[0]), int(a[1]), ' ', false)),
  fn('rpad', ['text', 'int4', 'text'], 'text', (a) => pad(str(a[0]), int(a[1]), str(a[2]), false)),
  fn('repeat', ['text', 'int4'], 'text', (a) => repeat(str(a[0]), int(a[1]))),
  fn('reverse', ['text'], 'text', textOf1(reverse)),
  fn('split_part', ['text', 'text', 'int4'], 'text', (a) =>
    splitPart(str(a[0]), str(a[1]), int(a[2])),
  ),
  fn('starts_with', ['text', 'text'], 'bool', (a) => str(a[0]).startsWith(str(a[1]))),
  fn('md5', ['text'], 'text', textOf1(md5)),
  fn('chr', ['int4'], 'text', (a) => chr(int(a[0]))),
  fn('ascii', ['text'], 'int4', textOf1((s) => s.codePointAt(0) ?? 0)),
  fn('translate', ['text', 'text', 'text'], 'text', (a) =>
    translate(str(a[0]), str(a[1]), str(a[2])),
  ),
  fn('to_hex', ['int4'], 'text', (a) => (int(a[0]) >>> 0).toString(16)),
  fn('to_hex', ['int8'], 'text', (a) => BigInt.asUintN(64, a[0] as bigint).toString(16)),
  fn('quote_literal', ['text'], 'text', textOf1(quoteLiteral)),
];
