// Parses the eon command line (node:util parseArgs, strict) into a command and a NodeConfig.

import { parseArgs } from 'node:util';
import {
  DATA_DIR_DEFAULT,
  HOST_DEFAULT,
  HTTP_PORT_DEFAULT,
  PG_PORT_DEFAULT,
  PORT_MAX,
} from '../node/config.js';
import type { NodeConfig } from '../node/config.js';
import { isLogLevel, LOG_LEVELS } from '../node/log.js';
import { isLoopbackHost } from '../node/loopback.js';
import { PARTITIONS_MAX } from '../../storage/index.js';

export type Command =
  | { readonly kind: 'start'; readonly config: NodeConfig }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' };

/** A command line eon cannot run; the CLI prints the message and exits with the usage code. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: eon <command> [options]

Commands:
  start      run a node in the foreground (SIGTERM or SIGINT stops it gracefully)
  help       print this help
  version    print the version

Options for start:
  --data DIR          data directory, created if missing (default ${DATA_DIR_DEFAULT})
  --host HOST         address to listen on (default ${HOST_DEFAULT})
  --pg-port PORT      PostgreSQL wire protocol port (default ${PG_PORT_DEFAULT})
  --http-port PORT    REST API port (default ${HTTP_PORT_DEFAULT})
  --partitions Q      ring partitions for new data, a power of two (default 64)
  --password P        require this password (psql: SCRAM-SHA-256, REST: HTTP Basic);
                      or set EON_PASSWORD. Without one, connections are trusted, so a
                      --host other than loopback is refused unless --insecure is given.
  --insecure          listen on a non-loopback --host without a password (trust everyone)
  --threads N         data-engine worker threads (default: CPU count)
  --query-cells-max N values one statement may hold in memory before it fails with 53200
                      (default: 40000000)
  --log-level LEVEL   ${LOG_LEVELS.join(' | ')} (default info)

Exit codes: 0 ok, 1 unexpected failure, 2 usage error, 3 port in use,
  4 data directory unusable, 5 data directory locked by a running node,
  6 configuration contradicts stored data or the machine.
`;

const OPTIONS = {
  data: { type: 'string' },
  host: { type: 'string' },
  'pg-port': { type: 'string' },
  'http-port': { type: 'string' },
  partitions: { type: 'string' },
  password: { type: 'string' },
  insecure: { type: 'boolean' },
  threads: { type: 'string' },
  'query-cells-max': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** Threads beyond this are a typo, not a plan. */
export const THREADS_MAX = 1024;

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): Command {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  const [command, ...rest] = positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]!}'`);
  switch (command) {
    case undefined:
    case 'help':
      assertNoStartOptions(command ?? 'help', values);
      return { kind: 'help' };
    case 'version':
      assertNoStartOptions(command, values);
      return { kind: 'version' };
    case 'start':
      return { kind: 'start', config: startConfig(values, env) };
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

type Values = Partial<Record<keyof typeof OPTIONS, string | boolean>>;

function assertNoStartOptions(command: string, values: Values): void {
  const given = Object.keys(values).filter((k) => k !== 'help' && k !== 'version');
  if (given.length > 0) throw new UsageError(`option '--${given[0]!}' is not valid for '${command}'`);
}

function startConfig(values: Values, env: NodeJS.ProcessEnv): NodeConfig {
  const str = (k: keyof typeof OPTIONS): string | undefined => {
    const v = values[k];
    return typeof v === 'string' ? v : undefined;
  };
  const partitions = optionalInt(str('partitions'), '--partitions', 1, PARTITIONS_MAX);
  if (partitions !== undefined && (partitions & (partitions - 1)) !== 0) {
    throw new UsageError(`--partitions must be a power of two, got ${partitions}`);
  }
  const threads = optionalInt(str('threads'), '--threads', 1, THREADS_MAX);
  const queryCellsMax = optionalInt(str('query-cells-max'), '--query-cells-max', 1, Number.MAX_SAFE_INTEGER);
  const logLevel = str('log-level') ?? 'info';
  if (!isLogLevel(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  const password = str('password') ?? (env.EON_PASSWORD === '' ? undefined : env.EON_PASSWORD);
  const host = str('host') ?? HOST_DEFAULT;
  if (host === '') throw new UsageError('--host must not be empty');
  if (password === undefined && values.insecure !== true && !isLoopbackHost(host)) {
    throw new UsageError(
      `--host ${host} without --password would trust every connection from the network; ` +
        'set --password (or EON_PASSWORD), or pass --insecure to accept that',
    );
  }
  const dataDir = str('data') ?? DATA_DIR_DEFAULT;
  if (dataDir === '') throw new UsageError('--data must not be empty');
  return {
    dataDir,
    host,
    pgPort: optionalInt(str('pg-port'), '--pg-port', 0, PORT_MAX) ?? PG_PORT_DEFAULT,
    httpPort: optionalInt(str('http-port'), '--http-port', 0, PORT_MAX) ?? HTTP_PORT_DEFAULT,
    logLevel,
    ...(partitions === undefined ? {} : { partitions }),
    ...(threads === undefined ? {} : { threads }),
    ...(queryCellsMax === undefined ? {} : { queryCellsMax }),
    ...(password === undefined ? {} : { password }),
  };
}

function optionalInt(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be an integer, got '${text}'`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}
