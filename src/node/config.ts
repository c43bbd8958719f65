// What a node is started with, and the defaults the CLI documents.

import type { Logger, LogLevel } from './log.js';
import type { PasswordMethod, TlsFiles } from '../../protocol/pg/index.js';

export const DATA_DIR_DEFAULT = './data';
export const HOST_DEFAULT = '127.0.0.1';
export const PG_PORT_DEFAULT = 5433;
export const HTTP_PORT_DEFAULT = 8080;
/** Node-to-node (peer) port: membership, replication, fragments. */
export const PEER_PORT_DEFAULT = 9433;
/** Statements in flight get this long to finish on stop before connections are cut. */
export const SHUTDOWN_GRACE_MS = 5_000;
export const PORT_MAX = 65_535;

export interface NodeConfig {
  /** Data directory; created (with parents) if missing. Holds LMDB and eon.pid. */
  readonly dataDir: string;
  readonly host: string;
  /** 0 picks a free port (tests); the running node reports the real one. */
  readonly pgPort: number;
  readonly httpPort: number;
  /** Peer (node-to-node) port; 0 picks a free one. */
  readonly peerPort?: number;
  /** host:port gossiped to other members instead of host:peerPort (they reach this node through a proxy or NAT). */
  readonly advertisePeer?: string;
  /** host:port peer addresses of existing members to join; none founds a cluster (or rejoins from the data directory). */
  readonly join?: readonly string[];
  /** Shared by every member: peers prove it to each other before any message. */
  readonly clusterSecret?: string;
  /** Accept listening on a non-loopback host without a password or cluster secret. */
  readonly insecure?: boolean;
  /** Where the node is (degrees), gossiped for routing by proximity. */
  readonly geolocation?: { readonly lat: number; readonly lon: number };
  /** Ring size Q for new storage. Undefined: the stored value, or the default for a new store. */
  readonly partitions?: number;
  /** Milliseconds between anti-entropy rounds (default ANTI_ENTROPY_INTERVAL_MS). */
  readonly antiEntropyIntervalMs?: number;
  /** When set, psql must authenticate (by `authMethod`) and REST requests need HTTP Basic auth. */
  readonly password?: string;
  /** How psql clients send the password; default scram-sha-256. */
  readonly authMethod?: PasswordMethod;
  /** PEM certificate and key files: the pg port accepts TLS and REST serves HTTPS. Read once at start. */
  readonly tls?: TlsFiles;
  /** Data-engine worker threads; defaults to the machine's parallelism. */
  readonly threads?: number;
  /** Per-statement memory budget in values (rows × columns); default QUERY_CELLS_MAX. */
  readonly queryCellsMax?: number;
  readonly shutdownGraceMs?: number;
  /** Name reported by /v1/health; defaults to host:pgPort. */
  readonly nodeName?: string;
  readonly log?: Logger;
  readonly logLevel?: LogLevel;
}
