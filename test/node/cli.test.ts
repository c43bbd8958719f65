// The built `eon` CLI as a child process: usage errors, start failures with their exit codes, and a graceful stop.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eonCliPath, repoRoot, startEon } from '../support/eon.js';
import { freePort } from '../support/ports.js';

/** A CLI that fails at start must exit within this; the slow part (LMDB, workers) comes later. */
const FAIL_FAST_TIMEOUT_MS = 20_000;
/** A pid above the kernel's default pid_max (4194304) cannot belong to a live process. */
const DEAD_PID = 4_194_305;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [eonCliPath, ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`eon ${args.join(' ')} did not exit within ${FAIL_FAST_TIMEOUT_MS} ms:\n${stdout}\n${stderr}`));
    }, FAIL_FAST_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function occupy(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('eon CLI', () => {
  let tmp: string;
  beforeAll(async () => {
    expect(existsSync(eonCliPath), `build first: ${eonCliPath} is missing`).toBe(true);
    tmp = await mkdtemp(path.join(tmpdir(), 'eon-cli-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('prints help and version, exit 0', async () => {
    const help = await runCli(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: eon <command>');
    expect(help.stdout).toContain('--pg-port');
    const version = await runCli(['version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^eon \d+\.\d+\.\d+/);
  });

  it('exits 2 on an unknown flag, command or bad value', async () => {
    const flag = await runCli(['start', '--bogus']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("'--bogus'");
    const command = await runCli(['frobnicate']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'frobnicate'");
    const port = await runCli(['start', '--pg-port', 'abc']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--pg-port must be an integer');
    const partitions = await runCli(['start', '--partitions', '48']);
    expect(partitions.code).toBe(2);
    expect(partitions.stderr).toContain('power of two');
  });

  it('exits 3 naming the port when the pg or http port is in use', async () => {
    const busy = await freePort();
    const other = await freePort();
    const server = await occupy(busy);
    try {
      const pg = await runCli(['start', '--data', path.join(tmp, 'busy-pg'), '--pg-port', String(busy), '--http-port', String(other), '--peer-port', '0']);
      expect(pg.code).toBe(3);
      expect(pg.stderr).toContain(`pg port ${busy}`);
      expect(existsSync(path.join(tmp, 'busy-pg', 'eon.pid'))).toBe(false);
      const http = await runCli(['start', '--data', path.join(tmp, 'busy-http'), '--pg-port', String(other), '--http-port', String(busy), '--peer-port', '0']);
      expect(http.code).toBe(3);
      expect(http.stderr).toContain(`http port ${busy}`);
      expect(existsSync(path.join(tmp, 'busy-http', 'eon.pid'))).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('exits 4 when the data directory cannot be created', async () => {
    const file = path.join(tmp, 'plain-file');
    await writeFile(file, 'not a directory');
    const r = await runCli(['start', '--data', path.join(file, 'data'), '--pg-port', '0', '--http-port', '0', '--peer-port', '0']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('cannot create data directory');
  });

  it('exits 5 when a running process holds the data directory', async () => {
    const dir = path.join(tmp, 'locked');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'eon.pid'), `${process.pid}\n`);
    const r = await runCli(['start', '--data', dir, '--pg-port', '0', '--http-port', '0', '--peer-port', '0']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`pid ${process.pid}`);
    expect(readFileSync(path.join(dir, 'eon.pid'), 'utf8')).toBe(`${process.pid}\n`);
  });

  it('starts over a stale pid file, serves REST, and stops on SIGTERM with exit 0', async () => {
    const dir = path.join(tmp, 'run');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'eon.pid'), `${DEAD_PID}\n`);
    const node = await startEon({ dataDir: dir });
    let stopped = false;
    try {
      const pidFile = path.join(dir, 'eon.pid');
      expect(readFileSync(pidFile, 'utf8').trim()).toBe(String(node.pid));
      const health = await fetch(`http://127.0.0.1:${node.httpPort}/v1/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe('ok');
      const res = await fetch(`http://127.0.0.1:${node.httpPort}/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sql: 'select 1 as one' }),
      });
      expect(await res.json()).toEqual({ columns: [{ name: 'one', type: 'integer' }], rows: [[1]], rowCount: 1, command: 'SELECT' });
      const code = await node.stop();
      stopped = true;
      expect(code, node.output()).toBe(0);
      expect(existsSync(pidFile)).toBe(false);
      expect(node.output()).toContain('"msg":"eon node stopped"');
    } finally {
      if (!stopped) await node.stop();
    }
  });
});
