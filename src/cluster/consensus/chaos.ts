// A seeded chaos run of the register under the simulation (lossy network, partitions, pauses,
// acceptor crashes with restart from their stores) with an omniscient checker over every
// acceptor's durable state and a linearizability check of the client history. Tests run it over
// many seeds; `runConsensusChaos(seed)` replays one failing seed exactly.

import type { NodeId } from '../runtime.js';
import { LOSSY_NETWORK, Nemesis, RELIABLE_NETWORK, Simulation } from '../sim/index.js';
import { ballotKey, compareBallots } from './ballot.js';
import { MemoryAcceptorStore, type AcceptorState, type AcceptorStore } from './acceptor-store.js';
import type { ConsensusMessage, ConsensusValue } from './messages.js';
import { CAS_TIMEOUT_MS, type CasOutcome, type ReadOutcome } from './proposer.js';
import { ConsensusRegister } from './register.js';

/** Virtual time the faulty phase lasts. */
export const CHAOS_FAULT_PHASE_MS = 8_000;
/** Mean virtual time between two fault events. */
export const CHAOS_FAULT_PERIOD_MS = 250;
/** Bound on the healed phase: every operation has ended well before. */
export const CHAOS_SETTLE_MS = CAS_TIMEOUT_MS * 3;

export interface ChaosOptions {
  /** Acceptors (3..5 by default, drawn from the seed). */
  readonly acceptors?: number;
  /** Concurrent client proposers (3..6 by default). */
  readonly proposers?: number;
  readonly keys?: number;
  readonly opsPerProposer?: number;
  /** false: no partitions, pauses or crashes (the network is still lossy). */
  readonly faults?: boolean;
  /** Replicas per key, a rotating window over the acceptors (default: all, or 3 of 5 on some seeds). */
  readonly replicasPerKey?: number;
  /** Acceptor nodes run clients too, so a crash also abandons a client's operation in flight (default: drawn from the seed). */
  readonly colocated?: boolean;
}

export interface ChaosOperation {
  readonly proposer: NodeId;
  readonly key: string;
  readonly kind: 'cas' | 'read';
  readonly expected: number;
  readonly value: ConsensusValue;
  /** Position of the invocation in the run's event order. */
  readonly invokedAt: number;
  /** Position of the response in the run's event order; -1 while unanswered. */
  respondedAt: number;
  /** Its client's node crashed before the answer: the outcome is unknown, like `indeterminate`. */
  abandoned: boolean;
  outcome: CasOutcome | ReadOutcome | null;
}

export interface ChaosResult {
  readonly seed: number;
  readonly history: readonly ChaosOperation[];
  /** Chosen value per key, by instance. */
  readonly chosen: ReadonlyMap<string, ReadonlyMap<number, ConsensusValue>>;
  readonly violations: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
}

interface Client {
  issued: number;
  pending: ChaosOperation | null;
  readonly next: () => void;
}

interface ChosenEntry {
  readonly id: string;
  readonly value: ConsensusValue;
}

/** Watches every save of every acceptor: who accepted what at which ballot, and that commits only grow. */
class Observer {
  readonly violations: string[] = [];
  /** key → instance → the chosen proposal. */
  readonly chosen = new Map<string, Map<number, ChosenEntry>>();
  private readonly votes = new Map<string, { id: string; value: ConsensusValue; nodes: Set<NodeId> }>();
  readonly commits: { node: NodeId; key: string; version: number; id: string | null; value: ConsensusValue }[] = [];

  constructor(private readonly majorityOf: (key: string) => number) {}

  store(node: NodeId, inner: AcceptorStore): AcceptorStore {
    return {
      load: (key) => inner.load(key),
      save: (key, state) => {
        this.saved(node, key, inner.load(key), state);
        inner.save(key, state);
      },
    };
  }

