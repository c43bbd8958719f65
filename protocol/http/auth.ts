// HTTP Basic authentication for REST when the node has a password (the same one psql uses), and
// with a role catalog the same roles and passwords as the PostgreSQL port.

import { createHash, timingSafeEqual } from 'node:crypto';
import { EonError } from '../../src/errors/index.js';
import { checkLogin, cleartextMatches, type RoleDirectory } from '../pg/role-auth.js';

/** The session user when no password is configured (trust, as pg on loopback). */
export const REST_USER_DEFAULT = 'eon';
export const REST_DATABASE = 'eon';
/**
 * Verified (user, password) pairs remembered, so a client sending the same credentials with every
 * request does not pay PBKDF2 each time; an entry holds while the role's secret is unchanged.
 */
export const REST_VERIFIED_ENTRIES_MAX = 1024;

/** Remembers verified credentials per role secret (a changed password or a dropped role misses). */
export class VerifiedCredentials {
  private readonly entries = new Map<string, string>();

  check(roles: RoleDirectory, user: string, password: string): boolean {
    const secret = roles.find(user)?.password ?? null;
    if (secret === null) return false;
    const key = `${user}\u0000${digest(password).toString('base64')}`;
    if (this.entries.get(key) === secret) return true;
    if (!cleartextMatches(roles, user, password)) return false;
    if (this.entries.size >= REST_VERIFIED_ENTRIES_MAX) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, secret);
    return true;
  }
}

function basicCredentials(authorization: string | undefined): { user: string; password: string } | null {
  const m = authorization === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (m === null) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { user: colon < 0 ? decoded : decoded.slice(0, colon), password: colon < 0 ? '' : decoded.slice(colon + 1) };
}

/**
 * Returns the authenticated user name, or throws 28P01 (401). Without `roles`, any user name with
 * the node's password; passwords are compared as SHA-256 digests with timingSafeEqual, so the
 * comparison time does not reveal how much matched. With `roles`, the user must be a role that
 * may log in and, when the node has a password, give its own (trust: Basic names the role, else
 * the default superuser).
 */
export function authenticate(authorization: string | undefined, password: string | undefined, roles?: RoleDirectory, verified?: VerifiedCredentials): string {
  const given = basicCredentials(authorization);
  if (password === undefined) {
    const user = given === null || given.user === '' ? REST_USER_DEFAULT : given.user;
    if (roles !== undefined) checkLogin(roles, user);
    return user;
  }
  if (given === null) throw new EonError('invalid_password', 'password authentication required: send HTTP Basic credentials');
  const user = given.user === '' ? REST_USER_DEFAULT : given.user;
  if (roles !== undefined) {
    const ok = verified !== undefined ? verified.check(roles, user, given.password) : cleartextMatches(roles, user, given.password);
    if (!ok) throw new EonError('invalid_password', `password authentication failed for user "${user}"`);
    checkLogin(roles, user);
    return user;
  }
  if (!timingSafeEqual(digest(given.password), digest(password))) {
    throw new EonError('invalid_password', `password authentication failed for user "${given.user}"`);
  }
  return user;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
