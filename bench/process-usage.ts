// What a server process the bench started has used so far, read from Linux's /proc: CPU time
// (all its threads, so eon's data-engine workers too) and the bytes its write()/send() calls
// handed to the kernel. eon's nodes expose no bytes-sent counter, so a cluster run measures each
// node from outside; elsewhere than Linux there is no /proc and the figures are absent.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessUsage {
  /** User + system CPU time of every thread of the process, ms. */
  cpuMs: number;
  /** /proc/<pid>/io wchar: bytes passed to write-like calls, to sockets (peers, clients) and files alike. */
  bytesWritten: number;
  /** /proc/<pid>/io rchar: bytes returned by read-like calls, from sockets and files alike. */
  bytesRead: number;
}

/** Clock ticks per second when getconf cannot say (Linux's USER_HZ is 100 on every common build). */
export const CLOCK_TICKS_PER_SECOND_DEFAULT = 100;
/** /proc/<pid>/stat fields (1-based, counted after the parenthesized command name) of utime and stime. */
const UTIME_FIELD = 14;
const STIME_FIELD = 15;

let ticksPerSecond: number | null = null;

function clockTicksPerSecond(): number {
  if (ticksPerSecond === null) {
    try {
      const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isInteger(n) && n > 0 ? n : CLOCK_TICKS_PER_SECOND_DEFAULT;
    } catch {
      ticksPerSecond = CLOCK_TICKS_PER_SECOND_DEFAULT;
    }
  }
  return ticksPerSecond;
}

/** Parses /proc/<pid>/stat text: CPU ms, or null when it is not one. */
export function parseProcStatCpuMs(text: string, ticks: number): number | null {
  // The command name may hold spaces and parentheses: the fields that follow start after the last ')'.
  const end = text.lastIndexOf(')');
  if (end < 0) return null;
  const rest = text.slice(end + 2).trim().split(/\s+/);
  // rest[0] is field 3 (state).
  const utime = Number(rest[UTIME_FIELD - 3]);
  const stime = Number(rest[STIME_FIELD - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return ((utime + stime) * 1000) / ticks;
}

/** Parses /proc/<pid>/io text into its named counters. */
export function parseProcIo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s*(\d+)$/.exec(line.trim());
    if (m !== null) out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** The process's usage so far; null when it cannot be read (no /proc, the process gone). */
export function processUsage(pid: number | undefined): ProcessUsage | null {
  if (pid === undefined) return null;
  try {
    const cpuMs = parseProcStatCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'), clockTicksPerSecond());
    const io = parseProcIo(readFileSync(`/proc/${pid}/io`, 'utf8'));
    if (cpuMs === null || io.wchar === undefined || io.rchar === undefined) return null;
    return { cpuMs, bytesWritten: io.wchar, bytesRead: io.rchar };
  } catch {
    return null;
  }
}

/** What was used between two readings; null when either is missing. */
export function usageBetween(before: ProcessUsage | null, after: ProcessUsage | null): ProcessUsage | null {
  if (before === null || after === null) return null;
  return { cpuMs: after.cpuMs - before.cpuMs, bytesWritten: after.bytesWritten - before.bytesWritten, bytesRead: after.bytesRead - before.bytesRead };
}
