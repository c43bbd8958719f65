// The Paxos acceptor for every register key on this node: answers prepare and propose, learns
// commits, and saves its state durably before each reply. Pure over its store: it returns replies.

import { compareBallots } from './ballot.js';
import { ACCEPTOR_STATE_EMPTY, type AcceptorState, type AcceptorStore } from './acceptor-store.js';
import {
  CONSENSUS_PROTOCOL_VERSION,
  type AcceptedMessage,
  type Committed,
  type CommitMessage,
  type PrepareMessage,
  type PromiseMessage,
  type ProposeMessage,
} from './messages.js';

export class Acceptor {
  constructor(private readonly store: AcceptorStore) {}

  /** The durable state of key (for checkers and tests). */
  state(key: string): AcceptorState {
    return this.store.load(key) ?? ACCEPTOR_STATE_EMPTY;
  }

  prepare(msg: PrepareMessage): PromiseMessage {
    let s = this.state(msg.key);
    const cmp = compareBallots(msg.ballot, s.promised);
    if (cmp > 0) {
      s = { ...s, promised: msg.ballot };
      this.store.save(msg.key, s);
    }
    // An equal ballot is the same prepare delivered twice: promising again is harmless.
    const ok = cmp >= 0;
    const accepted = ok && s.accepted !== null && s.accepted.instance === s.committed.version + 1 ? s.accepted : null;
    return { v: CONSENSUS_PROTOCOL_VERSION, kind: 'promise', key: msg.key, ballot: msg.ballot, ok, promised: s.promised, accepted, committed: s.committed };
  }

  propose(msg: ProposeMessage): AcceptedMessage {
    const before = this.state(msg.key);
    // The prior version is chosen, so learning it is always safe, whatever becomes of the proposal.
    let s = learn(before, msg.prior);
    const p = msg.proposal;
    const ok = compareBallots(p.ballot, s.promised) >= 0 && p.instance === s.committed.version + 1;
    if (ok) s = { promised: p.ballot, accepted: p, committed: s.committed };
    if (s !== before) this.store.save(msg.key, s);
    return { v: CONSENSUS_PROTOCOL_VERSION, kind: 'accepted', key: msg.key, ballot: p.ballot, instance: p.instance, ok, promised: s.promised, committed: s.committed };
  }

  commit(msg: CommitMessage): void {
    const before = this.state(msg.key);
    const s = learn(before, msg.committed);
    if (s !== before) this.store.save(msg.key, s);
  }
}

/** s after learning that `committed` is chosen; s itself when it knew already. */
function learn(s: AcceptorState, committed: Committed): AcceptorState {
  if (committed.version <= s.committed.version) return s;
  // A proposal for a decided instance can never matter again.
  const accepted = s.accepted !== null && s.accepted.instance > committed.version ? s.accepted : null;
  return { promised: s.promised, accepted, committed };
}
