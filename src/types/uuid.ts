// uuid: PostgreSQL's input (uuid_in) and the value eon keeps, the canonical lower-case hyphenated
// text. That text orders like PostgreSQL's memcmp of the 16 bytes (fixed-width lower-case hex),
// so comparison, hashing, keys and dictionary columns need nothing of their own.

import { randomBytes } from 'node:crypto';
import { EonError } from '../errors/index.js';

export const UUID_BYTES = 16;

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function badUuid(text: string): EonError {
  return new EonError('invalid_text_representation', `invalid input syntax for type uuid: "${text}"`);
}

/**
 * string_to_uuid: optional braces around 32 hex digits, a hyphen allowed after any group of four
 * digits (but not at the end), any case; no surrounding spaces.
 */
export function parseUuid(text: string): string {
  let i = 0;
  const braces = text.charCodeAt(0) === 123; /* { */
  if (braces) i++;
  let hex = '';
  for (let byte = 0; byte < UUID_BYTES; byte++) {
    const a = text.charCodeAt(i);
    const b = text.charCodeAt(i + 1);
    if (!isHex(a) || !isHex(b)) throw badUuid(text);
    hex += text.slice(i, i + 2);
    i += 2;
    if (text.charCodeAt(i) === 45 /* - */ && byte % 2 === 1 && byte < UUID_BYTES - 1) i++;
  }
  if (braces) {
    if (text.charCodeAt(i) !== 125 /* } */) throw badUuid(text);
    i++;
  }
  if (i !== text.length) throw badUuid(text);
  return canonicalUuid(hex.toLowerCase());
}

function canonicalUuid(hex32: string): string {
  return `${hex32.slice(0, 8)}-${hex32.slice(8, 12)}-${hex32.slice(12, 16)}-${hex32.slice(16, 20)}-${hex32.slice(20)}`;
}

/** uuid_send: the 16 bytes. */
export function uuidToBytes(v: string): Uint8Array {
  return new Uint8Array(Buffer.from(v.replace(/-/g, ''), 'hex'));
}

/** uuid_recv. */
export function uuidFromBytes(b: Uint8Array): string {
  if (b.byteLength !== UUID_BYTES) {
    throw new EonError('invalid_binary_representation', `incorrect binary data format in bind parameter (uuid needs ${UUID_BYTES} bytes, got ${b.byteLength})`);
  }
  return canonicalUuid(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex'));
}

/** gen_random_uuid(): a version 4 (random) UUID. */
export function randomUuid(): string {
  const b = randomBytes(UUID_BYTES);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return canonicalUuid(b.toString('hex'));
}
