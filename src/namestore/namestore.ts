// A node's namestore: names unique across the cluster, registered and checked in one linearizable
// step through the node's consensus register, as Promises with user-facing errors (REST, CLI).
// Each name lives under its own register key on its own replica set: the preference list of the
// name's partition with N = NAMESTORE_REPLICAS, clamped to the cluster size.

import { randomBytes } from 'node:crypto';
import { EonError } from '../errors/index.js';
import { consensusOutcomeError } from '../cluster/consensus/index.js';
import { hashKey, partitionOf } from '../cluster/partition-hash.js';
import type { Clock, NodeId } from '../cluster/runtime.js';
import { checkIdempotencyKey, checkName, TOKEN_BYTES } from './name-record.js';
import { NameRegistrar, type CheckOutcome, type NameFailureOutcome, type NameRegister, type RegisterOutcome, type ReleaseOutcome } from './name-registrar.js';
import { NamestoreStats } from './namestore-stats.js';

/** Replicas per name (a majority of them decides), clamped to the cluster size. */
export const NAMESTORE_REPLICAS = 5;

/** What the namestore needs of the node's membership (ClusterNode has it). */
export interface NamestoreMembership {
  /** False while a node started with seeds has not heard from any: it must not decide alone. */
  readonly joined: boolean;
  /** Partition p's replica set, owner first, with n replicas (clamped to the cluster size). */
  replicasOf(partition: number, n: number): NodeId[];
}

export interface NamestoreOptions {
  readonly register: NameRegister;
  readonly membership: NamestoreMembership;
  /** The ring's partition count Q (the same on every member). */
  readonly partitions: number;
  readonly clock?: Clock;
  readonly newToken?: () => string;
}

export type RegisterResult =
  | { readonly taken: true; readonly token: string; readonly registeredAtMs: number; readonly replayed: boolean }
  | { readonly taken: false };

export interface CheckResult {
  readonly taken: boolean;
  readonly registeredAtMs: number | null;
}

/** The partition a name hashes to: the name as one text value, like a distribution key. */
export function namePartition(name: string, partitions: number): number {
  return partitionOf(hashKey([name]), partitions);
}

export class Namestore {
  readonly stats: NamestoreStats;
  private readonly registrar: NameRegistrar;

  constructor(private readonly o: NamestoreOptions) {
    const clock = o.clock ?? { now: () => Date.now() };
    this.stats = new NamestoreStats(() => clock.now());
    this.registrar = new NameRegistrar({
      register: o.register,
      replicasOf: (name) => o.membership.replicasOf(namePartition(name, o.partitions), NAMESTORE_REPLICAS),
      newToken: o.newToken ?? (() => randomBytes(TOKEN_BYTES).toString('hex')),
      clock,
      stats: this.stats,
    });
  }

  /** Takes `name` if it is free: `taken: true` with the holder token for this request, `taken: false` when someone else holds it. */
  async register(name: string, idempotencyKey?: string): Promise<RegisterResult> {
    checkName(name);
    if (idempotencyKey !== undefined) checkIdempotencyKey(idempotencyKey);
    this.requireJoined('register');
    return new Promise<RegisterOutcome>((resolve) => this.registrar.register(name, idempotencyKey ?? null, resolve)).then((o) => {
      switch (o.kind) {
        case 'registered':
          return { taken: true, token: o.token, registeredAtMs: o.registeredAtMs, replayed: o.replayed };
        case 'taken':
          return { taken: false };
        default:
          throw failureError(o, `registering the name "${name}"`, idempotencyKey === undefined
            ? 'Check the name to learn whether it was taken; send an Idempotency-Key with a registration to be able to retry it safely.'
            : 'Retry with the same Idempotency-Key: the retry returns the original outcome.');
      }
    });
  }

  /** Whether `name` is held, read linearizably. */
  async check(name: string): Promise<CheckResult> {
    checkName(name);
    this.requireJoined('check');
    return new Promise<CheckOutcome>((resolve) => this.registrar.check(name, resolve)).then((o) => {
      switch (o.kind) {
        case 'free':
          return { taken: false, registeredAtMs: null };
        case 'taken':
          return { taken: true, registeredAtMs: o.registeredAtMs };
        default:
          throw failureError(o, `checking the name "${name}"`, '');
      }
    });
  }

  /**
   * Frees `name` for its holder. Throws name_not_registered (404) when nobody holds it and
   * name_not_holder (42501, 403) when `token` is not the holder's.
   */
  async release(name: string, token: string): Promise<void> {
    checkName(name);
    this.requireJoined('release');
    return new Promise<ReleaseOutcome>((resolve) => this.registrar.release(name, token, resolve)).then((o) => {
      switch (o.kind) {
        case 'released':
          return;
        case 'not-registered':
          throw new EonError('name_not_registered', `the name "${name}" is not registered`);
        case 'not-holder':
          throw new EonError('name_not_holder', `the token does not hold the name "${name}"`, { hint: 'Only the token returned by the registration releases a name.' });
        default:
          throw failureError(o, `releasing the name "${name}"`, 'Check the name, or retry the release: "not registered" then means it was released.');
      }
    });
  }

  private requireJoined(what: string): void {
    if (this.o.membership.joined) return;
    throw new EonError('cluster_not_joined', `name ${what} refused: this node has not joined its cluster yet`, {
      hint: 'It is still reaching the members given by --join (or those it remembers); retry in a moment.',
    });
  }
}

/** unavailable → 57P03 (503), indeterminate → 40003 (504) with `indeterminateHint`, contended → 40001 (503: on /v1/names 409 means taken). */
function failureError(o: NameFailureOutcome, what: string, indeterminateHint: string): EonError {
  if (o.kind === 'indeterminate') {
    return new EonError('statement_completion_unknown', `${what}: timed out after proposing; it may or may not have been done`, {
      hint: indeterminateHint === '' ? undefined : indeterminateHint,
    });
  }
  if (o.kind === 'contended') {
    return new EonError('name_contended', `${what}: lost ${o.attempts} attempts to concurrent proposers; nothing was written`, { hint: 'Retry the request.' });
  }
  const e = consensusOutcomeError(o, what);
  if (e === null) throw new Error(`namestore: ${o.kind} is not a failure`);
  return e;
}
