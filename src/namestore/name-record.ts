// What the namestore keeps per name in the consensus register: the key a name lives under, the
// rules a name and an idempotency key must follow, and the JSON record of its holder (validated
// on the way out of the register, since every node decodes what any node wrote).

import { EonError } from '../errors/index.js';

/** Longest name, in UTF-8 bytes. */
export const NAME_BYTES_MAX = 255;
/** Longest client-chosen idempotency key, in UTF-8 bytes. */
export const IDEMPOTENCY_KEY_BYTES_MAX = 255;
/** Holder tokens are this many random bytes, written as hex. */
export const TOKEN_BYTES = 16;
/** Register keys of names start with this, so names never collide with the catalog's keys. */
export const NAME_KEY_PREFIX = 'name:';
/** Version of the record's JSON shape. */
export const NAME_RECORD_FORMAT = 1;

/** The holder of a registered name. The token is the holder's proof for release. */
export interface NameRecord {
  readonly token: string;
  readonly registeredAtMs: number;
  /** The client's key for the request that registered it: a retry with the same key gets the same answer. */
  readonly idempotencyKey: string | null;
}

/** What the register holds for a name: nobody, a holder, or a value no node can read (held, by nobody who can release it). */
export type NameState =
  | { readonly kind: 'free' }
  | { readonly kind: 'held'; readonly record: NameRecord }
  | { readonly kind: 'unreadable' };

// Control characters would make names unsafe in URLs, headers and logs.
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Half of a surrogate pair on its own: not encodable as UTF-8, so not the same name on every node. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Throws invalid_name (42602) for an empty name, one over NAME_BYTES_MAX bytes, or one with control characters. */
export function checkName(name: string): string {
  if (name.length === 0) throw new EonError('invalid_name', 'a name must not be empty');
  const bytes = utf8Bytes(name);
  if (bytes > NAME_BYTES_MAX) throw new EonError('invalid_name', `a name is at most ${NAME_BYTES_MAX} bytes (UTF-8), got ${bytes}`);
  if (CONTROL.test(name)) throw new EonError('invalid_name', 'a name must not contain control characters');
  if (LONE_SURROGATE.test(name)) throw new EonError('invalid_name', 'a name must be well-formed Unicode');
  return name;
}

/** Throws invalid_parameter_value for an idempotency key that is empty, too long or has control characters. */
export function checkIdempotencyKey(key: string): string {
  if (key.length === 0 || utf8Bytes(key) > IDEMPOTENCY_KEY_BYTES_MAX || CONTROL.test(key)) {
    throw new EonError('invalid_parameter_value', `an idempotency key is 1 to ${IDEMPOTENCY_KEY_BYTES_MAX} bytes without control characters`);
  }
  return key;
}

/** The register key of a (checked) name. */
export function nameKey(name: string): string {
  return `${NAME_KEY_PREFIX}${name}`;
}

export function encodeNameRecord(record: NameRecord): string {
  return JSON.stringify({ format: NAME_RECORD_FORMAT, token: record.token, registeredAtMs: record.registeredAtMs, idempotencyKey: record.idempotencyKey });
}

/** Decodes a register value; null is a free name (never registered, or released). */
export function decodeNameState(value: string | null): NameState {
  if (value === null) return { kind: 'free' };
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return { kind: 'unreadable' };
  }
  if (typeof raw !== 'object' || raw === null) return { kind: 'unreadable' };
  const r = raw as Record<string, unknown>;
  const key = r.idempotencyKey;
  if (
    r.format !== NAME_RECORD_FORMAT ||
    typeof r.token !== 'string' ||
    r.token.length === 0 ||
    typeof r.registeredAtMs !== 'number' ||
    !Number.isFinite(r.registeredAtMs) ||
    !(key === null || typeof key === 'string')
  ) {
    return { kind: 'unreadable' };
  }
  return { kind: 'held', record: { token: r.token, registeredAtMs: r.registeredAtMs, idempotencyKey: key } };
}
