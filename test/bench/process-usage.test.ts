// The bench's outside view of a server process (bench/process-usage.ts): /proc parsing, a live
// reading of this process, and the CSV splitting the tpch suite's cluster load uses.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcIo, parseProcStatCpuMs, processUsage, usageBetween } from '../../bench/process-usage.js';
import { splitCsv } from '../../bench/suites/tpch.js';

describe('process usage', () => {
  it('reads utime + stime after a command name holding spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const stat = '4242 (node (eon) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 1 2 3';
    expect(parseProcStatCpuMs(stat, 100)).toBe(3000);
    expect(parseProcStatCpuMs('no parenthesis here', 100)).toBeNull();
  });

  it('parses /proc/<pid>/io counters by name', () => {
    expect(parseProcIo('rchar: 6976\nwchar: 12\nsyscr: 10\n')).toEqual({ rchar: 6976, wchar: 12, syscr: 10 });
  });

  it('reads this process and tells the difference between two readings', async () => {
    if (process.platform !== 'linux') {
      expect(processUsage(process.pid)).toBeNull();
      return;
    }
    const before = processUsage(process.pid);
    expect(before).not.toBeNull();
    const dir = await mkdtemp(path.join(tmpdir(), 'eon-usage-'));
    try {
      await writeFile(path.join(dir, 'x'), 'y'.repeat(100_000));
      let spin = 0;
      const until = Date.now() + 50;
      while (Date.now() < until) spin++;
      expect(spin).toBeGreaterThan(0);
      const used = usageBetween(before, processUsage(process.pid));
      expect(used!.bytesWritten).toBeGreaterThanOrEqual(100_000);
      expect(used!.cpuMs).toBeGreaterThanOrEqual(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(processUsage(undefined)).toBeNull();
    expect(usageBetween(null, before)).toBeNull();
  });
});

describe('splitCsv', () => {
  it('cuts a CSV into pieces of at most n lines that together hold every line in order', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'eon-split-'));
    try {
      const file = path.join(dir, 't.csv');
      const lines = Array.from({ length: 25 }, (_, i) => `${i},"a, b",x`);
      await writeFile(file, `${lines.join('\n')}\n`);
      const pieces = await splitCsv(file, 10);
      expect(pieces.map((p) => p.rows)).toEqual([10, 10, 5]);
      const back = (await Promise.all(pieces.map((p) => readFile(p.path, 'utf8')))).join('');
      expect(back).toBe(`${lines.join('\n')}\n`);
      expect(await splitCsv(file, 10)).toBe(pieces);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
