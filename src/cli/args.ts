// Parses the eon command line (node:util parseArgs, strict) into a command and a NodeConfig.

import { parseArgs } from 'node:util';
import {
  DATA_DIR_DEFAULT,
  HOST_DEFAULT,
  HTTP_PORT_DEFAULT,
  PEER_PORT_DEFAULT,
  PG_PORT_DEFAULT,
  PORT_MAX,
} from '../node/config.js';
import type { NodeConfig } from '../node/config.js';
import { isLogLevel, LOG_LEVELS } from '../node/log.js';
import { isLoopbackHost } from '../cluster/loopback.js';
import { PARTITIONS_MAX } from '../../storage/index.js';
import { ANTI_ENTROPY_INTERVAL_MS_MAX, ANTI_ENTROPY_INTERVAL_MS_MIN } from '../cluster/antientropy/index.js';
import { EonError } from '../errors/index.js';
import { checkIdempotencyKey, checkName } from '../namestore/name-record.js';
// The module alone: the CLI parses its flags without loading the pg server.
import { PASSWORD_METHODS, PASSWORD_METHOD_DEFAULT, isPasswordMethod } from '../../protocol/pg/password-auth.js';

/** A local cluster of real processes for trying eon out: node i listens on each base port + i. */
export interface LocalClusterConfig {
  readonly nodes: number;
  /** Node i keeps its data in <dataDir>/node-<i>. */
  readonly dataDir: string;
  readonly host: string;
  readonly pgPort: number;
  readonly httpPort: number;
  readonly peerPort: number;
  readonly logLevel: string;
}

export type Command =
  | { readonly kind: 'start'; readonly config: NodeConfig }
  | { readonly kind: 'cluster-up'; readonly cluster: LocalClusterConfig }
  | { readonly kind: 'cluster-down'; readonly dataDir: string }
  | { readonly kind: 'status'; readonly http: string }
  | { readonly kind: 'node-leave'; readonly http: string }
  | { readonly kind: 'node-remove'; readonly http: string; readonly node: string }
  | { readonly kind: 'names-register'; readonly http: string; readonly name: string; readonly idempotencyKey?: string }
  | { readonly kind: 'names-check'; readonly http: string; readonly name: string }
  | { readonly kind: 'kv'; readonly http: string; readonly table: string; readonly dataDir: string }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' };

/** `eon cluster up` starts at most this many local nodes (each has its own worker pool). */
export const LOCAL_CLUSTER_NODES_MAX = 16;
export const LOCAL_CLUSTER_DATA_DEFAULT = './cluster-data';

