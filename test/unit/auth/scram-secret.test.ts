// SCRAM-SHA-256 secrets as PostgreSQL stores them: derivation checked against RFC 7677's example
// exchange and against a secret PostgreSQL 15 made; parsing refuses what is not one.

import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveScramKeys, encodeScramSecret, parseScramSecret, scramSecret, verifyScramPassword } from '../../../src/auth/scram-secret.js';
import { scramVerifierOf } from '../../../protocol/pg/role-auth.js';

/** RFC 7677 section 3: user "user", password "pencil". */
const RFC_SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
const RFC_AUTH_MESSAGE =
  'n=user,r=rOprNGfwEbeRWgbNEkqO,' +
  'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,' +
  'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const RFC_CLIENT_PROOF = 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const RFC_SERVER_SIGNATURE = '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

/** What PostgreSQL 15 stored for CREATE USER alice PASSWORD 'pw' (password_encryption = scram-sha-256). */
const POSTGRES_SECRET = 'SCRAM-SHA-256$4096:3BKYVdAdnomkb2jOk/BH1Q==$IOUNAktQWS9ignXfs97lBuG92FEzSkkomMm4N6nN1W0=:DxFVTxtOXT7rxcubxwT8kYK7BnissOXnRU0PF2fPxlo=';

describe('SCRAM-SHA-256 secrets', () => {
  it('derives the keys of RFC 7677\'s example: the client proof checks and the server signature matches', () => {
    const k = deriveScramKeys('pencil', RFC_SALT, 4096);
    const hmac = (key: Buffer): Buffer => createHmac('sha256', key).update(RFC_AUTH_MESSAGE).digest();
    expect(hmac(k.serverKey).toString('base64')).toBe(RFC_SERVER_SIGNATURE);
    const proof = Buffer.from(RFC_CLIENT_PROOF, 'base64');
    const signature = hmac(k.storedKey);
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]!));
    expect(createHash('sha256').update(clientKey).digest().equals(k.storedKey)).toBe(true);
  });

  it('makes the same secret text PostgreSQL 15 makes for the same password and salt', () => {
    const parsed = parseScramSecret(POSTGRES_SECRET)!;
    expect(parsed.iterations).toBe(4096);
    expect(scramSecret('pw', 4096, parsed.salt)).toBe(POSTGRES_SECRET);
    expect(encodeScramSecret(parsed)).toBe(POSTGRES_SECRET);
    expect(verifyScramPassword(POSTGRES_SECRET, 'pw')).toBe(true);
    expect(verifyScramPassword(POSTGRES_SECRET, 'pW')).toBe(false);
  });

  it('salts each new secret at random, never keeping the password', () => {
    const a = scramSecret('same');
    const b = scramSecret('same');
    expect(a).not.toBe(b);
    expect(a).not.toContain('same');
    expect(a).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(verifyScramPassword(a, 'same') && verifyScramPassword(b, 'same')).toBe(true);
  });

  it('refuses text that is not a SCRAM secret', () => {
    for (const text of ['md5d6a35858d61d2ff59bc2e5e0a1e21df5', 'pw', 'SCRAM-SHA-256$0:AAAA$AAAA:AAAA', 'SCRAM-SHA-256$4096:AAAA$AAAA:AAAA', 'SCRAM-SHA-256$99999999:3BKYVdAdnomkb2jOk/BH1Q==$IOUNAktQWS9ignXfs97lBuG92FEzSkkomMm4N6nN1W0=:DxFVTxtOXT7rxcubxwT8kYK7BnissOXnRU0PF2fPxlo=']) {
      expect(parseScramSecret(text)).toBeNull();
      expect(verifyScramPassword(text, 'pw')).toBe(false);
    }
  });

  it('answers an unknown role with a mock verifier whose salt is stable per name', () => {
    const none = { find: () => undefined };
    const a1 = scramVerifierOf(none, 'ghost');
    const a2 = scramVerifierOf(none, 'ghost');
    const b = scramVerifierOf(none, 'other');
    expect(a1.salt.equals(a2.salt)).toBe(true);
    expect(a1.salt.equals(b.salt)).toBe(false);
    expect(a1.iterations).toBe(4096);
    const known = scramVerifierOf({ find: () => ({ login: true, superuser: false, password: POSTGRES_SECRET }) }, 'alice');
    expect(known.storedKey.equals(parseScramSecret(POSTGRES_SECRET)!.storedKey)).toBe(true);
  });
});
