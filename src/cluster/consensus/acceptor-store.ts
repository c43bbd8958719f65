// Where an acceptor keeps its promise, its accepted proposal and its committed value per key: a
// synchronous save that is durable when it returns, so an acceptor never replies before it could
// survive a crash. In memory (for the simulation) and over an lmdb-js database (for real nodes).

import type { Database } from 'lmdb';
import { BALLOT_ZERO, type Ballot } from './ballot.js';
import { COMMITTED_ABSENT, type Committed, type Proposal } from './messages.js';

export interface AcceptorState {
  readonly promised: Ballot;
  /** The last proposal accepted; only meaningful while its instance is committed.version + 1. */
  readonly accepted: Proposal | null;
  readonly committed: Committed;
}

export const ACCEPTOR_STATE_EMPTY: AcceptorState = { promised: BALLOT_ZERO, accepted: null, committed: COMMITTED_ABSENT };

export interface AcceptorStore {
  /** The state last saved for key, or undefined if none was. */
  load(key: string): AcceptorState | undefined;
  /** Durable when it returns. */
  save(key: string, state: AcceptorState): void;
}

/**
 * Survives a simulated crash because the test keeps this object and builds a new Acceptor over it.
 * States are copied in and out so a caller's later mutation cannot reach "disk".
 */
export class MemoryAcceptorStore implements AcceptorStore {
  private readonly states = new Map<string, AcceptorState>();

  load(key: string): AcceptorState | undefined {
    const s = this.states.get(key);
    return s === undefined ? undefined : structuredClone(s);
  }

  save(key: string, state: AcceptorState): void {
    this.states.set(key, structuredClone(state));
  }

  /** Every key saved so far (for checkers and tests). */
  keys(): string[] {
    return [...this.states.keys()];
  }
}

/** What LmdbAcceptorStore needs of an lmdb-js Database (any value encoding that round-trips strings). */
export type AcceptorDatabase = Pick<Database<unknown, string>, 'get' | 'putSync'>;

/**
 * Over an lmdb-js database the caller opened. Keys are `namespace \0 key` so the catalog, the ring
 * and the namestore share one database; states are stored as JSON text so any value encoding works.
 * putSync commits (and syncs, unless the caller opened the environment with noSync) before returning.
 */
export class LmdbAcceptorStore implements AcceptorStore {
  constructor(
    private readonly db: AcceptorDatabase,
    private readonly namespace: string,
  ) {
    if (namespace.includes('\u0000')) throw new Error('LmdbAcceptorStore: namespace must not contain NUL');
  }

  private dbKey(key: string): string {
    return `${this.namespace}\u0000${key}`;
  }

  load(key: string): AcceptorState | undefined {
    const raw = this.db.get(this.dbKey(key));
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string') throw new Error(`LmdbAcceptorStore: state of ${JSON.stringify(key)} is not text`);
    return JSON.parse(raw) as AcceptorState;
  }

  save(key: string, state: AcceptorState): void {
    this.db.putSync(this.dbKey(key), JSON.stringify(state));
  }
}