  private saved(node: NodeId, key: string, before: AcceptorState | undefined, after: AcceptorState): void {
    if (before !== undefined) {
      if (compareBallots(after.promised, before.promised) < 0) this.violations.push(`${node} ${key}: promise went back`);
      if (after.committed.version < before.committed.version) this.violations.push(`${node} ${key}: committed version went back ${before.committed.version} → ${after.committed.version}`);
    }
    if (before === undefined || after.committed.version !== before.committed.version) {
      this.commits.push({ node, key, version: after.committed.version, id: after.committed.id, value: after.committed.value });
    }
    const a = after.accepted;
    if (a === null) return;
    const b = before?.accepted;
    if (b !== undefined && b !== null && b.id === a.id && ballotKey(b.ballot) === ballotKey(a.ballot) && b.instance === a.instance) return;
    const voteKey = `${key}\u0000${a.instance}\u0000${ballotKey(a.ballot)}`;
    let vote = this.votes.get(voteKey);
    if (vote === undefined) {
      vote = { id: a.id, value: a.value, nodes: new Set() };
      this.votes.set(voteKey, vote);
    } else if (vote.id !== a.id) {
      this.violations.push(`${key} instance ${a.instance}: two proposals at one ballot (${vote.id}, ${a.id})`);
    }
    vote.nodes.add(node);
    if (vote.nodes.size < this.majorityOf(key)) return;
    let byInstance = this.chosen.get(key);
    if (byInstance === undefined) this.chosen.set(key, (byInstance = new Map()));
    const prev = byInstance.get(a.instance);
    if (prev === undefined) byInstance.set(a.instance, { id: a.id, value: a.value });
    else if (prev.id !== a.id) this.violations.push(`${key} instance ${a.instance}: two values chosen (${prev.id}, ${a.id})`);
  }
}

