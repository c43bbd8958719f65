// The SWIM wire protocol: a versioned, kind-tagged union of messages and the validator that every
// arriving message passes through (anything malformed becomes null, to be dropped and counted).

import type { NodeId } from '../runtime.js';
import { MEMBER_STATES } from './member.js';
import type { Geolocation, MemberMeta, MemberState, MemberUpdate, NodeStats, StatsEntry } from './member.js';
import { MEMBERS_MAX } from './config.js';

export const SWIM_PROTOCOL_VERSION = 1;

export const NODE_ID_CHARS_MAX = 256;
export const ADDRESS_CHARS_MAX = 512;
export const META_KEYS_MAX = 32;
export const META_KEY_CHARS_MAX = 64;
export const META_VALUE_CHARS_MAX = 512;
export const STATS_EXTRA_KEYS_MAX = 64;
/** Updates or stats entries one message may carry: a join-reply carries the whole table. */
export const MESSAGE_RECORDS_MAX = MEMBERS_MAX;

/** The sender's own record: its current report about itself plus its latest stats. */
export interface SenderRecord extends MemberUpdate {
  readonly stats: NodeStats;
}

interface Gossip {
  readonly v: typeof SWIM_PROTOCOL_VERSION;
  readonly sender: SenderRecord;
  /** Piggybacked membership updates (at most piggybackUpdatesMax in probe traffic). */
  readonly updates: readonly MemberUpdate[];
  /** Other members' latest stats, so stats reach members that never ping each other. */
  readonly stats: readonly StatsEntry[];
}

/** Are you alive? seq is the sender's, echoed in the ack. */
export interface PingMessage extends Gossip {
  readonly kind: 'ping';
  readonly seq: number;
}

/** I am alive (or, relayed: the target of your ping-req is). */
export interface AckMessage extends Gossip {
  readonly kind: 'ack';
  readonly seq: number;
}

/** Please ping target for me and relay its ack with my seq. */
export interface PingReqMessage extends Gossip {
  readonly kind: 'ping-req';
  readonly seq: number;
  readonly target: NodeId;
}

/** A new (or restarted) member asks a seed for the member table. */
export interface JoinMessage extends Gossip {
  readonly kind: 'join';
}

/** The seed's whole member table (updates) and every known member's stats. */
export interface JoinReplyMessage extends Gossip {
  readonly kind: 'join-reply';
}

export type SwimMessage = PingMessage | AckMessage | PingReqMessage | JoinMessage | JoinReplyMessage;
export type SwimMessageKind = SwimMessage['kind'];

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isNodeId(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= NODE_ID_CHARS_MAX;
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function isState(x: unknown): x is MemberState {
  return typeof x === 'string' && (MEMBER_STATES as readonly string[]).includes(x);
}

function validMeta(x: unknown): MemberMeta | null {
  if (!isObj(x)) return null;
  const keys = Object.keys(x);
  if (keys.length > META_KEYS_MAX) return null;
  const entries: [string, string | number][] = [];
  for (const k of keys) {
    if (k.length === 0 || k.length > META_KEY_CHARS_MAX) return null;
    const v = x[k];
    if (typeof v === 'string') {
      if (v.length > META_VALUE_CHARS_MAX) return null;
    } else if (!isFiniteNumber(v)) return null;
    entries.push([k, v]);
  }
  // fromEntries defines own properties, so a key like "__proto__" cannot reach a prototype.
  return Object.fromEntries(entries);
}

function validGeolocation(x: unknown): Geolocation | null {
  if (!isObj(x)) return null;
  const { lat, lon } = x;
  if (!isFiniteNumber(lat) || !isFiniteNumber(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon };
}

/** A NodeStats from untrusted input, or null. Exported for the owner's own stats checks. */
export function validateNodeStats(x: unknown): NodeStats | null {
  if (!isObj(x)) return null;
  const { heartbeat, revision, meanResponseMs, errorRate, load } = x;
  if (!isCount(heartbeat) || !isFiniteNumber(revision) || !isFiniteNumber(meanResponseMs) || !isFiniteNumber(errorRate) || !isFiniteNumber(load)) return null;
  let stats: NodeStats = { heartbeat, revision, meanResponseMs, errorRate, load };
  if (x['geolocation'] !== undefined) {
    const geolocation = validGeolocation(x['geolocation']);
    if (geolocation === null) return null;
    stats = { ...stats, geolocation };
  }
  if (x['extra'] !== undefined) {
    const raw = x['extra'];
    if (!isObj(raw)) return null;
    const keys = Object.keys(raw);
    if (keys.length > STATS_EXTRA_KEYS_MAX) return null;
    const entries: [string, number][] = [];
    for (const k of keys) {
      const v = raw[k];
      if (k.length === 0 || k.length > META_KEY_CHARS_MAX || !isFiniteNumber(v)) return null;
      entries.push([k, v]);
    }
    stats = { ...stats, extra: Object.fromEntries(entries) };
  }
  return stats;
}

function validUpdate(x: unknown): MemberUpdate | null {
  if (!isObj(x)) return null;
  const { id, address, incarnation, state } = x;
  if (!isNodeId(id) || typeof address !== 'string' || address.length > ADDRESS_CHARS_MAX || !isCount(incarnation) || !isState(state)) return null;
  const meta = validMeta(x['meta']);
  if (meta === null) return null;
  return { id, address, incarnation, state, meta };
}

function validStatsEntry(x: unknown): StatsEntry | null {
  if (!isObj(x)) return null;
  const { id, incarnation } = x;
  if (!isNodeId(id) || !isCount(incarnation)) return null;
  const stats = validateNodeStats(x['stats']);
  if (stats === null) return null;
  return { id, incarnation, stats };
}

function validList<T>(x: unknown, one: (y: unknown) => T | null): T[] | null {
  if (!Array.isArray(x) || x.length > MESSAGE_RECORDS_MAX) return null;
  const out: T[] = [];
  for (const y of x) {
    const v = one(y);
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

/** The message if x is a well-formed SWIM message of this protocol version, else null. Never throws. */
export function validateSwimMessage(x: unknown): SwimMessage | null {
  if (!isObj(x) || x['v'] !== SWIM_PROTOCOL_VERSION) return null;
  const senderUpdate = validUpdate(x['sender']);
  if (senderUpdate === null) return null;
  const senderStats = validateNodeStats((x['sender'] as Obj)['stats']);
  if (senderStats === null) return null;
  const updates = validList(x['updates'], validUpdate);
  const stats = validList(x['stats'], validStatsEntry);
  if (updates === null || stats === null) return null;
  const gossip = { v: SWIM_PROTOCOL_VERSION, sender: { ...senderUpdate, stats: senderStats }, updates, stats } as const;
  const kind = x['kind'];
  switch (kind) {
    case 'ping':
    case 'ack': {
      const seq = x['seq'];
      if (!isCount(seq)) return null;
      return { ...gossip, kind, seq };
    }
    case 'ping-req': {
      const { seq, target } = x;
      if (!isCount(seq) || !isNodeId(target)) return null;
      return { ...gossip, kind, seq, target };
    }
    case 'join':
    case 'join-reply':
      return { ...gossip, kind };
    default:
      return null;
  }
}
