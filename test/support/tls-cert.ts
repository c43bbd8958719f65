// The throwaway self-signed certificate of the TLS tests: openssl writes a localhost certificate and its key
// (cert.pem, key.pem) into a folder the caller owns. The caller removes that folder; nothing here removes anything.

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** openssl makes a 2048-bit RSA key; a slow machine under load may take a while. */
const OPENSSL_TIMEOUT_MS = 20_000;

export interface SelfSignedCert {
  /** PEM certificate for CN=localhost, valid for a day. */
  readonly certFile: string;
  /** Its unencrypted PEM private key. */
  readonly keyFile: string;
}

/** Writes cert.pem and key.pem into `dir` (which must exist) and returns their paths. */
export async function selfSignedCert(dir: string): Promise<SelfSignedCert> {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', keyFile, '-out', certFile], {
    timeout: OPENSSL_TIMEOUT_MS,
  });
  return { certFile, keyFile };
}
