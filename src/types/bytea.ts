// bytea: PostgreSQL's input and output forms (hex and escape), encode/decode's formats, and the
// value eon keeps: a "byte string", a JS string with one char per byte (codes 0..255). Such a
// string compares, hashes and keys in byte order exactly as PostgreSQL's memcmp-then-length order,
// round-trips through every UTF-8 codec in storage, and V8 stores it one byte per char.

import { EonError } from '../errors/index.js';

/** Base64 output lines are this long (PostgreSQL's pg_base64_encode breaks at 76 chars). */
export const BASE64_LINE_CHARS_MAX = 76;

const HEX = '0123456789abcdef';

/** A byte string from bytes. */
export function byteString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** The bytes of a byte string. */
export function byteStringBytes(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

/** The UTF-8 bytes of SQL text, as a byte string (text → bytea input works on the encoded text). */
export function utf8ByteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** The text a byte string spells in UTF-8 (for escape output, which keeps ASCII as it is). */
export function byteStringAsText(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8');
}

function isHexSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** hex_decode: pairs of hex digits, whitespace between pairs skipped. `s` is a byte string. */
export function hexDecode(s: string, from = 0): string {
  let out = '';
  let i = from;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (isHexSpace(c)) {
      i++;
      continue;
    }
    const hi = hexValue(c);
    if (hi < 0) throw new EonError('invalid_parameter_value', `invalid hexadecimal digit: "${byteStringAsText(s.slice(i, i + 1))}"`);
    if (i + 1 >= s.length) throw new EonError('invalid_parameter_value', 'invalid hexadecimal data: odd number of digits');
    const lo = hexValue(s.charCodeAt(i + 1));
    if (lo < 0) throw new EonError('invalid_parameter_value', `invalid hexadecimal digit: "${byteStringAsText(s.slice(i + 1, i + 2))}"`);
    out += String.fromCharCode(hi * 16 + lo);
    i += 2;
  }
  return out;
}

export function hexEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += HEX[c >> 4]! + HEX[c & 15]!;
  }
  return out;
}

function isOctal(c: number, max: number): boolean {
  return c >= 48 && c <= max;
}

/** byteain's escape format (also decode(…, 'escape')): `\\` and `\ooo` escapes, bytes otherwise. */
function escapeDecode(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 92) {
      out += s[i]!;
      i++;
    } else if (isOctal(s.charCodeAt(i + 1), 51) && isOctal(s.charCodeAt(i + 2), 55) && isOctal(s.charCodeAt(i + 3), 55)) {
      out += String.fromCharCode(((s.charCodeAt(i + 1) - 48) << 6) + ((s.charCodeAt(i + 2) - 48) << 3) + (s.charCodeAt(i + 3) - 48));
      i += 4;
    } else if (s.charCodeAt(i + 1) === 92) {
      out += '\\';
      i += 2;
    } else {
      throw new EonError('invalid_text_representation', 'invalid input syntax for type bytea');
    }
  }
  return out;
}

/** byteain: `\x` hex form, or the escape form. Returns a byte string. */
export function parseBytea(text: string): string {
  const s = utf8ByteString(text);
  if (s.charCodeAt(0) === 92 && s.charCodeAt(1) === 120 /* \x */) return hexDecode(s, 2);
  return escapeDecode(s);
}

/** byteaout with bytea_output = hex. */
export function formatBytea(v: string): string {
  return `\\x${hexEncode(v)}`;
}

/** encode(…, 'escape'): NUL and high-bit bytes as \ooo, backslash doubled, other bytes as they are. */
function escapeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c >= 0x80) out += `\\${c.toString(8).padStart(3, '0')}`;
    else if (c === 92) out += '\\\\';
    else out += s[i]!;
  }
  return out;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64Encode(s: string): string {
  const flat = Buffer.from(s, 'latin1').toString('base64');
  let out = '';
  for (let i = 0; i < flat.length; i += BASE64_LINE_CHARS_MAX) {
    if (i > 0) out += '\n';
    out += flat.slice(i, i + BASE64_LINE_CHARS_MAX);
  }
  return out;
}

/** pg_base64_decode: whitespace skipped, '=' only at the end, groups of four symbols. */
function base64Decode(s: string): string {
  let bits = 0;
  let nbits = 0;
  let symbols = 0;
  let pad = 0;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = s.charCodeAt(i);
    if (isHexSpace(code)) continue;
    if (c === '=') {
      // PostgreSQL accepts '=' only where padding can be: the 3rd or 4th symbol of a group.
      if (pad === 0 && symbols % 4 !== 2 && symbols % 4 !== 3) {
        throw new EonError('invalid_parameter_value', 'unexpected "=" while decoding base64 sequence');
      }
      pad++;
      symbols++;
      continue;
    }
    const v = BASE64.indexOf(c);
    if (v < 0 || pad > 0) {
      throw new EonError('invalid_parameter_value', `invalid symbol "${byteStringAsText(c)}" found while decoding base64 sequence`);
    }
    bits = (bits << 6) | v;
    nbits += 6;
    symbols++;
    if (nbits >= 8) {
      nbits -= 8;
      out += String.fromCharCode((bits >> nbits) & 0xff);
      bits &= (1 << nbits) - 1;
    }
  }
  if (symbols % 4 !== 0) {
    throw new EonError('invalid_parameter_value', 'invalid base64 end sequence', {
      hint: 'Input data is missing padding, is truncated, or is otherwise corrupted.',
    });
  }
  return out;
}

function unknownEncoding(name: string): EonError {
  return new EonError('invalid_parameter_value', `unrecognized encoding: "${name}"`);
}

/** encode(bytea, format) → text. */
export function encodeBytes(v: string, format: string): string {
  switch (format.toLowerCase()) {
    case 'hex':
      return hexEncode(v);
    case 'base64':
      return base64Encode(v);
    case 'escape':
      return byteStringAsText(escapeEncode(v));
    default:
      throw unknownEncoding(format);
  }
}

/** decode(text, format) → bytea (a byte string). */
export function decodeBytes(text: string, format: string): string {
  const s = utf8ByteString(text);
  switch (format.toLowerCase()) {
    case 'hex':
      return hexDecode(s);
    case 'base64':
      return base64Decode(s);
    case 'escape':
      return escapeDecode(s);
    default:
      throw unknownEncoding(format);
  }
}

/** substring(bytea from start for count), PostgreSQL's bytea_substring (1-based, clipped). */
export function byteaSubstring(v: string, start: number, count?: number): string {
  if (count === undefined) return v.slice(Math.max(start - 1, 0));
  if (count < 0) throw new EonError('substring_error', 'negative substring length not allowed');
  const end = start + count;
  const from = Math.max(start, 1);
  if (end <= from) return '';
  return v.slice(from - 1, end - 1);
}