/** Runs one seeded chaos scenario and checks it; the result's violations are empty when it is safe. */
export function runConsensusChaos(seed: number, opts: ChaosOptions = {}): ChaosResult {
  const sim = new Simulation(seed, LOSSY_NETWORK);
  const r = sim.random;
  const acceptorCount = opts.acceptors ?? 3 + r.int(3);
  const proposerCount = opts.proposers ?? 3 + r.int(4);
  const keyCount = opts.keys ?? 2;
  const opsPerProposer = opts.opsPerProposer ?? 8;
  const faults = opts.faults ?? true;
  const acceptorIds = Array.from({ length: acceptorCount }, (_, i) => `a${i}`);
  const replicasPerKey = opts.replicasPerKey ?? (acceptorCount === 5 && r.chance(0.5) ? 3 : acceptorCount);
  const colocated = opts.colocated ?? r.chance(0.5);
  const clientIds = [...Array.from({ length: proposerCount }, (_, i) => `p${i}`), ...(colocated ? acceptorIds : [])];
  const keys = Array.from({ length: keyCount }, (_, i) => `k${i}`);
  const replicasOf = new Map(keys.map((key, i) => [key, Array.from({ length: replicasPerKey }, (_, j) => acceptorIds[(i + j) % acceptorCount]!)]));
  const replicas = (key: string): NodeId[] => replicasOf.get(key)!;
  const observer = new Observer((key) => Math.floor(replicas(key).length / 2) + 1);
  const counts: Record<string, number> = { crashes: 0, partitions: 0, pauses: 0, abandoned: 0 };

  const stores = new Map<NodeId, AcceptorStore>();
  const registers = new Map<NodeId, ConsensusRegister>();
  const clients = new Map<NodeId, Client>();
  const start = (id: NodeId): void => {
    let store = stores.get(id);
    if (store === undefined) stores.set(id, (store = observer.store(id, new MemoryAcceptorStore())));
    const reg = new ConsensusRegister({ self: id, runtime: sim.runtime(id), transport: sim.transport<ConsensusMessage>(id), store });
    registers.set(id, reg);
    sim.register(id, reg.handle);
    // A restarted client carries on with its remaining operations.
    const client = clients.get(id);
    if (client !== undefined && client.pending === null) sim.at(r.int(50), client.next);
  };
  const crash = (id: NodeId): void => {
    sim.crash(id);
    const client = clients.get(id);
    if (client?.pending) {
      client.pending.abandoned = true;
      client.pending = null;
      counts.abandoned!++;
    }
  };

  const history: ChaosOperation[] = [];
  // Real-time order is the order events run in (one thread), so a counter orders invocations and
  // responses without trusting the virtual clock.
  let eventOrder = 0;
  const elapsed = (): number => ++eventOrder;
  const makeClient = (p: NodeId): Client => {
    const known = new Map<string, number>();
    const client: Client = {
      issued: 0,
      pending: null,
      next: () => {
        if (client.issued >= opsPerProposer || client.pending !== null || nemesis.crashed.has(p)) return;
        client.issued++;
        const key = keys[r.int(keys.length)]!;
        const isRead = r.chance(0.3);
        const base = known.get(key) ?? 0;
        // Mostly the version last seen; sometimes a stale one, to be rejected.
        const expected = r.chance(0.15) ? Math.max(0, base - 1) : base;
        const op: ChaosOperation = { proposer: p, key, kind: isRead ? 'read' : 'cas', expected: isRead ? -1 : expected, value: isRead ? null : `${p}#${client.issued}`, invokedAt: elapsed(), respondedAt: -1, abandoned: false, outcome: null };
        history.push(op);
        client.pending = op;
        const answered = (o: CasOutcome | ReadOutcome): void => {
          if (op.outcome !== null || op.abandoned) throw new Error(`seed ${seed}: operation answered twice or after its node crashed`);
          op.outcome = o;
          op.respondedAt = elapsed();
          client.pending = null;
          if (o.kind === 'applied') known.set(key, o.version);
          else if (o.kind === 'rejected' || o.kind === 'current') known.set(key, o.current.version);
          sim.at(r.int(50), client.next);
        };
        const reg = registers.get(p)!;
        if (isRead) reg.read(key, replicas(key), answered);
        else reg.cas(key, replicas(key), expected, op.value, answered);
      },
    };
    return client;
  };
  for (const p of clientIds) clients.set(p, makeClient(p));
  for (const id of new Set([...acceptorIds, ...clientIds])) start(id);

  const nemesis = new Nemesis(sim, {
    nodes: [...new Set([...acceptorIds, ...clientIds])],
    crashable: acceptorIds,
    phaseMs: CHAOS_FAULT_PHASE_MS,
    periodMs: CHAOS_FAULT_PERIOD_MS,
    crash: (id) => crash(id),
    restart: (id) => start(id),
    counts,
  });
  if (faults) nemesis.schedule();
  sim.runFor(CHAOS_FAULT_PHASE_MS);

  // Heal everything and let every client finish.
  nemesis.healAll();
  sim.faults = RELIABLE_NETWORK;
  const done = (): boolean => [...clients.values()].every((c) => c.issued >= opsPerProposer && c.pending === null);
  sim.runUntil(done, CHAOS_SETTLE_MS * opsPerProposer);
  const violations = [...observer.violations];
  if (!done()) violations.push(`not every operation was answered (${history.filter((o) => o.outcome !== null).length}/${clientIds.length * opsPerProposer})`);

  // A final read of every key through the healed cluster, then every replica must hold it.
  const finals = new Map<string, ReadOutcome>();
  for (const key of keys) registers.get(clientIds[0]!)!.read(key, replicas(key), (o) => finals.set(key, o));
  sim.runUntil(() => finals.size === keys.length, CHAOS_SETTLE_MS);
  sim.runFor(CHAOS_SETTLE_MS);
  const chosen = new Map<string, Map<number, ConsensusValue>>();
  for (const [key, m] of observer.chosen) chosen.set(key, new Map([...m].map(([i, e]) => [i, e.value])));
  for (const key of keys) {
    const byInstance = observer.chosen.get(key) ?? new Map<number, ChosenEntry>();
    const last = Math.max(0, ...byInstance.keys());
    for (let i = 1; i <= last; i++) if (!byInstance.has(i)) violations.push(`${key}: instance ${i} never chosen but ${last} was`);
    const lastValue = last === 0 ? null : byInstance.get(last)!.value;
    const f = finals.get(key);
    if (f === undefined || f.kind !== 'current') violations.push(`${key}: final read ${JSON.stringify(f)}`);
    else if (f.current.version !== last || f.current.value !== lastValue) violations.push(`${key}: final read ${JSON.stringify(f.current)}, last chosen ${last} ${JSON.stringify(lastValue)}`);
    for (const a of replicas(key)) {
      const s = registers.get(a)!.acceptor.state(key).committed;
      if (s.version !== last || s.value !== lastValue) violations.push(`${key}: ${a} converged to ${s.version} ${JSON.stringify(s.value)}, last chosen ${last}`);
    }
  }
  for (const c of observer.commits) {
    if (c.version === 0) continue;
    const e = observer.chosen.get(c.key)?.get(c.version);
    if (e === undefined || e.id !== c.id) violations.push(`${c.node} ${c.key}: committed version ${c.version} (${c.id}) that was not chosen`);
  }
  violations.push(...checkRegisterHistory(history, chosen));
  for (const op of history) {
    if (op.abandoned) continue; // counted when its node crashed
    const kind = op.outcome?.kind ?? 'none';
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return { seed, history, chosen, violations, counts };
}

/**
 * A single-register linearizability check per key: applied CASes form one chain, every observed
 * value was chosen, and no observation is older than one that completed before it began.
 */
export function checkRegisterHistory(history: readonly ChaosOperation[], chosen: ReadonlyMap<string, ReadonlyMap<number, ConsensusValue>>): string[] {
  const violations: string[] = [];
  const appliedByExpected = new Map<string, ChaosOperation>();
  /** Ops with a version they observed or wrote, for the real-time order check. */
  const versioned: { op: ChaosOperation; version: number; wrote: boolean }[] = [];
  const valueOf = (key: string, v: number): ConsensusValue | undefined => (v === 0 ? null : chosen.get(key)?.get(v));
  for (const op of history) {
    const o = op.outcome;
    if (o === null) continue;
    const where = `${op.proposer} ${op.kind} ${op.key}@${op.invokedAt}`;
    switch (o.kind) {
      case 'applied': {
        if (o.version !== op.expected + 1) violations.push(`${where}: applied as ${o.version}, expected ${op.expected}`);
        const k = `${op.key}\u0000${op.expected}`;
        const other = appliedByExpected.get(k);
        if (other !== undefined) violations.push(`${where}: a second applied CAS on version ${op.expected} (first ${other.proposer} ${String(other.value)})`);
        appliedByExpected.set(k, op);
        if (valueOf(op.key, o.version) !== op.value) violations.push(`${where}: applied ${String(op.value)} as ${o.version} but ${String(valueOf(op.key, o.version))} was chosen`);
        versioned.push({ op, version: o.version, wrote: true });
        break;
      }
      case 'rejected':
      case 'current':
        if (o.kind === 'rejected' && o.current.version === op.expected) violations.push(`${where}: rejected although at the expected version`);
        if (valueOf(op.key, o.current.version) !== o.current.value) violations.push(`${where}: saw ${JSON.stringify(o.current)}, not a chosen value`);
        versioned.push({ op, version: o.current.version, wrote: false });
        break;
      case 'unavailable':
      case 'indeterminate':
      case 'contended':
        break;
      default: {
        const never: never = o;
        throw new Error(`unknown outcome ${JSON.stringify(never)}`);
      }
    }
  }
  // Real-time order: whatever completed before another began is not newer than what that one saw.
  for (const later of versioned) {
    for (const earlier of versioned) {
      if (earlier.op.key !== later.op.key || earlier.op.respondedAt >= later.op.invokedAt) continue;
      // A write linearizes where the register was at expected; an observation where it was at version.
      const laterAt = later.wrote ? later.version - 1 : later.version;
      if (laterAt < earlier.version) violations.push(`${later.op.proposer} ${later.op.kind} ${later.op.key}@${later.op.invokedAt}: at version ${laterAt}, older than ${earlier.version} seen by ${earlier.op.proposer}@${earlier.op.respondedAt}`);
    }
  }
  return violations;
}
