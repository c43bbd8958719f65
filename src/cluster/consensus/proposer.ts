// The Paxos proposer: drives one CAS or linearizable read per call to a definite outcome (or to
// `indeterminate` when it cannot know) over the key's replica set, with randomized backoff under
// contention and bounded attempts. Synchronous and event-driven over Runtime + Transport.
//
// Each (key, version) is one single-decree Paxos instance; one promise per key covers them all.
// Round trips, uncontended, replicas in step (n replicas):
// - CAS: prepare→promise, propose→accepted = 2 round trips, then the caller is answered (the value
//   is chosen once a majority accepted). The commit goes to every replica afterwards and is not
//   acknowledged: 5n messages in all. A rejected CAS costs 1 round trip (2n): the current value
//   rides on the promise.
// - Read: prepare→promise = 1 round trip (2n messages); it returns the newest committed version a
//   majority shows. Only when that majority shows an accepted-but-uncommitted proposal that is not
//   visibly chosen does a read (or CAS) first finish it with a propose round (+1 round trip).
// Cassandra's original LWT takes 4 round trips (prepare, read, propose, commit with acks); here the
// read rides on the promise and the commit is asynchronous, because any later prepare meets the
// chosen value at a majority and finishes it.
//
// Ballots are (round, proposer id) with a per-incarnation salt in the id, so they never repeat
// across restarts; after a restart the first attempt may be refused once and adopts the higher round.

import type { NodeId, Runtime, Timer, Transport } from '../runtime.js';
import { ballotKey, ballotsEqual, compareBallots, type Ballot } from './ballot.js';
import {
  CONSENSUS_KEY_CHARS_MAX,
  CONSENSUS_PROTOCOL_VERSION,
  CONSENSUS_VALUE_CHARS_MAX,
  type AcceptedMessage,
  type Committed,
  type ConsensusMessage,
  type ConsensusValue,
  type PromiseMessage,
  type Proposal,
  type Versioned,
} from './messages.js';

/** How long a prepare or propose round waits for a majority before the attempt is retried. */
export const ROUND_TIMEOUT_MS = 200;
/** How long one CAS or read may take in all before it is answered unavailable/indeterminate/contended. */
export const CAS_TIMEOUT_MS = 2_000;
/** Backoff before a retry is uniform in [0, min(BACKOFF_MAX_MS, BACKOFF_BASE_MS · 2^attempt)). */
export const BACKOFF_BASE_MS = 10;
export const BACKOFF_MAX_MS = 200;
/** Attempts (prepare rounds) per CAS or read. */
export const CAS_ATTEMPTS_MAX = 16;
/** Largest replica set a register may have. */
export const REPLICAS_MAX = 9;
/**
 * A deadline timer that fires this much later than it was due means this process was not running
 * (a long statement held the event loop, a GC pause, SIGSTOP): replies that arrived meanwhile are
 * still queued behind the timer (Node runs due timers before that I/O), so the operation gets
 * another CAS_TIMEOUT_MS of running time instead of failing — up to CAS_STALLED_MS_MAX in all.
 */
export const DEADLINE_LATE_MS = 500;
/** Wall time after which an operation fails however much of it this process spent stalled. */
export const CAS_STALLED_MS_MAX = 30_000;

if (!(ROUND_TIMEOUT_MS < CAS_TIMEOUT_MS && BACKOFF_BASE_MS <= BACKOFF_MAX_MS && BACKOFF_MAX_MS < CAS_TIMEOUT_MS && CAS_TIMEOUT_MS < CAS_STALLED_MS_MAX)) {
  throw new Error('consensus: timeouts must nest (round < whole CAS, backoff < whole CAS)');
}

export type CasOutcome =
  /** The value was chosen as `version` (= expected + 1). */
  | { readonly kind: 'applied'; readonly version: number }
  /** The register was not at the expected version; nothing was written. */
  | { readonly kind: 'rejected'; readonly current: Versioned }
  /** No majority answered: this side of a partition refuses rather than guess. Nothing was written. */
  | { readonly kind: 'unavailable'; readonly reached: number; readonly needed: number }
  /** The value was proposed but the proposer could not learn whether it was chosen; a later read tells. */
  | { readonly kind: 'indeterminate' }
  /** Every attempt lost a ballot race to other proposers; nothing was written. */
  | { readonly kind: 'contended'; readonly attempts: number };

