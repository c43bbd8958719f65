// The namestore's protocol logic over the linearizable register: register, check and release of
// one name, each driven to an honest outcome. Synchronous and callback-driven (no Promise), so the
// same code runs in a node and inside the deterministic Simulation.
//
// Round trips, uncontended (see src/cluster/consensus/proposer.ts):
// - register of a name never held: ONE compare-and-set from version 0 = 2 round trips (prepare,
//   propose). There is no separate read: a CAS that finds the name taken is rejected after its
//   prepare round (1 round trip) with the current record riding on the promise, which answers
//   "already taken" — or, when the record carries the caller's idempotency key, replays the
//   original success. Only a name that was held and released costs one more round (the first CAS
//   learns the version, the second takes it): 3 round trips.
// - check: one linearizable read = 1 round trip.
// - release: a read for the version and the holder's token, then CAS to null = 3 round trips.
// Cassandra's lightweight transaction takes 4 (prepare, read, propose, commit).

import { timingSafeEqual } from 'node:crypto';
import type { CasOutcome, ConsensusValue, ReadOutcome, Versioned } from '../cluster/consensus/index.js';
import type { Clock, NodeId } from '../cluster/runtime.js';
import { decodeNameState, encodeNameRecord, nameKey, type NameRecord, type NameState } from './name-record.js';
import type { NamestoreStats } from './namestore-stats.js';

/** Compare-and-sets one register/release may make when the name keeps moving under it. */
export const NAME_CAS_ATTEMPTS_MAX = 8;

/** What the registrar needs of the register (ConsensusRegister has it). */
export interface NameRegister {
  cas(key: string, replicas: readonly NodeId[], expected: number, value: ConsensusValue, done: (o: CasOutcome) => void): void;
  read(key: string, replicas: readonly NodeId[], done: (o: ReadOutcome) => void): void;
}

/** No answer the caller can act on: nothing was written, or (indeterminate) it cannot be known yet. */
export type NameFailureOutcome =
  /** No majority of the name's replicas answered: refused, nothing written. */
  | { readonly kind: 'unavailable'; readonly reached: number; readonly needed: number }
  /** The registration was proposed but whether it was chosen is unknown: retry with the same idempotency key. */
  | { readonly kind: 'indeterminate' }
  /** Lost every attempt to concurrent proposers; nothing written. */
  | { readonly kind: 'contended'; readonly attempts: number };

export type RegisterOutcome =
  /** This request holds the name: taken now, or `replayed` for a retry whose idempotency key matches the holder's. */
  | { readonly kind: 'registered'; readonly token: string; readonly registeredAtMs: number; readonly replayed: boolean }
  /** Someone else holds it. */
  | { readonly kind: 'taken' }
  | NameFailureOutcome;

export type CheckOutcome =
  | { readonly kind: 'free' }
  /** registeredAtMs is null when the record cannot be read (then nobody can release it either). */
  | { readonly kind: 'taken'; readonly registeredAtMs: number | null }
  | Exclude<NameFailureOutcome, { kind: 'indeterminate' }>;

export type ReleaseOutcome =
  | { readonly kind: 'released' }
  /** Nobody holds the name. */
  | { readonly kind: 'not-registered' }
  /** The token is not the holder's. */
  | { readonly kind: 'not-holder' }
  | NameFailureOutcome;

export interface NameRegistrarOptions {
  readonly register: NameRegister;
  /** The name's replica set (its preference list), the same on every node that sees the same ring. */
  readonly replicasOf: (name: string) => readonly NodeId[];
  /** A fresh unguessable holder token. */
  readonly newToken: () => string;
  readonly clock: Clock;
  readonly stats: NamestoreStats;
}

export class NameRegistrar {
  constructor(private readonly o: NameRegistrarOptions) {}

