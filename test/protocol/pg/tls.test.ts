// The PostgreSQL port with TLS (SSLRequest → 'S' → handshake), the md5 and cleartext password methods,
// out-of-place frontend messages (08P01 at once), and the flags that configure them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { TLSSocket, connect as tlsConnect } from 'node:tls';
import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { promisify } from 'node:util';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { PgServer, loadTlsCredentials } from '../../../protocol/pg/index.js';
import type { PasswordMethod, PgServerOptions, TlsCredentials } from '../../../protocol/pg/index.js';
import { md5Response, secretsEqual } from '../../../protocol/pg/password-auth.js';
import { FrameReader } from '../../../protocol/pg/frame-reader.js';
import { FRONTEND_MESSAGE_TYPES } from '../../../protocol/pg/frontend-messages.js';
import { parseCommandLine } from '../../../src/cli/args.js';
import { EonError } from '../../../src/errors/index.js';
import { createHttpServer } from '../../../protocol/http/index.js';
import type { HttpServer } from '../../../protocol/http/index.js';
import { fakeSessions } from '../../http/fake-sessions.js';
import { FakeSessionFactory } from './fake-session.js';
import { RawClient } from './raw-client.js';
import type { BackendMessage } from './raw-client.js';
import { selfSignedCert } from '../../support/tls-cert.js';

const run = promisify(execFile);
const PSQL_TIMEOUT_MS = 10_000;
const WAIT_MS = 3_000;
/** An out-of-place message must be answered at once, not after some timeout of the server's. */
const PROMPT_ANSWER_MS = 1_000;
const PASSWORD = 'tls s3cret';

const openSockets: Socket[] = [];

async function plainSocket(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1' });
  openSockets.push(socket);
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

/** Sends SSLRequest and reads the one-byte answer, consuming nothing after it. */
async function sslAnswer(socket: Socket): Promise<string> {
  socket.write(serialize.requestSsl());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer to SSLRequest')), WAIT_MS);
    socket.once('data', (chunk: Buffer) => {
      clearTimeout(timer);
      socket.pause();
      if (chunk.length > 1) socket.unshift(chunk.subarray(1));
      resolve(chunk.toString('latin1', 0, 1));
    });
  });
}

/** A raw client over TLS: SSLRequest, 'S', handshake; returns the client on the TLS socket. */
async function tlsWire(port: number): Promise<RawClient> {
  const plain = await plainSocket(port);
  expect(await sslAnswer(plain)).toBe('S');
  const secure = tlsConnect({ socket: plain, rejectUnauthorized: false });
  openSockets.push(secure);
  secure.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', resolve);
    secure.once('error', reject);
  });
  return RawClient.over(secure);
}

async function plainWire(port: number): Promise<RawClient> {
  return RawClient.over(await plainSocket(port));
}

function pgClient(port: number, extra: Partial<pg.ClientConfig> = {}): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port, user: 'eon', database: 'eon', ...extra });
}

function authCode(m: BackendMessage | undefined): number {
  expect(m?.type).toBe('R');
  return m!.body.readInt32BE(0);
}

type LogLine = { msg: string; fields: Record<string, unknown> };

/** A PgServer on a free port, with its log lines kept. */
async function startServer(opts: Partial<PgServerOptions>): Promise<{ server: PgServer; port: number; logs: LogLine[] }> {
  const logs: LogLine[] = [];
  const server = new PgServer({
    host: '127.0.0.1',
    port: 0,
    sessions: new FakeSessionFactory(),
    log: (_level, msg, fields) => logs.push({ msg, fields }),
    ...opts,
  });
  const { port } = await server.listen();
  return { server, port, logs };
}

let dir = '';
let certFile = '';
let keyFile = '';
let credentials: TlsCredentials;
const servers: PgServer[] = [];

