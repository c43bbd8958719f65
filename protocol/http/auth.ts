// HTTP Basic authentication for REST when the node has a password (the same one psql uses).

import { createHash, timingSafeEqual } from 'node:crypto';
import { EonError } from '../../src/errors/index.js';

/** The session user when no password is configured (trust, as pg on loopback). */
export const REST_USER_DEFAULT = 'eon';
export const REST_DATABASE = 'eon';

/**
 * Returns the authenticated user name, or throws 28P01 (401). Passwords are compared as SHA-256
 * digests with timingSafeEqual, so the comparison time does not reveal how much matched.
 */
export function authenticate(authorization: string | undefined, password: string | undefined): string {
  if (password === undefined) return REST_USER_DEFAULT;
  const m = authorization === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (m === null) throw new EonError('invalid_password', 'password authentication required: send HTTP Basic credentials');
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const given = colon < 0 ? '' : decoded.slice(colon + 1);
  if (!timingSafeEqual(digest(given), digest(password))) {
    throw new EonError('invalid_password', `password authentication failed for user "${user}"`);
  }
  return user === '' ? REST_USER_DEFAULT : user;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
