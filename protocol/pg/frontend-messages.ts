// Decodes the client's typed messages (after startup) into kind-tagged objects, checking every length.

import { isUtf8 } from 'node:buffer';
import { EonError } from '../../src/errors/index.js';
import { PARAMS_MAX } from './limits.js';

/** A Bind parameter as received: text already decoded, binary bytes copied, or NULL. */
export type BindParam = string | Uint8Array | null;

export type FrontendMessage =
  | { readonly kind: 'query'; readonly sql: string }
  | { readonly kind: 'parse'; readonly name: string; readonly sql: string; readonly paramOids: readonly number[] }
  | {
      readonly kind: 'bind';
      readonly portal: string;
      readonly statement: string;
      readonly params: readonly BindParam[];
      readonly resultFormats: readonly number[];
    }
  | { readonly kind: 'describe'; readonly target: 'S' | 'P'; readonly name: string }
  | { readonly kind: 'execute'; readonly portal: string; readonly maxRows: number }
  | { readonly kind: 'close'; readonly target: 'S' | 'P'; readonly name: string }
  | { readonly kind: 'sync' }
  | { readonly kind: 'flush' }
  | { readonly kind: 'terminate' }
  | { readonly kind: 'functionCall' }
  /** COPY FROM STDIN's data; outside copy-in mode these are ignored, as PostgreSQL does. */
  | { readonly kind: 'copyData'; readonly data: Uint8Array }
  | { readonly kind: 'copyDone' }
  | { readonly kind: 'copyFail'; readonly message: string }
  /** A message that decoded to an ordinary (non-fatal) error, e.g. invalid UTF-8; reported in order. */
  | { readonly kind: 'invalid'; readonly error: EonError; readonly fromSimpleQuery: boolean };

const CHAR_Q = 0x51;
const CHAR_P = 0x50;
const CHAR_B = 0x42;
const CHAR_D = 0x44;
const CHAR_E = 0x45;
const CHAR_C = 0x43;
const CHAR_S = 0x53;
const CHAR_H = 0x48;
const CHAR_X = 0x58;
const CHAR_F = 0x46;
const CHAR_d = 0x64;
const CHAR_c = 0x63;
const CHAR_f = 0x66;

/** Type bytes of the messages `parseFrontendMessage` knows, as a 256-entry table (1: known), for the frame reader. */
export const FRONTEND_MESSAGE_TYPES: Readonly<Uint8Array> = typeTable([
  CHAR_Q, CHAR_P, CHAR_B, CHAR_D, CHAR_E, CHAR_C, CHAR_S, CHAR_H, CHAR_X, CHAR_F, CHAR_d, CHAR_c, CHAR_f,
]);

/** A 256-entry table with 1 at each of `types`. */
export function typeTable(types: readonly number[]): Uint8Array {
  const table = new Uint8Array(256);
  for (const t of types) table[t] = 1;
  return table;
}

function malformed(what: string): EonError {
  return new EonError('protocol_violation', `invalid message format: ${what}`);
}

/** Sequential, bounds-checked reads over one message body. */
export class FieldReader {
  private pos = 0;
  constructor(private readonly body: Buffer) {}