async function server(opts: Partial<PgServerOptions>): Promise<{ port: number; logs: LogLine[] }> {
  const s = await startServer(opts);
  servers.push(s.server);
  return s;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'eon-tls-'));
  ({ certFile, keyFile } = await selfSignedCert(dir));
  credentials = loadTlsCredentials({ certFile, keyFile });
});

afterAll(async () => {
  for (const s of openSockets) s.destroy();
  await Promise.all(servers.map((s) => s.close({ graceMs: 500 })));
  await rm(dir, { recursive: true, force: true });
});

describe('TLS with a certificate', () => {
  let port = 0;
  let logs: LogLine[] = [];
  beforeAll(async () => {
    ({ port, logs } = await server({ tls: credentials, password: PASSWORD }));
  });

  it('serves node-postgres over TLS (SCRAM inside it), the server side encrypted too', async () => {
    const c = pgClient(port, { password: PASSWORD, ssl: { rejectUnauthorized: false } });
    await c.connect();
    try {
      const stream = (c as unknown as { connection: { stream: unknown } }).connection.stream;
      expect(stream).toBeInstanceOf(TLSSocket);
      expect((stream as TLSSocket).encrypted).toBe(true);
      expect((stream as TLSSocket).getPeerCertificate().subject?.CN).toBe('localhost');
      expect((await c.query('select 12')).rows).toEqual([{ '?column?': 12 }]);
      const ready = logs.filter((l) => l.msg === 'pg connection ready');
      expect(ready.at(-1)?.fields).toMatchObject({ tls: true });
    } finally {
      await c.end();
    }
  });

  it('serves psql with sslmode=require', async () => {
    const { stdout } = await run('psql', ['-X', '-tA', '-c', 'select 13', `host=127.0.0.1 port=${port} user=eon dbname=eon sslmode=require`], {
      timeout: PSQL_TIMEOUT_MS,
      env: { ...process.env, PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '5' },
    });
    expect(stdout).toBe('13\n');
    expect(logs.filter((l) => l.msg === 'pg connection ready').at(-1)?.fields).toMatchObject({ tls: true });
  });

  it('still serves clients that do not ask for TLS', async () => {
    const c = pgClient(port, { password: PASSWORD });
    await c.connect();
    expect((await c.query('select 14')).rows).toEqual([{ '?column?': 14 }]);
    await c.end();
    expect(logs.filter((l) => l.msg === 'pg connection ready').at(-1)?.fields).toMatchObject({ tls: false });
  });

  it('drops a client that answers S with plaintext', async () => {
    const plain = await plainSocket(port);
    expect(await sslAnswer(plain)).toBe('S');
    const w = RawClient.over(plain);
    const before = logs.filter((l) => l.msg === 'pg connection ready').length;
    w.send(serialize.startup({ user: 'eon', database: 'eon' }));
    await w.waitForEnd();
    expect(w.messages.some((m) => m.type === 'Z')).toBe(false);
    expect(logs.filter((l) => l.msg === 'pg connection ready').length).toBe(before);
  });

  it('refuses plaintext sent along with SSLRequest with 08P01, without switching to TLS', async () => {
    const w = await plainWire(port);
    w.send(Buffer.concat([serialize.requestSsl(), serialize.startup({ user: 'eon', database: 'eon' })]));
    await w.waitForEnd();
    expect(w.error()).toMatchObject({ S: 'FATAL', C: '08P01', M: 'received unencrypted data after SSL request' });
    expect(w.types()).toBe('E');
  });

  it('answers a second SSLRequest, sent inside TLS, with 08P01', async () => {
    const w = await tlsWire(port);
    w.send(serialize.requestSsl());
    await w.waitForEnd(PROMPT_ANSWER_MS);
    expect(w.error()).toMatchObject({ S: 'FATAL', C: '08P01' });
  });

  it('refuses GSSENCRequest inside TLS with 08P01', async () => {
    const w = await tlsWire(port);
    const gss = Buffer.alloc(8);
    gss.writeInt32BE(8, 0);
    gss.writeInt32BE(80877104, 4);
    w.send(gss);
    await w.waitForEnd(PROMPT_ANSWER_MS);
    expect(w.error()).toMatchObject({ S: 'FATAL', C: '08P01' });
  });

  it('still refuses GSSENCRequest before SSLRequest with N, then negotiates TLS', async () => {
    const plain = await plainSocket(port);
    const gss = Buffer.alloc(8);
    gss.writeInt32BE(8, 0);
    gss.writeInt32BE(80877104, 4);
    const answer = new Promise<string>((resolve) => plain.once('data', (b: Buffer) => resolve(b.toString('latin1'))));
    plain.write(gss);
    expect(await answer).toBe('N');
    expect(await sslAnswer(plain)).toBe('S');
  });

  it('runs the startup and a query on a raw TLS stream', async () => {
    const w = await tlsWire(port);
    w.send(serialize.startup({ user: 'eon', database: 'eon' }));
    await w.waitFor('R');
    expect(authCode(w.messages[0])).toBe(10); // SASL, inside TLS
    w.close();
  });
});