export type ReadOutcome =
  | { readonly kind: 'current'; readonly current: Versioned }
  | { readonly kind: 'unavailable'; readonly reached: number; readonly needed: number }
  | { readonly kind: 'contended'; readonly attempts: number };

type Intent =
  | { readonly kind: 'cas'; readonly expected: number; readonly value: ConsensusValue; readonly id: string; readonly done: (o: CasOutcome) => void }
  | { readonly kind: 'read'; readonly done: (o: ReadOutcome) => void };

interface PrepareRound {
  readonly phase: 'prepare';
  readonly ballot: Ballot;
  readonly promises: Map<NodeId, PromiseMessage>;
  readonly nacks: Set<NodeId>;
}

interface ProposeRound {
  readonly phase: 'propose';
  readonly ballot: Ballot;
  readonly proposal: Proposal;
  readonly accepts: Set<NodeId>;
  readonly nacks: Set<NodeId>;
}

interface Operation {
  readonly key: string;
  readonly replicas: readonly NodeId[];
  readonly needed: number;
  readonly intent: Intent;
  attempts: number;
  /** This CAS's own value was sent in a propose: failing now is indeterminate, not a clean refusal. */
  ownProposed: boolean;
  finished: boolean;
  round: PrepareRound | ProposeRound | null;
  roundTimer: Timer | null;
  deadline: Timer | null;
  /** When the operation started and when its deadline was due (clock time). */
  startedAt: number;
  deadlineAt: number;
  /** Answers in the last round that ended without a majority. */
  reached: number;
  /** The newest committed version any reply showed; used only to repair laggards. */
  newest: Committed;
  /** The newest version already sent to each replica in a commit, so a late reply costs no second commit. */
  readonly informed: Map<NodeId, number>;
  /** The newest committed version each replica reported. */
  readonly heard: Map<NodeId, number>;
  readonly ballots: string[];
}

export class Proposer {
  /** Unique per incarnation (the salt), so ballots and proposal ids never repeat across restarts. */
  readonly id: string;
  private roundSeen = 0;
  private proposalSeq = 0;
  private readonly byBallot = new Map<string, Operation>();

  constructor(
    readonly self: NodeId,
    private readonly runtime: Runtime,
    private readonly transport: Transport<ConsensusMessage>,
    salt: string = `${runtime.clock.now().toString(36)}${runtime.random.int(0x7fff_ffff).toString(36)}`,
  ) {
    this.id = `${self}~${salt}`;
  }

  cas(key: string, replicas: readonly NodeId[], expected: number, value: ConsensusValue, done: (o: CasOutcome) => void): void {
    if (!Number.isSafeInteger(expected) || expected < 0) throw new Error(`cas: expected version must be a count, got ${expected}`);
    if (value !== null && value.length > CONSENSUS_VALUE_CHARS_MAX) throw new Error(`cas: value longer than ${CONSENSUS_VALUE_CHARS_MAX} characters`);
    const id = `${this.id}.${++this.proposalSeq}`;
    this.start(key, replicas, { kind: 'cas', expected, value, id, done });
  }

  read(key: string, replicas: readonly NodeId[], done: (o: ReadOutcome) => void): void {
    this.start(key, replicas, { kind: 'read', done });
  }

  private start(key: string, replicas: readonly NodeId[], intent: Intent): void {
    if (key.length > CONSENSUS_KEY_CHARS_MAX) throw new Error(`consensus: key longer than ${CONSENSUS_KEY_CHARS_MAX} characters`);
    if (replicas.length === 0 || replicas.length > REPLICAS_MAX || new Set(replicas).size !== replicas.length) {
      throw new Error(`consensus: replica set must be 1..${REPLICAS_MAX} distinct nodes, got ${JSON.stringify(replicas)}`);
    }
    const op: Operation = {
      key,
      replicas: [...replicas],
      needed: Math.floor(replicas.length / 2) + 1,
      intent,
      attempts: 0,
      ownProposed: false,
      finished: false,
      round: null,
      roundTimer: null,
      deadline: null,
      startedAt: this.runtime.clock.now(),
      deadlineAt: 0,
      reached: 0,
      newest: { version: 0, value: null, id: null },
      informed: new Map(),
      heard: new Map(),
      ballots: [],
    };
    this.armDeadline(op);
    this.attempt(op);
  }

