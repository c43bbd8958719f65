// The data directory's pid file: it marks the directory as owned by one running node.

import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { NodeStartError, errnoCode } from './start-error.js';

export const PID_FILE_NAME = 'eon.pid';
/** A stale pid file is replaced at most this many times before giving up (a racing starter won). */
const ACQUIRE_ATTEMPTS_MAX = 3;

/**
 * Pid files this process holds. A file naming our own pid is otherwise taken as stale (in a
 * container eon is pid 1 after every restart), so a second node in this process is caught here.
 */
const heldHere = new Set<string>();

export function pidFilePath(dataDir: string): string {
  return path.join(dataDir, PID_FILE_NAME);
}

/** Whether a process with this pid exists (EPERM means it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/** The pid recorded in the file, or undefined when there is no file or it holds no number. */
export function readPidFile(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Creates the pid file exclusively (O_EXCL), so two nodes starting at once cannot both win.
 * A file left by a dead process is stale and replaced; one naming a live process means the
 * directory is in use. Pid reuse by an unrelated process after a crash reads as "locked": the
 * operator removes the file by hand, which is safer than guessing.
 */
export function acquirePidFile(dataDir: string, pid: number = process.pid): string {
  const file = path.resolve(pidFilePath(dataDir));
  if (heldHere.has(file)) {
    throw new NodeStartError('data_dir_locked', `data directory ${dataDir} is in use by a node in this process (pid ${pid})`);
  }
  for (let attempt = 0; attempt < ACQUIRE_ATTEMPTS_MAX; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (e) {
      const code = errnoCode(e);
      if (code !== 'EEXIST') {
        throw new NodeStartError('data_dir_unusable', `cannot write ${file}: ${code ?? String(e)}`, e);
      }
      const owner = readPidFile(file);
      if (owner !== undefined && owner !== pid && processAlive(owner)) {
        throw new NodeStartError(
          'data_dir_locked',
          `data directory ${dataDir} is in use by a running eon node (pid ${owner}, see ${file})`,
        );
      }
      try {
        unlinkSync(file);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw new NodeStartError('data_dir_unusable', `cannot remove stale ${file}`, err);
      }
      continue;
    }
    try {
      writeSync(fd, `${pid}\n`);
    } finally {
      closeSync(fd);
    }
    heldHere.add(file);
    return file;
  }
  throw new NodeStartError('data_dir_locked', `could not take ${file}: another node keeps creating it`);
}

/** Removes the pid file if it still names this process (never another node's file). */
export function releasePidFile(file: string, pid: number = process.pid): void {
  heldHere.delete(path.resolve(file));
  try {
    if (readPidFile(file) === pid) unlinkSync(file);
  } catch {
    // Best effort on shutdown: a leftover file is detected as stale by the next start.
  }
}