describe('without a certificate', () => {
  let port = 0;
  beforeAll(async () => {
    ({ port } = await server({}));
  });

  it('makes a client that requires TLS fail (node-postgres and psql)', async () => {
    const c = pgClient(port, { ssl: { rejectUnauthorized: false } });
    const err = await c.connect().catch((e: unknown) => e);
    expect(String(err)).toContain('does not support SSL');
    const psql = await run('psql', ['-X', '-tA', '-c', 'select 1', `host=127.0.0.1 port=${port} user=eon dbname=eon sslmode=require`], {
      timeout: PSQL_TIMEOUT_MS,
      env: { ...process.env, PGCONNECT_TIMEOUT: '5' },
    }).catch((e: unknown) => e as { stderr: string; code: number });
    expect((psql as { stderr: string }).stderr).toContain('server does not support SSL');
  });

  it('answers SSLRequest with N once; a second SSLRequest is 08P01', async () => {
    const w = await plainWire(port);
    w.expectRaw(1);
    w.send(serialize.requestSsl());
    await w.waitUntil(() => w.rawBytes.length === 1);
    expect(w.rawBytes.toString()).toBe('N');
    w.send(serialize.requestSsl());
    await w.waitForEnd(PROMPT_ANSWER_MS);
    expect(w.error()).toMatchObject({ S: 'FATAL', C: '08P01' });
  });
});

