// The msgpack encoding of frame bodies, the request/one-way envelope ([type, body]) and the error
// body, with validation on arrival: whatever a peer sends is checked before anything trusts it.

import { Packr } from 'msgpackr';
import { ERROR_CODES, EonError, type ErrorCode } from '../../errors/index.js';

/** Longest request/message type name accepted ("kv.put", "swim", …). */
export const MESSAGE_TYPE_CHARS_MAX = 128;
/** Longest error message text carried back to a caller. */
export const ERROR_MESSAGE_CHARS_MAX = 8 * 1024;

// Records (shared structures) would make a body depend on state outside the frame; plain maps only.
const packr = new Packr({ useRecords: false });
const EMPTY = new Uint8Array(0);

/** undefined encodes to an empty body (and decodes back to undefined). */
export function encodeBody(value: unknown): Uint8Array {
  return value === undefined ? EMPTY : packr.pack(value);
}

/** Throws EonError protocol_violation when the bytes are not one msgpack value. */
export function decodeBody(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) return undefined;
  try {
    return packr.unpack(bytes);
  } catch (e) {
    throw new EonError('protocol_violation', `undecodable RPC body: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function encodeEnvelope(type: string, body: unknown): Uint8Array {
  if (!isMessageType(type)) throw new Error(`bad RPC message type ${JSON.stringify(type)}`);
  return packr.pack([type, body]);
}

export interface Envelope {
  readonly type: string;
  readonly body: unknown;
}

/** A request/one-way body: [type, body]. Throws EonError protocol_violation when malformed. */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  const value = decodeBody(bytes);
  if (!Array.isArray(value) || value.length !== 2 || !isMessageType(value[0])) {
    throw new EonError('protocol_violation', 'malformed RPC envelope (expected [type, body])');
  }
  return { type: value[0], body: value[1] };
}

function isMessageType(t: unknown): t is string {
  return typeof t === 'string' && t.length > 0 && t.length <= MESSAGE_TYPE_CHARS_MAX;
}

/** What an error-response or connection-error carries: enough to rebuild the EonError on the caller. */
export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  /** connection-error for a foreign protocol version: the version this node speaks. */
  readonly supportedVersion?: number;
}

export function encodeError(e: EonError, supportedVersion?: number): Uint8Array {
  const wire: Record<string, unknown> = { code: e.code, message: clip(e.message) };
  if (e.detail !== undefined) wire.detail = clip(e.detail);
  if (e.hint !== undefined) wire.hint = clip(e.hint);
  if (supportedVersion !== undefined) wire.supportedVersion = supportedVersion;
  return packr.pack(wire);
}

/** A peer's error as an EonError with the same code; an unknown code (newer peer) becomes internal_error. */
export function decodeError(bytes: Uint8Array, where: string): EonError {
  let value: unknown;
  try {
    value = decodeBody(bytes);
  } catch (e) {
    return e as EonError;
  }
  if (value === null || typeof value !== 'object') return new EonError('protocol_violation', 'malformed RPC error body', { where });
  const v = value as Record<string, unknown>;
  const message = typeof v.message === 'string' ? clip(v.message) : 'peer error';
  const extras = {
    where,
    ...(typeof v.detail === 'string' ? { detail: clip(v.detail) } : {}),
    ...(typeof v.hint === 'string' ? { hint: clip(v.hint) } : {}),
  };
  if (typeof v.code === 'string' && Object.hasOwn(ERROR_CODES, v.code)) return new EonError(v.code as ErrorCode, message, extras);
  return new EonError('internal_error', `${message} (peer error code ${String(v.code)})`, extras);
}

/** The supportedVersion a connection-error names, if any. */
export function supportedVersionOf(bytes: Uint8Array): number | undefined {
  try {
    const v = decodeBody(bytes);
    if (v !== null && typeof v === 'object') {
      const s = (v as Record<string, unknown>).supportedVersion;
      return typeof s === 'number' ? s : undefined;
    }
  } catch {
    // a malformed body names nothing
  }
  return undefined;
}

function clip(s: string): string {
  return s.length > ERROR_MESSAGE_CHARS_MAX ? `${s.slice(0, ERROR_MESSAGE_CHARS_MAX)}…` : s;
}
