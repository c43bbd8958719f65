// A seeded checker for the namestore in the deterministic Simulation: clients on every node race
// to register an overlapping set of names (many per name) under a lossy network, partitions,
// pauses and crashes of a minority (restarted from their acceptor stores); then everything heals,
// every unknown outcome is resolved by retrying with its idempotency key, and every node checks
// every name. `runNameChecker(seed, opts)` replays one seed exactly.

import { ConsensusRegister, MemoryAcceptorStore, type ConsensusMessage } from '../../../src/cluster/consensus/index.js';
import { claim, replicaSet, type RingState } from '../../../src/cluster/ring/index.js';
import type { NodeId } from '../../../src/cluster/runtime.js';
import { LOSSY_NETWORK, Nemesis, RELIABLE_NETWORK, Simulation } from '../../../src/cluster/sim/index.js';
import { NAMESTORE_REPLICAS, NameRegistrar, NamestoreStats, namePartition, type CheckOutcome, type RegisterOutcome } from '../../../src/namestore/index.js';

/** Virtual time the faulty phase lasts. */
export const CHECKER_FAULT_PHASE_MS = 5_000;
/** Mean virtual time between two fault events. */
export const CHECKER_FAULT_PERIOD_MS = 250;
/** Bound on each healed phase. */
export const CHECKER_SETTLE_MS = 60_000;
/** Ring partitions of the simulated cluster. */
export const CHECKER_PARTITIONS = 16;
/** Times one unknown outcome is retried with its idempotency key after healing. */
export const CHECKER_RESOLVE_ATTEMPTS_MAX = 5;

export interface NameCheckerOptions {
  readonly nodes: 3 | 5 | 7;
  readonly clientsPerNode?: number;
  readonly names?: number;
  readonly opsPerClient?: number;
  readonly faults?: boolean;
}

/** One register request (one idempotency key) and every answer it got, retries included. */
interface Request {
  readonly key: string;
  readonly name: string;
  readonly outcomes: RegisterOutcome[];
  /** Its node crashed before an answer: unknown, like indeterminate. */
  abandoned: boolean;
  /** Event order of its first `registered` answer; -1 before. */
  registeredAt: number;
}

interface Check {
  readonly name: string;
  readonly invokedAt: number;
  respondedAt: number;
  outcome: CheckOutcome | null;
}

export interface NameCheckerResult {
  readonly violations: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
}

