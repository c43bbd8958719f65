// The node's TLS certificate and key: read once at start and checked, so a bad file fails the start, not a handshake.

import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { SecureContext } from 'node:tls';
import { EonError } from '../../src/errors/index.js';

/** Where the PEM certificate (chain) and its private key are (`--tls-cert`, `--tls-key`). */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** The PEM bytes, shared by the PostgreSQL port and the REST server. */
export interface TlsCredentials {
  readonly cert: Buffer;
  readonly key: Buffer;
}

function readPem(file: string, flag: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const why = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : String(e);
    throw new EonError('invalid_parameter_value', `cannot read the TLS ${what} ${flag} ${file}: ${why}`);
  }
}

/** Reads both files and checks that they form a usable pair; throws invalid_parameter_value naming the file. */
export function loadTlsCredentials(files: TlsFiles): TlsCredentials {
  const cert = readPem(files.certFile, '--tls-cert', 'certificate');
  const key = readPem(files.keyFile, '--tls-key', 'key');
  const credentials = { cert, key };
  tlsContext(credentials, files);
  return credentials;
}

/** The context every accepted connection is upgraded with; a bad PEM or a key of another certificate throws. */
export function tlsContext(credentials: TlsCredentials, files?: TlsFiles): SecureContext {
  try {
    return createSecureContext({ cert: credentials.cert, key: credentials.key });
  } catch (e) {
    const where = files === undefined ? '' : ` (--tls-cert ${files.certFile}, --tls-key ${files.keyFile})`;
    throw new EonError(
      'invalid_parameter_value',
      `unusable TLS certificate or key${where}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
