// The startup phase: decoding startup-type packets and the session parameters reported after authentication.

import { EonError } from '../../src/errors/index.js';
import type { Session } from '../../query/session/contract.js';
import {
  CANCEL_REQUEST_CODE,
  GSSENC_REQUEST_CODE,
  PROTOCOL_V3,
  SSL_REQUEST_CODE,
} from './limits.js';
import { FieldReader } from './frontend-messages.js';

export type StartupPacket =
  | { readonly kind: 'sslRequest' }
  | { readonly kind: 'gssEncRequest' }
  | { readonly kind: 'cancelRequest'; readonly processId: number; readonly secretKey: number }
  | {
      readonly kind: 'startup';
      readonly params: ReadonlyMap<string, string>;
      /** Set when the client asked for 3.x, x > 0, or sent `_pq_.` options: answer NegotiateProtocolVersion. */
      readonly negotiate: { readonly minor: number; readonly unknownOptions: readonly string[] } | null;
    };

/** Databases a single eon node answers to; the catalog is one namespace whatever the name. */
export const DATABASES: ReadonlySet<string> = new Set(['eon', 'postgres']);

/** Decodes a packet of the startup phase (no type byte); protocol majors other than 3 are FATAL 08P01. */
export function decodeStartupPacket(body: Buffer): StartupPacket {
  const r = new FieldReader(body);
  const code = r.int32();
  if (code === SSL_REQUEST_CODE) return { kind: 'sslRequest' };
  if (code === GSSENC_REQUEST_CODE) return { kind: 'gssEncRequest' };
  if (code === CANCEL_REQUEST_CODE) {
    const processId = r.int32();
    const secretKey = r.int32();
    return { kind: 'cancelRequest', processId, secretKey };
  }
  const major = code >>> 16;
  const minor = code & 0xffff;
  if (major !== PROTOCOL_V3 >>> 16) {
    throw new EonError(
      'protocol_violation',
      `unsupported frontend protocol ${major}.${minor}: server supports 3.0 to 3.0`,
    );
  }
  const params = new Map<string, string>();
  const unknownOptions: string[] = [];
  for (;;) {
    const name = r.cstring();
    if (name === '') break;
    const value = r.cstring();
    // Protocol extensions eon does not know are reported back, never silently accepted.
    if (name.startsWith('_pq_.')) unknownOptions.push(name);
    else params.set(name, value);
  }
  r.expectEnd();
  // A newer 3.x client is told to speak 3.0, as PostgreSQL does, rather than turned away.
  const negotiate = minor > 0 || unknownOptions.length > 0 ? { minor: 0, unknownOptions } : null;
  return { kind: 'startup', params, negotiate };
}

/** Checks user and database; returns them, database defaulting to the user name as in PostgreSQL. */
export function identify(params: ReadonlyMap<string, string>): { user: string; database: string } {
  const user = params.get('user');
  if (user === undefined || user === '') {
    throw new EonError('invalid_authorization_specification', 'no PostgreSQL user name specified in startup packet');
  }
  const database = params.get('database') || user;
  if (!DATABASES.has(database)) {
    throw new EonError('invalid_catalog_name', `database "${database}" does not exist`);
  }
  return { user, database };
}

/**
 * Settings re-reported with ParameterStatus whenever a statement changes them (PostgreSQL's GUC_REPORT
 * set that eon has). application_name is left out until sessions learn the startup value.
 */
export const TRACKED_SETTINGS: readonly string[] = ['DateStyle', 'IntervalStyle', 'TimeZone'];

/** ParameterStatus messages sent after authentication; drivers read server_version and the date/encoding settings. */
export function reportedParameters(
  session: Session,
  user: string,
  startup: ReadonlyMap<string, string>,
): [string, string][] {
  return [
    ['server_version', '15.0'],
    ['server_encoding', 'UTF8'],
    ['client_encoding', 'UTF8'],
    ['DateStyle', session.setting('DateStyle') ?? 'ISO, MDY'],
    ['IntervalStyle', session.setting('IntervalStyle') ?? 'postgres'],
    ['integer_datetimes', 'on'],
    ['standard_conforming_strings', 'on'],
    ['TimeZone', session.setting('TimeZone') ?? 'UTC'],
    ['application_name', startup.get('application_name') ?? ''],
    ['is_superuser', 'on'],
    ['session_authorization', user],
  ];
}