export function runNameChecker(seed: number, opts: NameCheckerOptions): NameCheckerResult {
  const sim = new Simulation(seed, LOSSY_NETWORK);
  const r = sim.random;
  const nodeIds = Array.from({ length: opts.nodes }, (_, i) => `n${i}`);
  const clientsPerNode = opts.clientsPerNode ?? 2;
  const names = Array.from({ length: opts.names ?? 4 }, (_, i) => `user:${seed}-${i}`);
  const opsPerClient = opts.opsPerClient ?? 5;
  const faults = opts.faults ?? true;
  const minority = Math.floor((opts.nodes - 1) / 2);
  const counts: Record<string, number> = { crashes: 0, partitions: 0, pauses: 0, abandoned: 0, resolved: 0 };
  const violations: string[] = [];

  // The real placement: nodes claimed into a ring one at a time, N = 5 clamped to the cluster size.
  let ring: RingState | null = null;
  const weights = new Map<NodeId, number>();
  for (const id of nodeIds) {
    weights.set(id, 1);
    ring = claim(ring, weights, CHECKER_PARTITIONS);
  }
  const placed = ring!;
  const replicasOf = (name: string): NodeId[] => replicaSet(placed, namePartition(name, CHECKER_PARTITIONS), NAMESTORE_REPLICAS);

  const stores = new Map<NodeId, MemoryAcceptorStore>();
  const registrars = new Map<NodeId, NameRegistrar>();
  let eventOrder = 0;
  const tick = (): number => ++eventOrder;

  interface Client {
    readonly node: NodeId;
    readonly id: string;
    issued: number;
    pending: Request | Check | null;
    next(): void;
  }
  const requests: Request[] = [];
  const checks: Check[] = [];
  const clients: Client[] = [];

  const start = (id: NodeId): void => {
    let store = stores.get(id);
    if (store === undefined) stores.set(id, (store = new MemoryAcceptorStore()));
    const runtime = sim.runtime(id);
    const register = new ConsensusRegister({ self: id, runtime, transport: sim.transport<ConsensusMessage>(id), store });
    sim.register(id, register.handle);
    const token = (): string => Array.from({ length: 4 }, () => r.int(0x7fff_ffff).toString(16)).join('');
    registrars.set(id, new NameRegistrar({ register, replicasOf, newToken: token, clock: runtime.clock, stats: new NamestoreStats(() => runtime.clock.now()) }));
    for (const c of clients) if (c.node === id && c.pending === null) sim.at(r.int(50), () => c.next());
  };

  const registerFrom = (node: NodeId, req: Request, then: () => void): void => {
    registrars.get(node)!.register(req.name, req.key, (o) => {
      req.outcomes.push(o);
      if (o.kind === 'registered' && req.registeredAt < 0) req.registeredAt = tick();
      then();
    });
  };

  for (const node of nodeIds) {
    for (let c = 0; c < clientsPerNode; c++) {
      const client: Client = {
        node,
        id: `${node}.c${c}`,
        issued: 0,
        pending: null,
        next: () => {
          if (client.issued >= opsPerClient || client.pending !== null || nemesis.crashed.has(node)) return;
          client.issued++;
          const name = names[r.int(names.length)]!;
          if (r.chance(0.25)) {
            const check: Check = { name, invokedAt: tick(), respondedAt: -1, outcome: null };
            checks.push(check);
            client.pending = check;
            registrars.get(node)!.check(name, (o) => {
              check.outcome = o;
              check.respondedAt = tick();
              client.pending = null;
              sim.at(r.int(50), () => client.next());
            });
            return;
          }
          const req: Request = { key: `${client.id}#${client.issued}`, name, outcomes: [], abandoned: false, registeredAt: -1 };
          requests.push(req);
          client.pending = req;
          const answered = (): void => {
            const last = req.outcomes[req.outcomes.length - 1]!;
            // An unknown outcome is retried at once with the same key, as a careful client would.
            if (last.kind === 'indeterminate' && req.outcomes.length < 3) return registerFrom(node, req, answered);
            client.pending = null;
            sim.at(r.int(50), () => client.next());
          };
          registerFrom(node, req, answered);
        },
      };
      clients.push(client);
    }
  }
  for (const id of nodeIds) start(id);

  const crash = (id: NodeId): void => {
    sim.crash(id);
    for (const c of clients) {
      if (c.node !== id || c.pending === null) continue;
      if ('key' in c.pending) {
        c.pending.abandoned = true;
        counts.abandoned!++;
      }
      c.pending = null;
    }
  };
  const nemesis = new Nemesis(sim, {
    nodes: nodeIds,
    crashable: nodeIds,
    phaseMs: CHECKER_FAULT_PHASE_MS,
    periodMs: CHECKER_FAULT_PERIOD_MS,
    downMax: minority,
    crash,
    restart: start,
    counts,
  });
  if (faults) nemesis.schedule();
  for (const c of clients) sim.at(r.int(50), () => c.next());
  sim.runFor(CHECKER_FAULT_PHASE_MS);

  // Heal everything and let every client finish.
  nemesis.healAll();
  sim.faults = RELIABLE_NETWORK;
  const allDone = (): boolean => clients.every((c) => c.issued >= opsPerClient && c.pending === null);
  sim.runUntil(allDone, CHECKER_SETTLE_MS);
  if (!allDone()) violations.push('not every client finished');

  // Resolve every unknown outcome by retrying with its idempotency key (from any node).
  const definite = (o: RegisterOutcome | undefined): boolean => o !== undefined && (o.kind === 'registered' || o.kind === 'taken');
  // Unknown: its node crashed mid-request, or it was answered indeterminate and no retry got a
  // definite answer (a retry answered unavailable leaves the first proposal's fate open).
  // Requests answered only unavailable/contended are not retried: they must have written nothing.
  const failedLast = (q: Request): boolean => {
    if (q.abandoned || q.outcomes.length === 0) return true;
    const lastUnknown = q.outcomes.map((o) => o.kind).lastIndexOf('indeterminate');
    return lastUnknown >= 0 && !q.outcomes.slice(lastUnknown + 1).some(definite);
  };
  for (const req of requests.filter(failedLast)) {
    counts.resolved!++;
    for (let attempt = 0; attempt < CHECKER_RESOLVE_ATTEMPTS_MAX && !definite(req.outcomes[req.outcomes.length - 1]); attempt++) {
      let answered = false;
      registerFrom(nodeIds[r.int(nodeIds.length)]!, req, () => (answered = true));
      sim.runUntil(() => answered, CHECKER_SETTLE_MS);
    }
    if (!definite(req.outcomes[req.outcomes.length - 1])) violations.push(`${req.key} ${req.name}: unresolved after retries: ${JSON.stringify(req.outcomes)}`);
  }

  // At most one holder per name: one idempotency key, one token, however many answers said so.
  const winners = new Map<string, Map<string, string>>();
  for (const req of requests) {
    for (const o of req.outcomes) {
      if (o.kind !== 'registered') continue;
      let byKey = winners.get(req.name);
      if (byKey === undefined) winners.set(req.name, (byKey = new Map()));
      const prior = byKey.get(req.key);
      if (prior !== undefined && prior !== o.token) violations.push(`${req.name}: request ${req.key} got two tokens`);
      byKey.set(req.key, o.token);
    }
  }
  for (const [name, byKey] of winners) {
    if (byKey.size > 1) violations.push(`${name}: taken by ${byKey.size} requests (${[...byKey.keys()].join(', ')})`);
    if (new Set(byKey.values()).size > 1) violations.push(`${name}: more than one token handed out`);
  }

  // Real-time order: a check that began after a request was answered `registered` sees the name taken.
  for (const check of checks) {
    if (check.outcome?.kind !== 'free') continue;
    for (const req of requests) {
      if (req.name === check.name && req.registeredAt >= 0 && req.registeredAt < check.invokedAt) {
        violations.push(`check of ${check.name}@${check.invokedAt} said free after ${req.key} registered it`);
      }
    }
  }

  // Afterwards every node agrees: a name is taken exactly when one request holds it.
  const finalChecks: { node: NodeId; name: string; outcome: CheckOutcome | null }[] = [];
  for (const node of nodeIds) {
    for (const name of names) {
      const f: { node: NodeId; name: string; outcome: CheckOutcome | null } = { node, name, outcome: null };
      finalChecks.push(f);
      registrars.get(node)!.check(name, (o) => (f.outcome = o));
    }
  }
  sim.runUntil(() => finalChecks.every((f) => f.outcome !== null), CHECKER_SETTLE_MS);
  for (const f of finalChecks) {
    const held = (winners.get(f.name)?.size ?? 0) === 1;
    if (f.outcome === null || (f.outcome.kind !== 'free' && f.outcome.kind !== 'taken')) violations.push(`${f.node} check ${f.name}: ${JSON.stringify(f.outcome)}`);
    else if ((f.outcome.kind === 'taken') !== held) violations.push(`${f.node} check ${f.name}: ${f.outcome.kind}, but ${held ? 'one request holds it' : 'no request holds it'}`);
  }

  for (const req of requests) for (const o of req.outcomes) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  for (const check of checks) counts[`check-${check.outcome?.kind ?? 'none'}`] = (counts[`check-${check.outcome?.kind ?? 'none'}`] ?? 0) + 1;
  counts.replayed = requests.reduce((n, q) => n + q.outcomes.filter((o) => o.kind === 'registered' && o.replayed).length, 0);
  return { violations, counts };
}
