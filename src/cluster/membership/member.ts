// A member record as this node sees it (identity, address, incarnation, SWIM state, static meta,
// gossiped stats) and the precedence rules that decide which of two reports about a member wins.

import type { NodeId } from '../runtime.js';

export type MemberState = 'alive' | 'suspect' | 'dead' | 'left';
export const MEMBER_STATES: readonly MemberState[] = ['alive', 'suspect', 'dead', 'left'];

export interface Geolocation {
  readonly lat: number;
  readonly lon: number;
}

/** What a node measures about itself and gossips; the balancer's routing score reads these. */
export interface NodeStats {
  /** Incremented by SWIM every protocol period; versions the stats (newer wins). */
  readonly heartbeat: number;
  /** The node's current data/catalog revision. */
  readonly revision: number;
  readonly meanResponseMs: number;
  /** Fraction of failed requests, 0..1. */
  readonly errorRate: number;
  readonly load: number;
  readonly geolocation?: Geolocation;
  /** Further named figures (throughput per engine, replication delay…), bounded by STATS_EXTRA_KEYS_MAX. */
  readonly extra?: Readonly<Record<string, number>>;
}

/** Static per-node facts set at start (pg/http ports, zone). */
export type MemberMeta = Readonly<Record<string, string | number>>;

export interface Member {
  readonly id: NodeId;
  /** host:peerPort, opaque to membership. */
  readonly address: string;
  readonly incarnation: number;
  readonly state: MemberState;
  readonly meta: MemberMeta;
  readonly stats: NodeStats;
}

/** A membership report about one member, as gossiped. */
export interface MemberUpdate {
  readonly id: NodeId;
  readonly address: string;
  readonly incarnation: number;
  readonly state: MemberState;
  readonly meta: MemberMeta;
}

/** One member's stats as gossiped, versioned by (incarnation, heartbeat). */
export interface StatsEntry {
  readonly id: NodeId;
  readonly incarnation: number;
  readonly stats: NodeStats;
}

export const EMPTY_STATS: NodeStats = { heartbeat: 0, revision: 0, meanResponseMs: 0, errorRate: 0, load: 0 };

const STATE_RANK: Readonly<Record<MemberState, number>> = { alive: 0, suspect: 1, dead: 2, left: 3 };

/**
 * SWIM's precedence, as one order on (incarnation, state): a higher incarnation always wins (a
 * member refutes suspicion or death by raising it); at the same incarnation suspect beats alive,
 * dead beats suspect, and a graceful `left` beats `dead`. Equal reports do not override, which is
 * what lets gossip die out.
 */
export function overrides(update: { incarnation: number; state: MemberState }, current: { incarnation: number; state: MemberState }): boolean {
  if (update.incarnation !== current.incarnation) return update.incarnation > current.incarnation;
  return STATE_RANK[update.state] > STATE_RANK[current.state];
}

/** Whether stats version a is newer than b: a restarted member's heartbeat starts again under a higher incarnation. */
export function statsNewer(a: { incarnation: number; heartbeat: number }, b: { incarnation: number; heartbeat: number }): boolean {
  return a.incarnation > b.incarnation || (a.incarnation === b.incarnation && a.heartbeat > b.heartbeat);
}