describe('password methods', () => {
  const ports = new Map<PasswordMethod, number>();
  let tlsCleartextPort = 0;
  beforeAll(async () => {
    for (const method of ['md5', 'password', 'scram-sha-256'] as const) {
      ports.set(method, (await server({ password: PASSWORD, authMethod: method })).port);
    }
    tlsCleartextPort = (await server({ password: PASSWORD, authMethod: 'password', tls: credentials })).port;
  });

  it('computes the md5 answer as libpq and node-postgres do', async () => {
    const salt = Buffer.from([1, 2, 3, 4]);
    const { postgresMd5PasswordHash } = (await import('pg/lib/crypto/utils.js' as string)) as {
      postgresMd5PasswordHash: (user: string, password: string, salt: Buffer) => string | Promise<string>;
    };
    expect(md5Response('pw', 'alice', salt)).toBe(await postgresMd5PasswordHash('alice', 'pw', salt));
    expect(md5Response('pw', 'alice', salt)).toMatch(/^md5[0-9a-f]{32}$/);
    expect(secretsEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(secretsEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(secretsEqual(Buffer.from(''), Buffer.from('abc'))).toBe(false);
  });

  for (const method of ['md5', 'password'] as const) {
    it(`${method}: node-postgres and psql authenticate, a wrong password gets 28P01`, async () => {
      const port = ports.get(method)!;
      const c = pgClient(port, { password: PASSWORD });
      await c.connect();
      expect((await c.query('select 21')).rows).toEqual([{ '?column?': 21 }]);
      await c.end();
      const bad = pgClient(port, { user: 'alice', password: 'wrong' });
      const err = await bad.connect().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '28P01', severity: 'FATAL', message: 'password authentication failed for user "alice"' });
      const { stdout } = await run('psql', ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'eon', '-d', 'eon', '-tA', '-c', 'select 22'], {
        timeout: PSQL_TIMEOUT_MS,
        env: { ...process.env, PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '5' },
      });
      expect(stdout).toBe('22\n');
    });
  }

  it('md5: asks with a fresh random 4-byte salt and checks md5(md5(password + user) + salt)', async () => {
    const port = ports.get('md5')!;
    const salts: string[] = [];
    for (const password of [PASSWORD, 'nope']) {
      const w = await plainWire(port);
      w.send(serialize.startup({ user: 'bob', database: 'eon' }));
      await w.waitFor('R');
      const request = w.messages[0]!;
      expect(authCode(request)).toBe(5);
      expect(request.body.length).toBe(8);
      const salt = request.body.subarray(4);
      salts.push(salt.toString('hex'));
      w.send(serialize.password(md5Response(password, 'bob', salt)));
      if (password === PASSWORD) {
        await w.waitFor('Z');
        expect(w.types()).toMatch(/^RRS+KZ$/);
        expect(authCode(w.messages[1])).toBe(0);
        w.close();
      } else {
        await w.waitForEnd();
        expect(w.error()).toMatchObject({ S: 'FATAL', C: '28P01' });
      }
    }
    expect(salts[0]).not.toBe(salts[1]);
  });

  it('password: asks for the cleartext password (code 3)', async () => {
    const w = await plainWire(ports.get('password')!);
    w.send(serialize.startup({ user: 'bob', database: 'eon' }));
    await w.waitFor('R');
    expect(authCode(w.messages[0])).toBe(3);
    w.send(serialize.password(PASSWORD));
    await w.waitFor('Z');
    expect(authCode(w.messages[1])).toBe(0);
    w.close();
  });

  it('password over TLS, the way it should be used', async () => {
    const c = pgClient(tlsCleartextPort, { password: PASSWORD, ssl: { rejectUnauthorized: false } });
    await c.connect();
    expect((c as unknown as { connection: { stream: unknown } }).connection.stream).toBeInstanceOf(TLSSocket);
    expect((await c.query('select 23')).rows).toEqual([{ '?column?': 23 }]);
    await c.end();
    const bad = pgClient(tlsCleartextPort, { password: 'wrong', ssl: { rejectUnauthorized: false } });
    expect(await bad.connect().catch((e: unknown) => e)).toMatchObject({ code: '28P01' });
  });

  it('refuses a malformed password message with 08P01', async () => {
    const w = await plainWire(ports.get('password')!);
    w.send(serialize.startup({ user: 'bob', database: 'eon' }));
    await w.waitFor('R');
    const body = Buffer.from(`${PASSWORD}\0extra`);
    const head = Buffer.alloc(5);
    head[0] = 0x70;
    head.writeInt32BE(body.length + 4, 1);
    w.send(Buffer.concat([head, body]));
    await w.waitForEnd();
    expect(w.error()).toMatchObject({ S: 'FATAL', C: '08P01' });
  });
});

