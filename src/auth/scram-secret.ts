// Role passwords as PostgreSQL stores them (pg_authid.rolpassword): a SCRAM-SHA-256 secret
// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64), never the password.
// The PostgreSQL port runs its SCRAM exchange from it, and cleartext passwords (REST Basic, the
// 'password' method) are checked by deriving the keys again with the stored salt.

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** PostgreSQL's scram_iterations default. */
export const SCRAM_SECRET_ITERATIONS = 4096;
/** PostgreSQL's SCRAM_DEFAULT_SALT_LEN. */
export const SCRAM_SECRET_SALT_BYTES = 16;
/** Iterations a stored secret may ask for: bounds the work one login costs. */
export const SCRAM_SECRET_ITERATIONS_MAX = 1_000_000;

export interface ScramKeys {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** The keys of `password` with this salt (RFC 5802; the password SASLprep'd by NFKC, as eon's exchange does). */
export function deriveScramKeys(password: string, salt: Buffer, iterations: number): ScramKeys {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  return {
    salt,
    iterations,
    storedKey: createHash('sha256').update(hmac(salted, 'Client Key')).digest(),
    serverKey: hmac(salted, 'Server Key'),
  };
}

export function encodeScramSecret(k: ScramKeys): string {
  return `SCRAM-SHA-256$${k.iterations}:${k.salt.toString('base64')}$${k.storedKey.toString('base64')}:${k.serverKey.toString('base64')}`;
}

/** A new secret for `password` with a random salt. */
export function scramSecret(password: string, iterations = SCRAM_SECRET_ITERATIONS, salt = randomBytes(SCRAM_SECRET_SALT_BYTES)): string {
  return encodeScramSecret(deriveScramKeys(password, salt, iterations));
}

/** The keys of a stored secret, or null when the text is not one (an md5 or malformed secret). */
export function parseScramSecret(secret: string): ScramKeys | null {
  const m = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(secret);
  if (m === null) return null;
  const iterations = Number(m[1]);
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > SCRAM_SECRET_ITERATIONS_MAX) return null;
  const storedKey = Buffer.from(m[3]!, 'base64');
  const serverKey = Buffer.from(m[4]!, 'base64');
  if (storedKey.length !== 32 || serverKey.length !== 32) return null;
  return { salt: Buffer.from(m[2]!, 'base64'), iterations, storedKey, serverKey };
}

/** Whether `password` is the one `secret` was made from (constant-time compare of StoredKey). */
export function verifyScramPassword(secret: string, password: string): boolean {
  const keys = parseScramSecret(secret);
  if (keys === null) return false;
  const again = deriveScramKeys(password, keys.salt, keys.iterations);
  return timingSafeEqual(again.storedKey, keys.storedKey) && timingSafeEqual(again.serverKey, keys.serverKey);
}

/**
 * What CREATE/ALTER ROLE … PASSWORD stores: a SCRAM secret given as such is kept (pg_dump output
 * restores), anything else is a password and is hashed. PostgreSQL would also keep an md5 secret;
 * eon refuses those (see README) since it authenticates by SCRAM only.
 */
export function isScramSecretText(text: string): boolean {
  return parseScramSecret(text) !== null;
}