/** A command line eon cannot run; the CLI prints the message and exits with the usage code. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: eon <command> [options]

Commands:
  start          run a node in the foreground (SIGTERM or SIGINT stops it gracefully)
  cluster up     run a local cluster of --nodes N processes in the foreground (Ctrl-C stops all)
  cluster down   stop the local cluster whose data is in --data (default ${LOCAL_CLUSTER_DATA_DEFAULT})
  status         members, their state, partitions and stats (--http HOST:PORT of any node)
  node leave     the node at --http leaves the cluster for good, then stops
  node remove N  declare the dead node N gone for good (asked of the node at --http)
  names register NAME  take NAME cluster-wide if it is free (exit 0; 9 if already taken)
  names check NAME     whether NAME is free (exit 0) or taken (exit 9)
  kv             key-value console on --http (GET, SET, DEL, NODES, KILL; --table T, default kv;
                 --data DIR of an 'eon cluster up' for KILL)
  help           print this help
  version    print the version

Options for start:
  --data DIR          data directory, created if missing (default ${DATA_DIR_DEFAULT})
  --host HOST         address to listen on (default ${HOST_DEFAULT})
  --pg-port PORT      PostgreSQL wire protocol port (default ${PG_PORT_DEFAULT})
  --http-port PORT    REST API port (default ${HTTP_PORT_DEFAULT})
  --partitions Q      ring partitions for new data, a power of two (default 64)
  --password P        require this password (psql: see --auth-method, REST: HTTP Basic);
                      or set EON_PASSWORD. Without one, connections are trusted, so a
                      --host other than loopback is refused unless --insecure is given.
  --auth-method M     how psql clients send the password: ${PASSWORD_METHODS.join(' | ')}
                      (default ${PASSWORD_METHOD_DEFAULT}); 'password' is cleartext: use it only with TLS
  --tls-cert FILE     PEM certificate (chain) and
  --tls-key FILE      its private key: the pg port offers TLS and REST serves HTTPS only
                      (both or neither; read once at start)
  --insecure          listen on a non-loopback --host without a password (trust everyone)
  --peer-port PORT    node-to-node port (default ${PEER_PORT_DEFAULT})
  --advertise-peer HOST:PORT
                      the peer address other members reach this node at, when it is not
                      --host:--peer-port (a proxy or NAT in between)
  --join HOST:PORT[,HOST:PORT…]
                      peer addresses of existing members; without it a node with empty
                      data founds a cluster, a restarted one rejoins the members it knew
  --cluster-secret S  shared by all members, proven by peers before any message; or set
                      EON_CLUSTER_SECRET (default: the --password)
  --geo LAT,LON       where this node is, gossiped for routing by proximity
  --threads N         data-engine worker threads (default: CPU count)
  --anti-entropy-interval MS
                      how often replicas compare and repair their partitions in the
                      background (default 10000; reads repair what they find differing)
  --query-cells-max N values one statement may hold in memory before it fails with 53200
                      (default: 40000000)
  --log-level LEVEL   ${LOG_LEVELS.join(' | ')} (default info)

Options for cluster up: --nodes N (default 3, at most ${LOCAL_CLUSTER_NODES_MAX}), --data DIR,
  --host, --pg-port, --http-port, --peer-port (node i listens on each port + i), --log-level.
Options for status, node and names: --http HOST:PORT (default 127.0.0.1:${HTTP_PORT_DEFAULT}).
Options for names register: --idempotency-key K (a retry with the same K gets the original answer).

Exit codes: 0 ok, 1 unexpected failure, 2 usage error, 3 port in use,
  4 data directory unusable, 5 data directory locked by a running node,
  6 configuration contradicts stored data or the machine, 7 node unreachable,
  8 node refused, 9 name already taken, 10 the cluster could not decide the name now.
`;

const OPTIONS = {
  data: { type: 'string' },
  host: { type: 'string' },
  'pg-port': { type: 'string' },
  'http-port': { type: 'string' },
  partitions: { type: 'string' },
  'anti-entropy-interval': { type: 'string' },
  password: { type: 'string' },
  'auth-method': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  insecure: { type: 'boolean' },
  'peer-port': { type: 'string' },
  'advertise-peer': { type: 'string' },
  join: { type: 'string' },
  'cluster-secret': { type: 'string' },
  geo: { type: 'string' },
  nodes: { type: 'string' },
  http: { type: 'string' },
  'idempotency-key': { type: 'string' },
  table: { type: 'string' },
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
  const [command, sub, ...rest] = positionals;
  const nodeRemove = command === 'node' && sub === 'remove';
  const extra = command === 'names' ? rest[1] : command === 'cluster' || command === 'node' ? rest[nodeRemove ? 1 : 0] : sub;
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  switch (command) {
    case undefined:
    case 'help':
      assertOnly(command ?? 'help', values, []);
      return { kind: 'help' };
    case 'version':
      assertOnly(command, values, []);
      return { kind: 'version' };
    case 'start':
      assertOnly(command, values, START_OPTIONS);
      return { kind: 'start', config: startConfig(values, env) };
    case 'kv':
      assertOnly(command, values, ['http', 'table', 'data']);
      return {
        kind: 'kv',
        http: address(str(values, 'http') ?? `127.0.0.1:${HTTP_PORT_DEFAULT}`, '--http'),
        table: nonEmpty(str(values, 'table') ?? 'kv', '--table'),
        dataDir: nonEmpty(str(values, 'data') ?? LOCAL_CLUSTER_DATA_DEFAULT, '--data'),
      };
    case 'status':
      assertOnly(command, values, ['http']);
      return { kind: 'status', http: address(str(values, 'http') ?? `127.0.0.1:${HTTP_PORT_DEFAULT}`, '--http') };
    case 'cluster':
      switch (sub) {
        case 'up':
          assertOnly('cluster up', values, ['nodes', 'data', 'host', 'pg-port', 'http-port', 'peer-port', 'log-level']);
          return { kind: 'cluster-up', cluster: localClusterConfig(values) };
        case 'down':
          assertOnly('cluster down', values, ['data']);
          return { kind: 'cluster-down', dataDir: nonEmpty(str(values, 'data') ?? LOCAL_CLUSTER_DATA_DEFAULT, '--data') };
        case undefined:
          throw new UsageError("'eon cluster' needs 'up' or 'down'");
        default:
          throw new UsageError(`unknown command 'cluster ${sub}'`);
      }
    case 'node': {
      assertOnly(`node ${sub ?? ''}`.trim(), values, ['http']);
      const http = address(str(values, 'http') ?? `127.0.0.1:${HTTP_PORT_DEFAULT}`, '--http');
      switch (sub) {
        case 'leave':
          return { kind: 'node-leave', http };
        case 'remove': {
          const node = rest[0];
          if (node === undefined || node === '') throw new UsageError("'eon node remove' needs the id of the node to remove (see eon status)");
          return { kind: 'node-remove', http, node };
        }
        case undefined:
          throw new UsageError("'eon node' needs 'leave' or 'remove NODE'");
        default:
          throw new UsageError(`unknown command 'node ${sub}'`);
      }
    }
    case 'names': {
      const http = (): string => address(str(values, 'http') ?? `127.0.0.1:${HTTP_PORT_DEFAULT}`, '--http');
      const name = (): string => {
        const given = rest[0];
        if (given === undefined) throw new UsageError(`'eon names ${sub ?? ''}' needs a NAME`);
        return checked(() => checkName(given));
      };
      switch (sub) {
        case 'register': {
          assertOnly('names register', values, ['http', 'idempotency-key']);
          const key = str(values, 'idempotency-key');
          return { kind: 'names-register', http: http(), name: name(), ...(key === undefined ? {} : { idempotencyKey: checked(() => checkIdempotencyKey(key)) }) };
        }
        case 'check':
          assertOnly('names check', values, ['http']);
          return { kind: 'names-check', http: http(), name: name() };
        case undefined:
          throw new UsageError("'eon names' needs 'register NAME' or 'check NAME'");
        default:
          throw new UsageError(`unknown command 'names ${sub}'`);
      }
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** A value the namestore would refuse is a usage error here, before any request. */
function checked(validate: () => string): string {
  try {
    return validate();
  } catch (e) {
    if (e instanceof EonError) throw new UsageError(e.message);
    throw e;
  }
}