describe('out-of-place frontend messages: 08P01 at once, then the connection closes', () => {
  let trustPort = 0;
  let md5Port = 0;
  let scramPort = 0;
  beforeAll(async () => {
    trustPort = (await server({})).port;
    md5Port = (await server({ password: PASSWORD, authMethod: 'md5' })).port;
    scramPort = (await server({ password: PASSWORD })).port;
  });

  async function expectRefused(w: RawClient, message: RegExp): Promise<void> {
    await w.waitForEnd(PROMPT_ANSWER_MS);
    expect(w.error()).toMatchObject({ S: 'FATAL', C: '08P01' });
    expect(w.error()['M']).toMatch(message);
  }

  it('a second startup packet after startup', async () => {
    const w = await RawClient.ready(trustPort);
    w.send(serialize.startup({ user: 'eon', database: 'eon' }));
    await expectRefused(w, /invalid frontend message type 0/);
  });

  it('an SSLRequest after startup', async () => {
    const w = await RawClient.ready(trustPort);
    w.send(serialize.requestSsl());
    await expectRefused(w, /invalid frontend message type 0/);
  });

  it('a password message when none was asked for', async () => {
    const w = await RawClient.ready(trustPort);
    w.send(serialize.password('pw'));
    await expectRefused(w, /invalid frontend message type 112/);
  });

  it('answers the messages before the bad one first', async () => {
    const w = await RawClient.ready(trustPort);
    w.send(Buffer.concat([serialize.query('select 31'), serialize.password('pw')]));
    await expectRefused(w, /invalid frontend message type 112/);
    expect(w.types()).toBe('TDCZE');
  });

  it('a password message before the startup packet', async () => {
    const w = await plainWire(trustPort);
    w.send(serialize.password('pw'));
    await w.waitForEnd(PROMPT_ANSWER_MS);
    expect(w.error()).toMatchObject({ S: 'FATAL', C: '08P01' });
  });

  it('a second startup packet while a password is awaited (md5 and SCRAM)', async () => {
    for (const port of [md5Port, scramPort]) {
      const w = await plainWire(port);
      w.send(serialize.startup({ user: 'eon', database: 'eon' }));
      await w.waitFor('R');
      w.send(serialize.startup({ user: 'eon', database: 'eon' }));
      await expectRefused(w, /expected password response, got message type 0/);
    }
  });

  it('a query while a password is awaited', async () => {
    const w = await plainWire(md5Port);
    w.send(serialize.startup({ user: 'eon', database: 'eon' }));
    await w.waitFor('R');
    w.send(serialize.query('select 1'));
    await expectRefused(w, /expected password response, got message type 81/);
  });

  it('an SSLRequest while a password is awaited', async () => {
    const w = await plainWire(scramPort);
    w.send(serialize.startup({ user: 'eon', database: 'eon' }));
    await w.waitFor('R');
    w.send(serialize.requestSsl());
    await expectRefused(w, /expected password response/);
  });
});

/** One HTTPS request trusting any certificate (the test's is self-signed). */
function httpsCall(
  port: number,
  method: string,
  urlPath: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string; encrypted: boolean }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, method, path: urlPath, rejectUnauthorized: false, agent: false, headers, timeout: WAIT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            encrypted: (res.socket as TLSSocket).encrypted === true,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('https request timed out')));
    req.end(body);
  });
}

