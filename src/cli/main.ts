#!/usr/bin/env node
// The `eon` command: parses the command line, runs a node in the foreground and maps failures to exit codes.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeConfig, RunningNode, StartFailureReason } from '../node/index.js';
import { USAGE, UsageError, parseCommandLine } from './args.js';
import { EXIT_CODES } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';

const START_EXIT: Readonly<Record<StartFailureReason, ExitCode>> = {
  port_in_use: EXIT_CODES.portInUse,
  data_dir_unusable: EXIT_CODES.dataDirUnusable,
  data_dir_locked: EXIT_CODES.dataDirLocked,
  invalid_config: EXIT_CODES.invalidConfig,
};
/** After a clean stop the process exits by itself; this bounds the wait for stray handles. */
const EXIT_AFTER_STOP_MS = 2_000;
/** package.json is this many folders above the compiled or source file, at most. */
const PACKAGE_SEARCH_DEPTH_MAX = 4;

async function main(argv: readonly string[]): Promise<void> {
  let command;
  try {
    command = parseCommandLine(argv, process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`eon: ${e.message}\nRun 'eon help' for usage.\n`);
    process.exitCode = EXIT_CODES.usage;
    return;
  }
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE);
      return;
    case 'version':
      process.stdout.write(`eon ${packageVersion()}\n`);
      return;
    case 'start':
      await runForeground(command.config);
      return;
    case 'cluster-up': {
      const { runLocalCluster } = await import('./local-cluster.js');
      process.exitCode = await runLocalCluster(command.cluster, (line) => process.stdout.write(`${line}\n`));
      return;
    }
    case 'cluster-down': {
      const { stopLocalCluster } = await import('./local-cluster.js');
      process.exitCode = await stopLocalCluster(command.dataDir, (line) => process.stdout.write(`${line}\n`));
      return;
    }
    case 'node-leave':
    case 'node-remove': {
      const { StatusError, clusterCommand } = await import('./status.js');
      try {
        const what = command.kind === 'node-leave' ? 'leave' : `remove/${encodeURIComponent(command.node)}`;
        await clusterCommand(command.http, what, process.env.EON_PASSWORD || undefined);
        process.stdout.write(command.kind === 'node-leave' ? `${command.http} is leaving the cluster: it hands its partitions to the nodes taking its place, then stops\n` : `removed ${command.node}\n`);
        if (command.kind === 'node-leave') {
          const { followLeave } = await import('./leave-progress.js');
          const outcome = await followLeave(command.http, process.env.EON_PASSWORD || undefined, (line) => process.stdout.write(`${line}\n`));
          if (outcome === 'stopped') process.stdout.write(`${command.http} has left the cluster and stopped (its log says whether every handoff was acknowledged)\n`);
          else {
            process.stderr.write(`eon: ${command.http} is still running; see its log and eon status\n`);
            process.exitCode = EXIT_CODES.failure;
          }
        }
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        process.stderr.write(`eon: ${e.message}\n`);
        process.exitCode = e.refused ? EXIT_CODES.refused : EXIT_CODES.unreachable;
      }
      return;
    }
    case 'names-register':
    case 'names-check': {
      const { StatusError } = await import('./status.js');
      const { namesCommand } = await import('./names.js');
      try {
        const action = command.kind === 'names-register' ? 'register' : 'check';
        const key = command.kind === 'names-register' ? command.idempotencyKey : undefined;
        const answer = await namesCommand(command.http, action, command.name, process.env.EON_PASSWORD || undefined, key);
        if (answer.exitCode === EXIT_CODES.nameUndecided) process.stderr.write(`eon: ${answer.text}\n`);
        else process.stdout.write(`${answer.text}\n`);
        process.exitCode = answer.exitCode;
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        process.stderr.write(`eon: ${e.message}\n`);
        process.exitCode = EXIT_CODES.unreachable;
      }
      return;
    }
    case 'kv': {
      const { runKvConsole } = await import('./kv.js');
      const options = { http: command.http, table: command.table, dataDir: command.dataDir, password: process.env.EON_PASSWORD || undefined };
      process.exitCode = await runKvConsole(options, process.stdin, (line) => process.stdout.write(`${line}\n`), process.stdin.isTTY === true);
      return;
    }
    case 'status': {
      const { StatusError, clusterStatus } = await import('./status.js');
      try {
        process.stdout.write(await clusterStatus(command.http, process.env.EON_PASSWORD || undefined));
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        process.stderr.write(`eon: ${e.message}\n`);
        process.exitCode = EXIT_CODES.unreachable;
      }
      return;
    }
    default:
      command satisfies never;
  }
}

async function runForeground(config: NodeConfig): Promise<void> {
  // Loaded only to start a node, so help, version and usage errors answer without loading the engine.
  const { NodeStartError, createJsonLogger, startNode } = await import('../node/index.js');
  const log = createJsonLogger({ level: config.logLevel ?? 'info' });
  let node: RunningNode | null = null;
  let stopRequested = false;
  const stop = (running: RunningNode): void => {
    running.stop().then(
      () => finish(EXIT_CODES.ok),
      (e: unknown) => {
        log('error', 'shutdown failed', { error: e instanceof Error ? e.message : String(e) });
        finish(EXIT_CODES.failure);
      },
    );
  };
  // Handlers go in before the (slow) start, so a signal during start-up still stops gracefully.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopRequested) {
      // A second signal means the operator will not wait for the graceful path.
      log('warn', 'second signal during shutdown; exiting now', { signal });
      process.exit(EXIT_CODES.failure);
    }
    stopRequested = true;
    log('info', 'shutting down', { signal });
    if (node !== null) stop(node);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    node = await startNode({ ...config, log });
  } catch (e) {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    if (e instanceof NodeStartError) {
      process.stderr.write(`eon: ${e.message}\n`);
      log('error', 'eon node failed to start', { reason: e.reason, error: e.message });
      process.exitCode = START_EXIT[e.reason];
      return;
    }
    throw e;
  }
  if (stopRequested) stop(node);
  const running = node;
  void running.left.then(() => {
    if (stopRequested) return;
    stopRequested = true;
    log('info', 'left the cluster; stopping', {});
    stop(running);
  });
}

/** Sets the exit code; everything is closed, so if a stray handle still holds the event loop, do not hang. */
function finish(code: ExitCode): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_AFTER_STOP_MS).unref();
}

function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < PACKAGE_SEARCH_DEPTH_MAX; i++) {
    dir = path.dirname(dir);
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'eon' && typeof pkg.version === 'string') return pkg.version;
    }
  }
  return 'unknown';
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`eon: unexpected failure: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(EXIT_CODES.failure);
});