type Values = Partial<Record<keyof typeof OPTIONS, string | boolean>>;
type OptionName = keyof typeof OPTIONS;

const START_OPTIONS: readonly OptionName[] = [
  'data', 'host', 'pg-port', 'http-port', 'partitions', 'password', 'insecure', 'peer-port', 'join', 'cluster-secret', 'geo',
  'advertise-peer', 'threads', 'query-cells-max', 'log-level', 'auth-method', 'tls-cert', 'tls-key', 'anti-entropy-interval',
];

function assertOnly(command: string, values: Values, allowed: readonly OptionName[]): void {
  const given = (Object.keys(values) as OptionName[]).filter((k) => k !== 'help' && k !== 'version' && !allowed.includes(k));
  if (given.length > 0) throw new UsageError(`option '--${given[0]!}' is not valid for '${command}'`);
}

function str(values: Values, k: OptionName): string | undefined {
  const v = values[k];
  return typeof v === 'string' ? v : undefined;
}

function nonEmpty(text: string, flag: string): string {
  if (text === '') throw new UsageError(`${flag} must not be empty`);
  return text;
}

/** A HOST:PORT (IPv6 hosts in brackets), as given; the port must be a valid one. */
function address(text: string, flag: string): string {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s\[\]]+):(\d+)$/.exec(text.trim());
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || port < 1 || port > PORT_MAX) throw new UsageError(`${flag} must be HOST:PORT, got '${text}'`);
  return `${m[1]!}:${port}`;
}

