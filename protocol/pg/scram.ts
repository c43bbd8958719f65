// SCRAM-SHA-256 (RFC 5802 / RFC 7677) on the server side, without channel binding, using node:crypto.

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { EonError } from '../../src/errors/index.js';
import { SCRAM_ITERATIONS } from './limits.js';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
const NONCE_BYTES = 18;
const SALT_BYTES = 16;

/** What a server stores instead of the password (PostgreSQL's pg_authid.rolpassword for SCRAM). */
export interface ScramVerifier {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

function hmac(key: Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Derives the verifier once; PBKDF2 is deliberately slow, so it is not repeated per connection. */
export function makeScramVerifier(password: string, iterations = SCRAM_ITERATIONS): ScramVerifier {
  const salt = randomBytes(SALT_BYTES);
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return {
    salt,
    iterations,
    storedKey: createHash('sha256').update(clientKey).digest(),
    serverKey: hmac(salted, 'Server Key'),
  };
}

/** FATAL 28P01, the same words for every password method so a client learns nothing from them. */
export function authenticationFailed(user: string): EonError {
  return new EonError('invalid_password', `password authentication failed for user "${user}"`);
}

function badExchange(what: string): EonError {
  return new EonError('protocol_violation', `malformed SCRAM message: ${what}`);
}

/** Parses `a=1,b=2` attribute lists into a map of single-letter keys. */
function attributes(s: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of s.split(',')) {
    if (part.length < 2 || part[1] !== '=') throw badExchange(`bad attribute "${part}"`);
    out.set(part[0] as string, part.slice(2));
  }
  return out;
}

/** One authentication exchange: client-first → server-first, client-final → server-final. */
export class ScramExchange {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private gs2Header = '';

  constructor(
    private readonly verifier: ScramVerifier,
    private readonly user: string,
  ) {}

  /** Handles client-first-message; returns server-first-message. */
  start(clientFirst: string): string {
    // gs2-header: "n,," (no binding) or "y,," (client could bind but thinks we cannot); "p=" needs TLS.
    const m = /^([ny]),([^,]*),(.*)$/s.exec(clientFirst);
    if (m === null) {
      if (clientFirst.startsWith('p=')) {
        throw new EonError('feature_not_supported', 'SCRAM channel binding is not supported');
      }
      throw badExchange('bad GS2 header');
    }
    this.gs2Header = `${m[1]},${m[2]},`;
    this.clientFirstBare = m[3] as string;
    const attrs = attributes(this.clientFirstBare);
    const clientNonce = attrs.get('r');
    if (clientNonce === undefined || clientNonce.length === 0) throw badExchange('missing nonce');
    this.nonce = clientNonce + randomBytes(NONCE_BYTES).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString('base64')},i=${this.verifier.iterations}`;
    return this.serverFirst;
  }

  /** Handles client-final-message; returns server-final-message or throws invalid_password. */
  finish(clientFinal: string): string {
    const proofAt = clientFinal.lastIndexOf(',p=');
    if (proofAt < 0) throw badExchange('missing proof');
    const withoutProof = clientFinal.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    const binding = attrs.get('c');
    if (binding !== Buffer.from(this.gs2Header).toString('base64')) throw badExchange('channel binding mismatch');
    if (attrs.get('r') !== this.nonce) throw badExchange('nonce mismatch');
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.verifier.storedKey, authMessage);
    if (proof.length !== clientSignature.length) throw authenticationFailed(this.user);
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = (proof[i] as number) ^ (clientSignature[i] as number);
    const storedKey = createHash('sha256').update(clientKey).digest();
    if (!timingSafeEqual(storedKey, this.verifier.storedKey)) throw authenticationFailed(this.user);
    return `v=${hmac(this.verifier.serverKey, authMessage).toString('base64')}`;
  }
}