  int16(): number {
    if (this.pos + 2 > this.body.length) throw malformed('message too short');
    const v = this.body.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    if (this.pos + 4 > this.body.length) throw malformed('message too short');
    const v = this.body.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  byte(): number {
    if (this.pos >= this.body.length) throw malformed('message too short');
    return this.body[this.pos++] as number;
  }

  /** A NUL-terminated string; invalid UTF-8 throws character_not_in_repertoire. */
  cstring(): string {
    const nul = this.body.indexOf(0, this.pos);
    if (nul < 0) throw malformed('missing string terminator');
    const s = utf8(this.body, this.pos, nul);
    this.pos = nul + 1;
    return s;
  }

  bytes(n: number): Buffer {
    if (n < 0 || this.pos + n > this.body.length) throw malformed('value length out of range');
    const b = this.body.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  expectEnd(): void {
    if (this.pos !== this.body.length) throw malformed('unexpected bytes at end of message');
  }
}

/** Short strings (names, parameters) are checked for ASCII in JS, cheaper than two native calls. */
const ASCII_SCAN_BYTES_MAX = 64;

/** Decodes UTF-8, rejecting invalid sequences as PostgreSQL does for a UTF8 database. */
export function utf8(buf: Buffer, from: number, to: number): string {
  if (from === to) return ''; // the unnamed statement and portal: the common case in Bind
  if (to - from <= ASCII_SCAN_BYTES_MAX) {
    let ascii = true;
    for (let i = from; i < to; i++) {
      if ((buf[i] as number) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return buf.toString('latin1', from, to);
  }
  const slice = buf.subarray(from, to);
  if (!isUtf8(slice)) {
    throw new EonError('character_not_in_repertoire', 'invalid byte sequence for encoding "UTF8"');
  }
  return buf.toString('utf8', from, to);
}

/**
 * Decodes one typed frame. Throws protocol_violation (fatal to the connection) on malformed
 * framing or unknown types; returns `invalid` for content errors the connection survives.
 */
export function parseFrontendMessage(type: number, body: Buffer): FrontendMessage {
  // The body may view a buffer the frame reader reuses: COPY data is kept as a copy.
  if (type === CHAR_d) return { kind: 'copyData', data: Uint8Array.prototype.slice.call(body) };
  const r = new FieldReader(body);
  try {
    return decode(type, r);
  } catch (e) {
    if (e instanceof EonError && e.code === 'character_not_in_repertoire') return { kind: 'invalid', error: e, fromSimpleQuery: type === CHAR_Q };
    throw e;
  }
}

function decode(type: number, r: FieldReader): FrontendMessage {
  switch (type) {
    case CHAR_Q: {
      const sql = r.cstring();
      r.expectEnd();
      return { kind: 'query', sql };
    }
    case CHAR_P: {
      const name = r.cstring();
      const sql = r.cstring();
      const n = r.int16();
      if (n < 0) throw malformed('negative parameter count');
      const paramOids: number[] = [];
      for (let i = 0; i < n; i++) paramOids.push(r.int32() >>> 0);
      r.expectEnd();
      return { kind: 'parse', name, sql, paramOids };
    }
    case CHAR_B:
      return decodeBind(r);
    case CHAR_D:
    case CHAR_C: {
      const t = r.byte();
      if (t !== CHAR_S && t !== CHAR_P) throw malformed(`invalid ${type === CHAR_D ? 'DESCRIBE' : 'CLOSE'} message subtype ${t}`);
      const name = r.cstring();
      r.expectEnd();
      const target = t === CHAR_S ? 'S' : 'P';
      return type === CHAR_D ? { kind: 'describe', target, name } : { kind: 'close', target, name };
    }
    case CHAR_E: {
      const portal = r.cstring();
      const maxRows = r.int32();
      r.expectEnd();
      return { kind: 'execute', portal, maxRows: maxRows <= 0 ? 0 : maxRows };
    }
    case CHAR_S:
      r.expectEnd();
      return { kind: 'sync' };
    case CHAR_H:
      r.expectEnd();
      return { kind: 'flush' };
    case CHAR_X:
      return { kind: 'terminate' };
    case CHAR_F:
      return { kind: 'functionCall' };
    case CHAR_c:
      return { kind: 'copyDone' };
    case CHAR_f:
      return { kind: 'copyFail', message: r.cstring() };
    default:
      throw new EonError('protocol_violation', `invalid frontend message type ${type}`);
  }
}

function decodeBind(r: FieldReader): FrontendMessage {
  const portal = r.cstring();
  const statement = r.cstring();
  const formatCount = r.int16();
  if (formatCount < 0) throw malformed('negative format count');
  const formats: number[] = [];
  for (let i = 0; i < formatCount; i++) formats.push(checkFormat(r.int16()));
  const paramCount = r.int16() & 0xffff;
  if (paramCount > PARAMS_MAX) throw malformed('too many parameters');
  if (formatCount > 1 && formatCount !== paramCount) {
    throw new EonError(
      'protocol_violation',
      `bind message has ${formatCount} parameter formats but ${paramCount} parameters`,
    );
  }
  const params: BindParam[] = [];
  for (let i = 0; i < paramCount; i++) {
    const len = r.int32();
    if (len === -1) {
      params.push(null);
      continue;
    }
    if (len < -1) throw malformed('invalid parameter length');
    const format = formatCount === 0 ? 0 : formatCount === 1 ? (formats[0] as number) : (formats[i] as number);
    const bytes = r.bytes(len);
    params.push(format === 0 ? utf8(bytes, 0, bytes.length) : Uint8Array.prototype.slice.call(bytes));
  }
  const resultCount = r.int16();
  if (resultCount < 0) throw malformed('negative result format count');
  const resultFormats: number[] = [];
  for (let i = 0; i < resultCount; i++) resultFormats.push(checkFormat(r.int16()));
  r.expectEnd();
  return { kind: 'bind', portal, statement, params, resultFormats };
}

function checkFormat(f: number): number {
  if (f !== 0 && f !== 1) throw new EonError('protocol_violation', `unsupported format code: ${f}`);
  return f;
}