function startConfig(values: Values, env: NodeJS.ProcessEnv): NodeConfig {
  const partitions = optionalInt(str(values, 'partitions'), '--partitions', 1, PARTITIONS_MAX);
  const antiEntropyIntervalMs = optionalInt(str(values, 'anti-entropy-interval'), '--anti-entropy-interval', ANTI_ENTROPY_INTERVAL_MS_MIN, ANTI_ENTROPY_INTERVAL_MS_MAX);
  if (partitions !== undefined && (partitions & (partitions - 1)) !== 0) {
    throw new UsageError(`--partitions must be a power of two, got ${partitions}`);
  }
  const threads = optionalInt(str(values, 'threads'), '--threads', 1, THREADS_MAX);
  const queryCellsMax = optionalInt(str(values, 'query-cells-max'), '--query-cells-max', 1, Number.MAX_SAFE_INTEGER);
  const logLevel = str(values, 'log-level') ?? 'info';
  if (!isLogLevel(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  const password = str(values, 'password') ?? (env.EON_PASSWORD === '' ? undefined : env.EON_PASSWORD);
  // Without a secret of its own, the cluster is secured by the password every member needs anyway.
  const clusterSecret = str(values, 'cluster-secret') ?? (env.EON_CLUSTER_SECRET === '' ? undefined : env.EON_CLUSTER_SECRET) ?? password;
  const host = nonEmpty(str(values, 'host') ?? HOST_DEFAULT, '--host');
  const insecure = values.insecure === true;
  if (!insecure && !isLoopbackHost(host) && password === undefined) {
    throw new UsageError(
      `--host ${host} without --password would trust every connection from the network; ` +
        'set --password (or EON_PASSWORD), or pass --insecure to accept that',
    );
  }
  const authMethod = str(values, 'auth-method');
  if (authMethod !== undefined && !isPasswordMethod(authMethod)) {
    throw new UsageError(`--auth-method must be one of ${PASSWORD_METHODS.join(', ')}, got '${authMethod}'`);
  }
  if (authMethod !== undefined && password === undefined) {
    throw new UsageError('--auth-method needs --password (or EON_PASSWORD): without one, connections are trusted');
  }
  const certFile = str(values, 'tls-cert');
  const keyFile = str(values, 'tls-key');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError(
      certFile === undefined ? '--tls-key needs --tls-cert (give both or neither)' : '--tls-cert needs --tls-key (give both or neither)',
    );
  }
  const dataDir = nonEmpty(str(values, 'data') ?? DATA_DIR_DEFAULT, '--data');
  const geoText = str(values, 'geo');
  let geolocation: { lat: number; lon: number } | undefined;
  if (geoText !== undefined) {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(geoText);
    const lat = m === null ? NaN : Number(m[1]);
    const lon = m === null ? NaN : Number(m[2]);
    if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) throw new UsageError(`--geo must be LAT,LON in degrees, got '${geoText}'`);
    geolocation = { lat, lon };
  }
  const joinText = str(values, 'join');
  const join = joinText === undefined ? [] : joinText.split(',').map((a) => address(a, '--join'));
  const advertiseText = str(values, 'advertise-peer');
  const advertisePeer = advertiseText === undefined ? undefined : address(advertiseText, '--advertise-peer');
  return {
    dataDir,
    host,
    pgPort: optionalInt(str(values, 'pg-port'), '--pg-port', 0, PORT_MAX) ?? PG_PORT_DEFAULT,
    httpPort: optionalInt(str(values, 'http-port'), '--http-port', 0, PORT_MAX) ?? HTTP_PORT_DEFAULT,
    logLevel,
    ...(partitions === undefined ? {} : { partitions }),
    ...(antiEntropyIntervalMs === undefined ? {} : { antiEntropyIntervalMs }),
    ...(threads === undefined ? {} : { threads }),
    ...(queryCellsMax === undefined ? {} : { queryCellsMax }),
    ...(password === undefined ? {} : { password }),
    ...(authMethod === undefined ? {} : { authMethod }),
    ...(certFile === undefined || keyFile === undefined
      ? {}
      : { tls: { certFile: nonEmpty(certFile, '--tls-cert'), keyFile: nonEmpty(keyFile, '--tls-key') } }),
    ...(values['peer-port'] === undefined ? {} : { peerPort: optionalInt(str(values, 'peer-port'), '--peer-port', 0, PORT_MAX)! }),
    ...(join.length === 0 ? {} : { join }),
    ...(advertisePeer === undefined ? {} : { advertisePeer }),
    ...(clusterSecret === undefined ? {} : { clusterSecret }),
    ...(insecure ? { insecure } : {}),
    ...(geolocation === undefined ? {} : { geolocation }),
  };
}

function localClusterConfig(values: Values): LocalClusterConfig {
  const nodes = optionalInt(str(values, 'nodes'), '--nodes', 1, LOCAL_CLUSTER_NODES_MAX) ?? 3;
  const host = nonEmpty(str(values, 'host') ?? HOST_DEFAULT, '--host');
  if (!isLoopbackHost(host)) throw new UsageError(`'eon cluster up' is for trying eon on one machine: --host must be loopback, got ${host}`);
  const logLevel = str(values, 'log-level') ?? 'info';
  if (!isLogLevel(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${logLevel}'`);
  const base = (flag: 'pg-port' | 'http-port' | 'peer-port', dflt: number): number => {
    const port = optionalInt(str(values, flag), `--${flag}`, 1, PORT_MAX - nodes + 1) ?? dflt;
    return port;
  };
  return {
    nodes,
    dataDir: nonEmpty(str(values, 'data') ?? LOCAL_CLUSTER_DATA_DEFAULT, '--data'),
    host,
    pgPort: base('pg-port', PG_PORT_DEFAULT),
    httpPort: base('http-port', HTTP_PORT_DEFAULT),
    peerPort: base('peer-port', PEER_PORT_DEFAULT),
    logLevel,
  };
}

function optionalInt(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be an integer, got '${text}'`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}
