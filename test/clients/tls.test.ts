// A node started with --tls-cert/--tls-key: psql with sslmode=require, md5 through the flag, HTTPS REST,
// and the start-up errors of the TLS flags (usage exit code, unreadable file named).

import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eonCliPath, repoRoot, startEon } from '../support/eon.js';
import type { RunningEon } from '../support/eon.js';
import { selfSignedCert } from '../support/tls-cert.js';

const psqlTimeoutMs = 20_000;
const requestTimeoutMs = 10_000;
/** `eon start` with a bad flag exits before opening anything. */
const exitTimeoutMs = 15_000;
const PASSWORD = 'tls clients pw';

let dir = '';
let certFile = '';
let keyFile = '';
let node: RunningEon | undefined;
let md5Node: RunningEon | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'eon-tls-clients-'));
  ({ certFile, keyFile } = await selfSignedCert(dir));
  [node, md5Node] = await Promise.all([
    startEon({ extraArgs: ['--tls-cert', certFile, '--tls-key', keyFile, '--password', PASSWORD] }),
    startEon({ extraArgs: ['--password', PASSWORD, '--auth-method', 'md5'] }),
  ]);
});

afterAll(async () => {
  await Promise.all([node?.stop(), md5Node?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

function psql(port: number, sslmode: string, sql: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'psql',
      ['-X', '-tA', '-c', sql, `host=127.0.0.1 port=${port} user=eon dbname=eon sslmode=${sslmode}`],
      { timeout: psqlTimeoutMs, env: { ...process.env, PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '10' } },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
  });
}

test('psql connects with sslmode=require and runs SQL over TLS', async () => {
  const r = await psql(node!.pgPort, 'require', 'SELECT 40 + 2 AS answer');
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('42\n');
  // psql's \conninfo states the encryption from libpq's side.
  const info = await psql(node!.pgPort, 'require', '\\conninfo');
  expect(info.stdout).toContain('SSL connection (protocol: TLSv1.3');
});

test('node-postgres runs SQL over TLS; plain connections still work', async () => {
  const c = new pg.Client({ ...node!.conn(), password: PASSWORD, ssl: { rejectUnauthorized: false } });
  await c.connect();
  try {
    expect((c as unknown as { connection: { stream: TLSSocket } }).connection.stream.encrypted).toBe(true);
    expect((await c.query('SELECT 7 AS n')).rows).toEqual([{ n: 7 }]);
  } finally {
    await c.end();
  }
  const r = await psql(node!.pgPort, 'disable', 'SELECT 8');
  expect(r.stdout).toBe('8\n');
});

test('--auth-method md5: psql authenticates, a wrong password is 28P01', async () => {
  const r = await psql(md5Node!.pgPort, 'prefer', 'SELECT 9');
  expect(r.stdout).toBe('9\n');
  const bad = new pg.Client({ ...md5Node!.conn(), password: 'wrong' });
  expect(await bad.connect().catch((e: unknown) => e)).toMatchObject({ code: '28P01' });
  const noTls = await psql(md5Node!.pgPort, 'require', 'SELECT 1');
  expect(noTls.code).not.toBe(0);
  expect(noTls.stderr).toContain('server does not support SSL');
});

function httpsCall(port: number, method: string, urlPath: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        rejectUnauthorized: false,
        agent: false,
        timeout: requestTimeoutMs,
        headers: {
          authorization: `Basic ${Buffer.from(`eon:${PASSWORD}`).toString('base64')}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('https request timed out')));
    req.end(body);
  });
}

test('REST serves HTTPS', async () => {
  const health = await httpsCall(node!.httpPort, 'GET', '/v1/health');
  expect(health.status).toBe(200);
  expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
  const q = await httpsCall(node!.httpPort, 'POST', '/v1/query', JSON.stringify({ sql: 'SELECT 1 + 1 AS two' }));
  expect(q.status).toBe(200);
  expect(JSON.parse(q.body)).toMatchObject({ rows: [[2]] });
});

/** Runs `eon start` with the given flags and returns its exit code and stderr. */
function eonStart(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [eonCliPath, 'start', '--data', path.join(dir, 'never-opened'), '--pg-port', '0', '--http-port', '0', ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`eon start ${args.join(' ')} did not exit`));
    }, exitTimeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

test('a TLS flag alone is a usage error; an unreadable file is named', async () => {
  const [alone, missing] = await Promise.all([
    eonStart(['--tls-cert', certFile]),
    eonStart(['--tls-cert', path.join(dir, 'nope.pem'), '--tls-key', keyFile]),
  ]);
  expect(alone.code).toBe(2);
  expect(alone.stderr).toContain('--tls-cert needs --tls-key');
  expect(missing.code).toBe(6);
  expect(missing.stderr).toContain(`--tls-cert ${path.join(dir, 'nope.pem')}: ENOENT`);
  // The files are read before anything else opens.
  expect(existsSync(path.join(dir, 'never-opened'))).toBe(false);
});
