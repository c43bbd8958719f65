// The user-facing linearizable register: one object per node that is both an acceptor for every
// key it replicates and a proposer for the CAS and reads its callers start. It validates every
// arriving message (malformed ones are dropped and counted) and routes it by kind.

import type { MessageHandler, NodeId, Runtime, Transport } from '../runtime.js';
import { Acceptor } from './acceptor.js';
import type { AcceptorStore } from './acceptor-store.js';
import { validateConsensusMessage, type ConsensusMessage, type ConsensusValue } from './messages.js';
import { Proposer, type CasOutcome, type ReadOutcome } from './proposer.js';

export interface ConsensusRegisterOptions {
  readonly self: NodeId;
  readonly runtime: Runtime;
  readonly transport: Transport<ConsensusMessage>;
  readonly store: AcceptorStore;
  /** Makes this incarnation's ballots unique; default: drawn from runtime.random. */
  readonly salt?: string;
}

export interface ConsensusRegisterStats {
  received: number;
  malformed: number;
}

export class ConsensusRegister {
  readonly acceptor: Acceptor;
  readonly proposer: Proposer;
  readonly stats: ConsensusRegisterStats = { received: 0, malformed: 0 };
  private readonly transport: Transport<ConsensusMessage>;

  constructor(opts: ConsensusRegisterOptions) {
    this.transport = opts.transport;
    this.acceptor = new Acceptor(opts.store);
    this.proposer = new Proposer(opts.self, opts.runtime, opts.transport, opts.salt);
  }

  /**
   * Compare-and-set: writes `value` as version expected + 1 if the register is at version
   * `expected` (0 = absent). `done` is called exactly once, after a majority accepted (the commit
   * to all replicas is sent then, unacknowledged) or with the reason it could not be.
   */
  cas(key: string, replicas: readonly NodeId[], expected: number, value: ConsensusValue, done: (o: CasOutcome) => void): void {
    this.proposer.cas(key, replicas, expected, value, done);
  }

  /** A linearizable read: sees every CAS answered `applied` before it began. */
  read(key: string, replicas: readonly NodeId[], done: (o: ReadOutcome) => void): void {
    this.proposer.read(key, replicas, done);
  }

  /** The transport's delivery handler for this node. */
  readonly handle: MessageHandler<unknown> = (from, raw) => {
    this.stats.received++;
    const msg = validateConsensusMessage(raw);
    if (msg === null) {
      this.stats.malformed++;
      return;
    }
    switch (msg.kind) {
      case 'prepare':
        return this.transport.send(from, this.acceptor.prepare(msg));
      case 'propose':
        return this.transport.send(from, this.acceptor.propose(msg));
      case 'commit':
        return this.acceptor.commit(msg);
      case 'promise':
      case 'accepted':
        return this.proposer.receive(from, msg);
      default: {
        const never: never = msg;
        throw new Error(`unknown consensus message ${JSON.stringify(never)}`);
      }
    }
  };
}

/** cas as a Promise, for callers outside the protocol logic (SQL statements, RPC handlers). */
export function casAsync(register: ConsensusRegister, key: string, replicas: readonly NodeId[], expected: number, value: ConsensusValue): Promise<CasOutcome> {
  return new Promise((resolve) => register.cas(key, replicas, expected, value, resolve));
}

/** read as a Promise, for callers outside the protocol logic. */
export function readAsync(register: ConsensusRegister, key: string, replicas: readonly NodeId[]): Promise<ReadOutcome> {
  return new Promise((resolve) => register.read(key, replicas, resolve));
}