describe('REST over HTTPS with a certificate', () => {
  let rest: HttpServer;
  let port = 0;
  beforeAll(async () => {
    rest = createHttpServer({ sessions: fakeSessions().factory, store: { listTables: () => [] }, tls: credentials, password: PASSWORD });
    port = await rest.listen('127.0.0.1', 0);
  });
  afterAll(async () => {
    await rest.close({ graceMs: 500 });
  });

  it('answers health and an authenticated query over TLS', async () => {
    const health = await httpsCall(port, 'GET', '/v1/health');
    expect(health.status).toBe(200);
    expect(health.encrypted).toBe(true);
    const auth = `Basic ${Buffer.from(`eon:${PASSWORD}`).toString('base64')}`;
    const q = await httpsCall(port, 'POST', '/v1/query', JSON.stringify({ sql: 'select one' }), {
      'content-type': 'application/json',
      authorization: auth,
    });
    expect(q.status).toBe(200);
    expect(JSON.parse(q.body)).toMatchObject({ rows: [[1]] });
    const denied = await httpsCall(port, 'POST', '/v1/query', JSON.stringify({ sql: 'select one' }), { 'content-type': 'application/json' });
    expect(denied.status).toBe(401);
  });

  it('does not answer plain HTTP', async () => {
    const err = await fetch(`http://127.0.0.1:${port}/v1/health`, { signal: AbortSignal.timeout(WAIT_MS) }).then(
      (r) => r.status,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
  });
});

describe('FrameReader checks', () => {
  it('refuses an unknown type on its first byte, before length or body arrive', () => {
    const r = new FrameReader();
    r.startupPhase = false;
    r.acceptedTypes = FRONTEND_MESSAGE_TYPES;
    const frames: number[] = [];
    r.push(serialize.query('select 1'), (type) => frames.push(type));
    expect(frames).toEqual([0x51]);
    expect(() => r.push(Buffer.from([0]), () => {})).toThrow('invalid frontend message type 0');
  });

  it('counts the bytes left unread when a handler stops it', () => {
    const r = new FrameReader();
    const chunk = Buffer.concat([serialize.requestSsl(), Buffer.from('plain')]);
    r.push(chunk, () => {
      r.stopped = true;
    });
    expect(r.unreadBytes).toBe(5);
    const split = new FrameReader();
    split.push(chunk.subarray(0, 3), () => {});
    split.push(chunk.subarray(3), () => {
      split.stopped = true;
    });
    expect(split.unreadBytes).toBe(5);
  });
});

describe('loading the certificate', () => {
  it('names an unreadable file', async () => {
    const missing = path.join(dir, 'missing.pem');
    expect(() => loadTlsCredentials({ certFile: missing, keyFile })).toThrow(`--tls-cert ${missing}: ENOENT`);
    expect(() => loadTlsCredentials({ certFile, keyFile: missing })).toThrow(`--tls-key ${missing}: ENOENT`);
  });

  it('refuses a file that is not a certificate, and a key of another certificate', async () => {
    const junk = path.join(dir, 'junk.pem');
    await writeFile(junk, 'not a certificate\n');
    const err = (() => {
      try {
        loadTlsCredentials({ certFile: junk, keyFile });
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EonError);
    expect((err as EonError).message).toContain(`--tls-cert ${junk}`);
    const otherKey = path.join(dir, 'other-key.pem');
    await run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', otherKey], { timeout: PSQL_TIMEOUT_MS });
    expect(() => loadTlsCredentials({ certFile, keyFile: otherKey })).toThrow(/unusable TLS certificate or key/);
  });
});

describe('flags', () => {
  const start = (...args: string[]): unknown => parseCommandLine(['start', ...args], {});

  it('takes --tls-cert and --tls-key together', () => {
    expect(start('--tls-cert', 'c.pem', '--tls-key', 'k.pem')).toMatchObject({
      kind: 'start',
      config: { tls: { certFile: 'c.pem', keyFile: 'k.pem' } },
    });
    expect((start() as { config: object }).config).not.toHaveProperty('tls');
  });

  it('refuses one without the other as a usage error', () => {
    expect(() => start('--tls-cert', 'c.pem')).toThrow('--tls-cert needs --tls-key (give both or neither)');
    expect(() => start('--tls-key', 'k.pem')).toThrow('--tls-key needs --tls-cert (give both or neither)');
    expect(() => start('--tls-cert', 'c.pem')).toThrow(expect.objectContaining({ name: 'UsageError' }));
  });

  it('takes --auth-method with a password, and only the three methods', () => {
    expect(start('--password', 'p', '--auth-method', 'md5')).toMatchObject({ config: { password: 'p', authMethod: 'md5' } });
    expect(start('--password', 'p', '--auth-method', 'password')).toMatchObject({ config: { authMethod: 'password' } });
    expect((start('--password', 'p') as { config: object }).config).not.toHaveProperty('authMethod');
    expect(() => start('--password', 'p', '--auth-method', 'trust')).toThrow(
      "--auth-method must be one of scram-sha-256, md5, password, got 'trust'",
    );
    expect(() => start('--auth-method', 'md5')).toThrow('--auth-method needs --password');
  });
});
