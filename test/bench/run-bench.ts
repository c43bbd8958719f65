// Runs the built bench command as a child process for the smoke tests, bounded in time, and reads its report.

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const benchMain = path.join(repoRoot, 'dist', 'bench', 'main.js');

export interface BenchRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node dist/bench/main.js …`; past `timeoutMs` it gets SIGTERM, so the bench stops the servers it started. */
export function runBench(args: string[], timeoutMs: number): Promise<BenchRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [benchMain, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What to show when a run failed: the end of its progress (stderr) and of its report (stdout, where problems are listed). */
export function runFailure(run: BenchRun): string {
  return `${run.stderr.slice(-4_000)}\n--- end of its report:\n${run.stdout.slice(-3_000)}`;
}

/** A suite run into a temp directory: the process outcome, the report files and the JSON report. */
export interface SuiteRun {
  run: BenchRun;
  files: string[];
  report: unknown;
}

/** Runs `npm run bench -- <suite> …` with `--out` a temp directory, reads its JSON report, removes the directory. */
export async function runSuite(args: string[], timeoutMs: number): Promise<SuiteRun> {
  const out = await mkdtemp(path.join(tmpdir(), 'eon-bench-test-'));
  try {
    const run = await runBench([...args, '--out', out], timeoutMs);
    const files = await readdir(out);
    const json = files.find((f) => f.startsWith(`${args[0]}-`) && f.endsWith('.json'));
    const report: unknown = json === undefined ? null : JSON.parse(await readFile(path.join(out, json), 'utf8'));
    return { run, files, report };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