  private armDeadline(op: Operation): void {
    op.deadlineAt = this.runtime.clock.now() + CAS_TIMEOUT_MS;
    op.deadline = this.runtime.scheduler.after(CAS_TIMEOUT_MS, () => {
      const now = this.runtime.clock.now();
      if (now - op.deadlineAt > DEADLINE_LATE_MS && now - op.startedAt < CAS_STALLED_MS_MAX) {
        this.armDeadline(op);
        return;
      }
      this.finish(op, this.failure(op));
    });
  }

  /** Handles a promise or accepted reply addressed to this proposer. */
  receive(from: NodeId, msg: PromiseMessage | AcceptedMessage): void {
    this.observe(msg.promised);
    const op = this.byBallot.get(ballotKey(msg.ballot));
    if (op === undefined || op.key !== msg.key || !op.replicas.includes(from)) return;
    this.repair(op, from, msg.committed);
    if (op.finished) return;
    if (msg.kind === 'promise') this.onPromise(op, from, msg);
    else this.onAccepted(op, from, msg);
  }

  private onPromise(op: Operation, from: NodeId, msg: PromiseMessage): void {
    const r = op.round;
    if (r === null || r.phase !== 'prepare' || !ballotsEqual(r.ballot, msg.ballot)) return;
    if (msg.ok) r.promises.set(from, msg);
    else r.nacks.add(from);
    if (r.promises.size >= op.needed) this.promised(op, r);
    else if (r.nacks.size > op.replicas.length - op.needed) this.retry(op, r.promises.size + r.nacks.size);
  }

  private onAccepted(op: Operation, from: NodeId, msg: AcceptedMessage): void {
    const r = op.round;
    if (r === null || r.phase !== 'propose' || !ballotsEqual(r.ballot, msg.ballot) || r.proposal.instance !== msg.instance) return;
    if (msg.ok) r.accepts.add(from);
    else r.nacks.add(from);
    if (r.accepts.size >= op.needed) this.chosen(op, r.ballot, r.proposal);
    else if (r.nacks.size > op.replicas.length - op.needed) this.retry(op, r.accepts.size + r.nacks.size);
  }

  /** A majority promised: learn the newest commit, finish an in-progress proposal, or decide. */
  private promised(op: Operation, r: PrepareRound): void {
    let best: Committed = { version: 0, value: null, id: null };
    for (const p of r.promises.values()) if (p.committed.version > best.version) best = p.committed;
    // The in-progress proposal with the highest ballot for the next instance may have been chosen.
    let inProgress: Proposal | null = null;
    let sameBallot = 0;
    for (const p of r.promises.values()) {
      const a = p.accepted;
      if (a === null || a.instance !== best.version + 1) continue;
      if (inProgress === null || compareBallots(a.ballot, inProgress.ballot) > 0) {
        inProgress = a;
        sameBallot = 1;
      } else if (ballotsEqual(a.ballot, inProgress.ballot)) sameBallot++;
    }
    if (inProgress === null) return this.decide(op, r.ballot, best);
    // A majority accepted it at one ballot: it is chosen already, no propose round needed.
    if (sameBallot >= op.needed) return this.chosen(op, r.ballot, inProgress);
    this.propose(op, r.ballot, { ballot: r.ballot, instance: inProgress.instance, value: inProgress.value, id: inProgress.id }, best);
  }

  /**
   * `proposal` was accepted by a majority: commit it everywhere and carry on at the same ballot.
   * The promise majority reported nothing for the instance after it, so proposing that instance at
   * this ballot needs no new prepare (the Multi-Paxos argument, for one more instance).
   */
  private chosen(op: Operation, ballot: Ballot, proposal: Proposal): void {
    const committed: Committed = { version: proposal.instance, value: proposal.value, id: proposal.id };
    for (const node of op.replicas) this.sendCommit(op, node, committed);
    this.decide(op, ballot, committed);
  }

  /** We hold a majority promise at `ballot` and `best` is the newest chosen version, nothing in progress after it. */
  private decide(op: Operation, ballot: Ballot, best: Committed): void {
    const intent = op.intent;
    const current: Versioned = { version: best.version, value: best.value };
    switch (intent.kind) {
      case 'read':
        return this.finish(op, { kind: 'current', current });
      case 'cas': {
        if (best.version === intent.expected + 1 && best.id === intent.id) return this.finish(op, { kind: 'applied', version: best.version });
        // Our proposal was for expected + 1 only; past it, we cannot tell who won that instance.
        if (op.ownProposed && best.version > intent.expected + 1) return this.finish(op, { kind: 'indeterminate' });
        if (best.version !== intent.expected) return this.finish(op, { kind: 'rejected', current });
        op.ownProposed = true;
        return this.propose(op, ballot, { ballot, instance: intent.expected + 1, value: intent.value, id: intent.id }, best);
      }
      default: {
        const never: never = intent;
        throw new Error(`unknown intent ${JSON.stringify(never)}`);
      }
    }
  }

