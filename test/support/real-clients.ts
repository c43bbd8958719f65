// Real client programs the client suites drive as child processes: psycopg2 under the system
// Python and pgjdbc under the JDK, both installed by .ci/run. A missing client fails the suite
// with what to install; it is never skipped.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ConnInfo } from './postgres.js';

/** The Debian Python psycopg2 is installed for (a pyenv shim may shadow `python3` on PATH). */
export const systemPython = '/usr/bin/python3';
/** Debian's libpostgresql-jdbc-java puts the driver here. */
export const pgjdbcJar = '/usr/share/java/postgresql.jar';
/** One client script or program, start to finish, including the JVM's start (seconds on a loaded 2-core machine). */
export const clientRunTimeoutMs = 45_000;
/** javac of one small file. */
export const javacTimeoutMs = 45_000;
/** Short-lived JVMs: the C1 compiler alone starts faster and burns less CPU than tiered C2. */
export const quickJvmFlags: readonly string[] = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];
/** A client's JSON answer and its diagnostics are small. */
const clientOutputBytesMax = 4 * 1024 * 1024;

export interface ProcessOutput {
  stdout: string;
  stderr: string;
}

/** Runs a program; rejects with its stderr when it exits non-zero or times out. */
export function runProcess(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ProcessOutput> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: options.env ?? process.env, timeout: options.timeoutMs, maxBuffer: clientOutputBytesMax }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`${file} ${args.join(' ')} (PGPORT=${options.env?.['PGPORT'] ?? '-'}) failed (${error.message}):\n${stderr}\n${stdout}`));
        return;
      }
      resolve({ stdout, stderr });
    });
  });
}

/** Throws, saying what to install, unless the system Python can import psycopg2. */
export async function requirePsycopg2(): Promise<void> {
  if (!existsSync(systemPython)) throw new Error(`${systemPython} is missing: install python3-psycopg2 (apt-get install -y python3-psycopg2; .ci/run does this)`);
  try {
    await runProcess(systemPython, ['-c', 'import psycopg2'], { timeoutMs: clientRunTimeoutMs });
  } catch (e) {
    throw new Error(`psycopg2 is not installed for ${systemPython}: apt-get install -y python3-psycopg2 (.ci/run does this)\n${String(e)}`);
  }
}

/** Throws, saying what to install, unless javac, java and the pgjdbc jar are there. */
export async function requirePgjdbc(): Promise<void> {
  if (!existsSync(pgjdbcJar)) throw new Error(`${pgjdbcJar} is missing: apt-get install -y libpostgresql-jdbc-java (.ci/run does this)`);
  for (const tool of ['javac', 'java']) {
    try {
      await runProcess(tool, ['-version'], { timeoutMs: clientRunTimeoutMs });
    } catch (e) {
      throw new Error(`${tool} is not runnable: apt-get install -y openjdk-17-jdk-headless (.ci/run does this)\n${String(e)}`);
    }
  }
}

/** libpq's environment for a server: psycopg2.connect('') reads it. */
export function libpqEnv(conn: ConnInfo): NodeJS.ProcessEnv {
  return { ...process.env, PGHOST: conn.host, PGPORT: String(conn.port), PGUSER: conn.user, PGDATABASE: conn.database, PGSSLMODE: 'disable', PGCONNECT_TIMEOUT: '10' };
}

/** The pgjdbc URL of a server (no TLS: the test nodes listen in plain text). */
export function jdbcUrl(conn: ConnInfo): string {
  return `jdbc:postgresql://${conn.host}:${conn.port}/${conn.database}?sslmode=disable&connectTimeout=10`;
}

/** The one JSON line a client program prints last. */
export function lastJson(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Record<string, unknown>;
}
