// The password methods the PostgreSQL port offers (SCRAM-SHA-256, md5, cleartext) and their constant-time checks.

import { createHash, timingSafeEqual } from 'node:crypto';
import { makeScramVerifier } from './scram.js';

export { authenticationFailed } from './scram.js';
import type { ScramVerifier } from './scram.js';

/** `--auth-method`: the names pg_hba.conf uses. */
export const PASSWORD_METHODS = ['scram-sha-256', 'md5', 'password'] as const;
export type PasswordMethod = (typeof PASSWORD_METHODS)[number];
export const PASSWORD_METHOD_DEFAULT: PasswordMethod = 'scram-sha-256';

/** Bytes of the random salt in AuthenticationMD5Password (fixed by the protocol). */
export const MD5_SALT_BYTES = 4;

export function isPasswordMethod(s: string): s is PasswordMethod {
  return (PASSWORD_METHODS as readonly string[]).includes(s);
}

/** What a server keeps to check a password by one method; SCRAM's verifier is derived once, not per connection. */
export type PasswordAuth =
  | { readonly kind: 'scram-sha-256'; readonly verifier: ScramVerifier }
  | { readonly kind: 'md5'; readonly password: string }
  | { readonly kind: 'password'; readonly password: string };

export function makePasswordAuth(method: PasswordMethod, password: string): PasswordAuth {
  switch (method) {
    case 'scram-sha-256':
      return { kind: method, verifier: makeScramVerifier(password) };
    case 'md5':
    case 'password':
      return { kind: method, password };
    default: {
      const never: never = method;
      throw new Error(`unknown password method ${String(never)}`);
    }
  }
}

function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/** What a client answers to AuthenticationMD5Password: 'md5' + md5(md5(password + user) + salt), in hex. */
export function md5Response(password: string, user: string, salt: Buffer): string {
  const inner = md5Hex(password + user);
  return `md5${md5Hex(Buffer.concat([Buffer.from(inner, 'utf8'), salt]))}`;
}

/**
 * Compares in constant time. Both sides are hashed first, so neither the length of the password
 * nor where the first difference lies shows in the time taken.
 */
export function secretsEqual(given: Buffer, expected: Buffer): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