  /**
   * Takes `name` if nobody holds it. With an idempotency key, a retry of the same request (after a
   * timeout, an indeterminate answer, a lost response) returns the original success and token.
   * `name` and `idempotencyKey` must have been checked (name-record.ts).
   */
  register(name: string, idempotencyKey: string | null, done: (o: RegisterOutcome) => void): void {
    const startedMs = this.o.clock.now();
    const key = nameKey(name);
    const replicas = this.o.replicasOf(name);
    const record: NameRecord = { token: this.o.newToken(), registeredAtMs: startedMs, idempotencyKey };
    const value = encodeNameRecord(record);
    const answer = (o: RegisterOutcome): void => {
      this.o.stats.answered('register', o.kind, startedMs);
      done(o);
    };
    const attempt = (expected: number, attempts: number): void => {
      this.o.register.cas(key, replicas, expected, value, (outcome) => {
        switch (outcome.kind) {
          case 'applied':
            return answer({ kind: 'registered', token: record.token, registeredAtMs: record.registeredAtMs, replayed: false });
          case 'rejected': {
            const state = decodeNameState(outcome.current.value);
            if (state.kind === 'free') {
              // Released earlier (or freed while we raced): take it at its current version.
              if (attempts >= NAME_CAS_ATTEMPTS_MAX) return answer({ kind: 'contended', attempts });
              this.o.stats.contentionRetry();
              return attempt(outcome.current.version, attempts + 1);
            }
            if (state.kind === 'held' && idempotencyKey !== null && state.record.idempotencyKey === idempotencyKey) {
              return answer({ kind: 'registered', token: state.record.token, registeredAtMs: state.record.registeredAtMs, replayed: true });
            }
            return answer({ kind: 'taken' });
          }
          case 'unavailable':
          case 'indeterminate':
          case 'contended':
            return answer(outcome);
          default: {
            const never: never = outcome;
            throw new Error(`unknown cas outcome ${JSON.stringify(never)}`);
          }
        }
      });
    };
    attempt(0, 1);
  }

  /** A linearizable check: sees every registration answered before it began. */
  check(name: string, done: (o: CheckOutcome) => void): void {
    const startedMs = this.o.clock.now();
    this.o.register.read(nameKey(name), this.o.replicasOf(name), (outcome) => {
      let answer: CheckOutcome;
      switch (outcome.kind) {
        case 'current': {
          const state = decodeNameState(outcome.current.value);
          answer = state.kind === 'free' ? { kind: 'free' } : { kind: 'taken', registeredAtMs: state.kind === 'held' ? state.record.registeredAtMs : null };
          break;
        }
        case 'unavailable':
        case 'contended':
          answer = outcome;
          break;
        default: {
          const never: never = outcome;
          throw new Error(`unknown read outcome ${JSON.stringify(never)}`);
        }
      }
      this.o.stats.answered('check', answer.kind === 'free' || answer.kind === 'taken' ? 'ok' : answer.kind, startedMs);
      done(answer);
    });
  }

  /** Frees `name` if `token` is its holder's. */
  release(name: string, token: string, done: (o: ReleaseOutcome) => void): void {
    const startedMs = this.o.clock.now();
    const key = nameKey(name);
    const replicas = this.o.replicasOf(name);
    const answer = (o: ReleaseOutcome): void => {
      this.o.stats.answered('release', o.kind === 'released' || o.kind === 'not-registered' || o.kind === 'not-holder' ? 'ok' : o.kind, startedMs);
      done(o);
    };
    const decide = (current: Versioned, attempts: number): void => {
      const state: NameState = decodeNameState(current.value);
      if (state.kind === 'free') return answer({ kind: 'not-registered' });
      if (state.kind === 'unreadable' || !sameToken(state.record.token, token)) return answer({ kind: 'not-holder' });
      this.o.register.cas(key, replicas, current.version, null, (outcome) => {
        switch (outcome.kind) {
          case 'applied':
            return answer({ kind: 'released' });
          case 'rejected':
            if (attempts >= NAME_CAS_ATTEMPTS_MAX) return answer({ kind: 'contended', attempts });
            this.o.stats.contentionRetry();
            return decide(outcome.current, attempts + 1);
          case 'unavailable':
          case 'indeterminate':
          case 'contended':
            return answer(outcome);
          default: {
            const never: never = outcome;
            throw new Error(`unknown cas outcome ${JSON.stringify(never)}`);
          }
        }
      });
    };
    this.o.register.read(key, replicas, (outcome) => {
      switch (outcome.kind) {
        case 'current':
          return decide(outcome.current, 1);
        case 'unavailable':
        case 'contended':
          return answer(outcome);
        default: {
          const never: never = outcome;
          throw new Error(`unknown read outcome ${JSON.stringify(never)}`);
        }
      }
    });
  }
}

/** Token comparison in time independent of where they differ. */
function sameToken(held: string, given: string): boolean {
  const a = Buffer.from(held, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether an outcome is one of the failures (no definite answer). */
export function isNameFailure(o: { readonly kind: string }): o is NameFailureOutcome {
  return o.kind === 'unavailable' || o.kind === 'indeterminate' || o.kind === 'contended';
}
