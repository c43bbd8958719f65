// Child-process plumbing for the benchmark: free ports, bounded readiness waits and commands run as another user.

import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** How often a readiness probe retries a TCP connect. */
export const connectPollIntervalMs = 100;
/** A single connect attempt that hangs this long counts as refused. */
const connectAttemptTimeoutMs = 1_000;

/** Asks the kernel for a free loopback port (the tiny race with other processes is accepted). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Resolves true once a TCP connect to host:port succeeds; false when timeoutMs passes or stillAlive() turns false. */
export async function waitForPort(
  host: string,
  port: number,
  timeoutMs: number,
  stillAlive: () => boolean = () => true,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && stillAlive()) {
    if (await tryConnect(host, port)) return true;
    await sleep(connectPollIntervalMs);
  }
  return false;
}

function tryConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(connectAttemptTimeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs a command (as `user` through runuser when we are root), failing with its stderr after timeoutMs. */
export async function runCommand(
  cmd: string,
  args: readonly string[],
  options: { timeoutMs: number; cwd?: string; user?: string },
): Promise<string> {
  const asOther = options.user !== undefined && process.getuid?.() === 0;
  const file = asOther ? 'runuser' : cmd;
  const argv = asOther ? ['-u', options.user as string, '--', cmd, ...args] : [...args];
  try {
    const { stdout } = await execFileAsync(file, argv, { timeout: options.timeoutMs, cwd: options.cwd });
    return stdout;
  } catch (e) {
    const err = e as { message?: string; stderr?: string; stdout?: string };
    const detail = [err.message, err.stderr, err.stdout].filter((s) => s !== undefined && s !== '').join('\n');
    throw new Error(`${cmd} failed: ${detail}`);
  }
}

/** The numeric uid and gid of a system user (for chown of directories a server must write). */
export async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  const uid = await runCommand('id', ['-u', user], { timeoutMs: 5_000 });
  const gid = await runCommand('id', ['-g', user], { timeoutMs: 5_000 });
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/** Work an interrupted run must still do (remove temp dirs); suites register and unregister around their work. */
const interruptCleanups = new Set<() => Promise<void>>();

/** Registers cleanup for SIGINT/SIGTERM; returns the function that unregisters it. */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  interruptCleanups.add(cleanup);
  return () => interruptCleanups.delete(cleanup);
}

export async function runInterruptCleanups(): Promise<void> {
  const cleanups = [...interruptCleanups];
  interruptCleanups.clear();
  await Promise.allSettled(cleanups.map((c) => c()));
}

/**
 * Runs `fn` with a fresh temp directory that other local users can read (server processes read
 * CSV files from it), removed afterwards and on an interrupt.
 */
export async function withWorkDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const unregister = onInterrupt(remove);
  try {
    await chmod(dir, 0o755);
    return await fn(dir);
  } finally {
    unregister();
    await remove();
  }
}
