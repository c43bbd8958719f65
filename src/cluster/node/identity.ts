// What a node remembers about itself across restarts, in <data>/cluster.json: its id, the
// incarnation it last ran with (a restart must come back with a higher one, or the cluster's
// memory of it as dead would win), when it first joined (orders members for the ring) and the
// peers it last knew (so a restarted node rejoins without --join).

import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { EonError } from '../../errors/index.js';
import type { NodeId } from '../runtime.js';

export const IDENTITY_FILE_NAME = 'cluster.json';
/** A remembered peer list longer than this is cut: it only seeds a rejoin. */
export const REMEMBERED_PEERS_MAX = 64;
const IDENTITY_VERSION = 1;

export interface NodeIdentity {
  readonly nodeId: NodeId;
  /** The incarnation this run starts with: one above the last run's. */
  readonly incarnation: number;
  /** Milliseconds since the epoch when this node first started: members join the ring in this order. */
  readonly joinedAtMs: number;
  /** host:port peer addresses of the members known at the last save. */
  readonly peers: readonly string[];
}

export function identityPath(dataDir: string): string {
  return path.join(dataDir, IDENTITY_FILE_NAME);
}

/** A short random id, readable in logs and tables (`n-3f9a1c2b`). */
export function newNodeId(): NodeId {
  return `n-${randomBytes(4).toString('hex')}`;
}

function parseIdentity(text: string, file: string): NodeIdentity {
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch {
    throw new EonError('io_error', `${file} is not valid JSON; move it away to start this data directory as a new node`);
  }
  const v = x as Record<string, unknown>;
  const ok =
    typeof x === 'object' && x !== null && v.version === IDENTITY_VERSION &&
    typeof v.nodeId === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(v.nodeId) &&
    Number.isSafeInteger(v.incarnation) && (v.incarnation as number) >= 0 &&
    Number.isSafeInteger(v.joinedAtMs) &&
    Array.isArray(v.peers) && v.peers.every((p) => typeof p === 'string');
  if (!ok) throw new EonError('io_error', `${file} does not hold a node identity (version ${IDENTITY_VERSION})`);
  return { nodeId: v.nodeId as string, incarnation: v.incarnation as number, joinedAtMs: v.joinedAtMs as number, peers: v.peers as string[] };
}

/** Writes the identity durably: a temporary file, fsync, rename over the old one. */
export function saveIdentity(dataDir: string, identity: NodeIdentity): void {
  const file = identityPath(dataDir);
  const tmp = `${file}.tmp`;
  const body = JSON.stringify({
    version: IDENTITY_VERSION,
    nodeId: identity.nodeId,
    incarnation: identity.incarnation,
    joinedAtMs: identity.joinedAtMs,
    peers: identity.peers.slice(0, REMEMBERED_PEERS_MAX),
  });
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${body}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * The identity this run starts with: the stored one with its incarnation raised by one (saved
 * before the node says anything), or a new one for an empty data directory.
 */
export function loadOrCreateIdentity(dataDir: string, nowMs: number): { identity: NodeIdentity; created: boolean } {
  const file = identityPath(dataDir);
  if (!existsSync(file)) {
    const identity: NodeIdentity = { nodeId: newNodeId(), incarnation: 1, joinedAtMs: nowMs, peers: [] };
    saveIdentity(dataDir, identity);
    return { identity, created: true };
  }
  const stored = parseIdentity(readFileSync(file, 'utf8'), file);
  const identity = { ...stored, incarnation: stored.incarnation + 1 };
  saveIdentity(dataDir, identity);
  return { identity, created: false };
}