  private propose(op: Operation, ballot: Ballot, proposal: Proposal, prior: Committed): void {
    const r: ProposeRound = { phase: 'propose', ballot, proposal, accepts: new Set(), nacks: new Set() };
    this.startRound(op, r);
    for (const node of op.replicas) {
      this.transport.send(node, { v: CONSENSUS_PROTOCOL_VERSION, kind: 'propose', key: op.key, proposal, prior });
    }
  }

  private attempt(op: Operation): void {
    if (op.finished) return;
    if (op.attempts >= CAS_ATTEMPTS_MAX) return this.finish(op, this.failure(op));
    op.attempts++;
    const ballot: Ballot = { round: ++this.roundSeen, proposer: this.id };
    const k = ballotKey(ballot);
    this.byBallot.set(k, op);
    op.ballots.push(k);
    this.startRound(op, { phase: 'prepare', ballot, promises: new Map(), nacks: new Set() });
    for (const node of op.replicas) this.transport.send(node, { v: CONSENSUS_PROTOCOL_VERSION, kind: 'prepare', key: op.key, ballot });
  }

  private startRound(op: Operation, r: PrepareRound | ProposeRound): void {
    op.roundTimer?.cancel();
    op.round = r;
    op.roundTimer = this.runtime.scheduler.after(ROUND_TIMEOUT_MS, () => {
      if (op.round !== r) return;
      this.retry(op, r.phase === 'prepare' ? r.promises.size + r.nacks.size : r.accepts.size + r.nacks.size);
    });
  }

  /** The round failed (preempted or timed out): back off, then prepare again with a higher ballot. */
  private retry(op: Operation, reached: number): void {
    op.reached = reached;
    op.round = null;
    op.roundTimer?.cancel();
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(op.attempts, 20));
    op.roundTimer = this.runtime.scheduler.after(this.runtime.random.next() * ceiling, () => this.attempt(op));
  }

  /** The answer when time or attempts ran out. */
  private failure(op: Operation): CasOutcome | ReadOutcome {
    if (op.intent.kind === 'cas' && op.ownProposed) return { kind: 'indeterminate' };
    if (op.reached < op.needed) return { kind: 'unavailable', reached: op.reached, needed: op.needed };
    return { kind: 'contended', attempts: op.attempts };
  }

  private finish(op: Operation, outcome: CasOutcome | ReadOutcome): void {
    if (op.finished) return;
    op.finished = true;
    op.round = null;
    op.roundTimer?.cancel();
    op.deadline?.cancel();
    // Late replies still repair laggards for a while; then the operation is forgotten.
    this.runtime.scheduler.after(ROUND_TIMEOUT_MS, () => {
      for (const k of op.ballots) this.byBallot.delete(k);
    });
    const intent = op.intent;
    if (intent.kind === 'cas') intent.done(outcome as CasOutcome);
    else intent.done(outcome as ReadOutcome);
  }

  private observe(b: Ballot): void {
    if (b.round > this.roundSeen) this.roundSeen = b.round;
  }

  /**
   * Tells every replica that answered with an older committed version — in a promise, a refusal
   * or late — about the newest one any reply showed, so laggards catch up during prepare.
   */
  private repair(op: Operation, from: NodeId, theirs: Committed): void {
    op.heard.set(from, Math.max(op.heard.get(from) ?? 0, theirs.version));
    if (theirs.version > op.newest.version) {
      op.newest = theirs;
      for (const [node, version] of op.heard) if (version < theirs.version) this.sendCommit(op, node, theirs);
    } else if (theirs.version < op.newest.version) {
      this.sendCommit(op, from, op.newest);
    }
  }

  private sendCommit(op: Operation, node: NodeId, committed: Committed): void {
    if (committed.version > op.newest.version) op.newest = committed;
    if ((op.informed.get(node) ?? 0) >= committed.version) return;
    op.informed.set(node, committed.version);
    this.transport.send(node, { v: CONSENSUS_PROTOCOL_VERSION, kind: 'commit', key: op.key, committed });
  }
}
