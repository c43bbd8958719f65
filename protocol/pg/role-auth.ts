// Authentication against the role catalog (storage/security.ts): each role's SCRAM-SHA-256
// secret, PostgreSQL's checks and messages. An unknown role, or one without a password, runs the
// same exchange against a made-up secret and fails the same way (28P01), so a client cannot tell
// which roles exist; only after the password is proven is NOLOGIN refused (28000).

import { createHash, randomBytes } from 'node:crypto';
import { EonError } from '../../src/errors/index.js';
import { deriveScramKeys, parseScramSecret, verifyScramPassword, SCRAM_SECRET_ITERATIONS } from '../../src/auth/scram-secret.js';
import type { ScramVerifier } from './scram.js';

/** What authentication needs of a role. */
export interface LoginRole {
  readonly login: boolean;
  readonly superuser: boolean;
  /** SCRAM-SHA-256 secret, or null: no password. */
  readonly password: string | null;
}

/** Looks roles up by name (the node's store, kept current by the cluster catalog). */
export interface RoleDirectory {
  find(name: string): LoginRole | undefined;
}

/** Per process: mock salts are stable per user name (as PostgreSQL's) but not predictable. */
const MOCK_NONCE = randomBytes(32);

/** The verifier of `user`'s secret, or a mock one nobody can satisfy. */
export function scramVerifierOf(directory: RoleDirectory, user: string): ScramVerifier {
  const secret = directory.find(user)?.password;
  const keys = secret == null ? null : parseScramSecret(secret);
  if (keys !== null) return keys;
  const salt = createHash('sha256').update(MOCK_NONCE).update(user, 'utf8').digest().subarray(0, 16);
  const mock = deriveScramKeys(randomBytes(32).toString('base64'), salt, SCRAM_SECRET_ITERATIONS);
  return { ...mock, storedKey: randomBytes(32) };
}

/** Whether a cleartext password (the 'password' method, REST Basic) is `user`'s. */
export function cleartextMatches(directory: RoleDirectory, user: string, password: string): boolean {
  const secret = directory.find(user)?.password;
  return secret != null && verifyScramPassword(secret, password);
}

/** After authentication (or under trust): the role must exist and may log in. FATAL 28000 otherwise. */
export function checkLogin(directory: RoleDirectory, user: string): void {
  const role = directory.find(user);
  if (role === undefined) throw new EonError('invalid_authorization_specification', `role "${user}" does not exist`);
  if (!role.login) throw new EonError('invalid_authorization_specification', `role "${user}" is not permitted to log in`);
}
