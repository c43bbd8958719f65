// The data directory's pid-file lock and the CLI's argument parsing, in process.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquirePidFile, processAlive, releasePidFile } from '../../src/node/pid-file.js';
import { NodeStartError } from '../../src/node/start-error.js';
import { UsageError, parseCommandLine } from '../../src/cli/args.js';

/** Above the kernel's default pid_max, so never a live process. */
const DEAD_PID = 4_194_305;

describe('pid file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'eon-pid-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is created with our pid and removed on release', () => {
    const file = acquirePidFile(dir);
    expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    releasePidFile(file);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a directory held by a live process and leaves its file alone', () => {
    const file = path.join(dir, 'eon.pid');
    writeFileSync(file, `${process.ppid}\n`);
    expect(processAlive(process.ppid)).toBe(true);
    let caught: unknown;
    try {
      acquirePidFile(dir);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NodeStartError);
    expect((caught as NodeStartError).reason).toBe('data_dir_locked');
    releasePidFile(file);
    expect(readFileSync(file, 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('replaces a stale or garbled file', () => {
    const file = path.join(dir, 'eon.pid');
    expect(processAlive(DEAD_PID)).toBe(false);
    writeFileSync(file, `${DEAD_PID}\n`);
    expect(readFileSync(acquirePidFile(dir), 'utf8')).toBe(`${process.pid}\n`);
    // Held by this process now: a second node here must not take it, even though the pid is ours.
    expect(() => acquirePidFile(dir)).toThrow(NodeStartError);
    releasePidFile(file);
    writeFileSync(file, 'garbage');
    expect(readFileSync(acquirePidFile(dir), 'utf8')).toBe(`${process.pid}\n`);
    releasePidFile(file);
    // A file with our own pid that this process does not hold is a leftover (pid 1 in a container).
    writeFileSync(file, `${process.pid}\n`);
    expect(readFileSync(acquirePidFile(dir), 'utf8')).toBe(`${process.pid}\n`);
    releasePidFile(file);
  });
});

describe('command line', () => {
  it('fills start defaults and takes the password from EON_PASSWORD', () => {
    expect(parseCommandLine(['start'], { EON_PASSWORD: 'pw' })).toEqual({
      kind: 'start',
      config: { dataDir: './data', host: '127.0.0.1', pgPort: 5433, httpPort: 8080, logLevel: 'info', password: 'pw', clusterSecret: 'pw' },
    });
    const c = parseCommandLine(
      ['start', '--data', '/d', '--host', '0.0.0.0', '--pg-port', '6000', '--http-port', '0', '--partitions', '8', '--password', 'x'],
      { EON_PASSWORD: 'ignored' },
    );
    expect(c).toEqual({
      kind: 'start',
      config: { dataDir: '/d', host: '0.0.0.0', pgPort: 6000, httpPort: 0, logLevel: 'info', partitions: 8, password: 'x', clusterSecret: 'x' },
    });
  });

  it('takes peer options: port, members to join, a cluster secret of its own', () => {
    const c = parseCommandLine(['start', '--peer-port', '9500', '--join', '127.0.0.1:9433,[::1]:9434, localhost:9435', '--cluster-secret', 's'], {});
    expect(c).toMatchObject({ kind: 'start', config: { peerPort: 9500, join: ['127.0.0.1:9433', '[::1]:9434', 'localhost:9435'], clusterSecret: 's' } });
    expect(parseCommandLine(['start'], { EON_CLUSTER_SECRET: 'e', EON_PASSWORD: 'p' })).toMatchObject({ config: { clusterSecret: 'e', password: 'p' } });
    for (const bad of ['nohost', '127.0.0.1:0', 'h:70000', ':5', 'a:1,']) {
      expect(() => parseCommandLine(['start', '--join', bad], {}), bad).toThrow(/--join must be HOST:PORT/);
    }
  });

  it('parses cluster up/down and status', () => {
    expect(parseCommandLine(['cluster', 'up'], {})).toEqual({
      kind: 'cluster-up',
      cluster: { nodes: 3, dataDir: './cluster-data', host: '127.0.0.1', pgPort: 5433, httpPort: 8080, peerPort: 9433, logLevel: 'info' },
    });
    expect(parseCommandLine(['cluster', 'up', '--nodes', '5', '--data', '/tmp/c', '--pg-port', '6000'], {})).toMatchObject({
      cluster: { nodes: 5, dataDir: '/tmp/c', pgPort: 6000 },
    });
    expect(parseCommandLine(['cluster', 'down', '--data', '/tmp/c'], {})).toEqual({ kind: 'cluster-down', dataDir: '/tmp/c' });
    expect(parseCommandLine(['status'], {})).toEqual({ kind: 'status', http: '127.0.0.1:8080' });
    expect(parseCommandLine(['status', '--http', 'localhost:8081'], {})).toEqual({ kind: 'status', http: 'localhost:8081' });
    expect(parseCommandLine(['node', 'leave'], {})).toEqual({ kind: 'node-leave', http: '127.0.0.1:8080' });
    expect(parseCommandLine(['node', 'remove', 'n-1a2b3c4d', '--http', '127.0.0.1:8082'], {})).toEqual({ kind: 'node-remove', http: '127.0.0.1:8082', node: 'n-1a2b3c4d' });
    for (const argv of [['node'], ['node', 'stay'], ['node', 'remove'], ['node', 'leave', 'extra'], ['node', 'remove', 'a', 'b'], ['node', 'leave', '--data', 'x']]) {
      expect(() => parseCommandLine(argv, {}), argv.join(' ')).toThrow(UsageError);
    }
    for (const argv of [['cluster'], ['cluster', 'sideways'], ['cluster', 'up', '--nodes', '0'], ['cluster', 'up', '--nodes', '17'],
      ['cluster', 'up', '--host', '0.0.0.0'], ['cluster', 'up', '--password', 'x'], ['status', '--http', 'nope'], ['status', '--data', 'x'],
      ['cluster', 'up', 'extra']]) {
      expect(() => parseCommandLine(argv, {}), argv.join(' ')).toThrow(UsageError);
    }
  });

  it('refuses a non-loopback host without a password unless --insecure is given', () => {
    for (const host of ['0.0.0.0', '10.1.2.3', '::', 'db.example']) {
      expect(() => parseCommandLine(['start', '--host', host], {}), host).toThrow(/--insecure/);
      expect(parseCommandLine(['start', '--host', host, '--insecure'], {})).toMatchObject({ kind: 'start', config: { host } });
      expect(parseCommandLine(['start', '--host', host], { EON_PASSWORD: 'pw' })).toMatchObject({ kind: 'start', config: { host, password: 'pw' } });
    }
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]']) {
      expect(parseCommandLine(['start', '--host', host], {})).toMatchObject({ kind: 'start', config: { host } });
    }
  });

  it('knows help and version', () => {
    expect(parseCommandLine([], {})).toEqual({ kind: 'help' });
    expect(parseCommandLine(['help'], {})).toEqual({ kind: 'help' });
    expect(parseCommandLine(['start', '--help'], {})).toEqual({ kind: 'help' });
    expect(parseCommandLine(['version'], {})).toEqual({ kind: 'version' });
  });

  it('refuses what it does not understand', () => {
    const bad = [
      ['start', '--nope'],
      ['stop'],
      ['start', 'extra'],
      ['start', '--pg-port', '70000'],
      ['start', '--pg-port', '-1'],
      ['start', '--partitions', '0'],
      ['start', '--partitions', '3'],
      ['start', '--log-level', 'loud'],
      ['start', '--data', ''],
      ['version', '--data', 'x'],
    ];
    for (const argv of bad) expect(() => parseCommandLine(argv, {}), argv.join(' ')).toThrow(UsageError);
  });
});
