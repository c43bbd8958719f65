// A seeded, deterministic world for the cluster logic: one virtual clock, one event queue, and a
// network that drops, delays, duplicates and reorders messages, cuts links, pauses and crashes
// nodes. Every choice comes from one SeededRandom, so a run is a pure function of its seed and a
// failing seed replays exactly (FoundationDB's and TigerBeetle's way of finding deep bugs).
//
// A node is whatever object the test builds from a Runtime and a Transport; the simulation only
// knows its id, its handler and its incarnation. crash() forgets every timer and in-flight
// message of the node's incarnation; the test then builds the node again from what it had made
// durable and calls register() for the new incarnation. pause() is SIGSTOP: the node's timers and
// the messages sent to it wait, and run in their original order on resume().

import type { MessageHandler, NodeId, Runtime, Timer, Transport } from '../runtime.js';
import { SeededRandom } from './seeded-random.js';

export interface NetworkFaults {
  /** Probability that a message is lost. */
  dropRate: number;
  /** Probability that a delivered message is delivered a second time (later). */
  duplicateRate: number;
  /** One-way delay bounds in ms; a delay is drawn uniformly, so messages reorder. */
  delayMinMs: number;
  delayMaxMs: number;
}

export const RELIABLE_NETWORK: NetworkFaults = { dropRate: 0, duplicateRate: 0, delayMinMs: 1, delayMaxMs: 1 };
export const LOSSY_NETWORK: NetworkFaults = { dropRate: 0.05, duplicateRate: 0.02, delayMinMs: 1, delayMaxMs: 20 };

/** A virtual start time that looks like a real epoch (hybrid logical clocks print it). */
export const SIMULATION_EPOCH_MS = 1_800_000_000_000;
/** Bounds every run loop: a run that reaches it is a livelock, not a long test. */
export const SIMULATION_EVENTS_MAX = 50_000_000;

interface SimEvent {
  at: number;
  seq: number;
  /** The node whose incarnation owns the event (its timer, or a message sent to it). */
  node: NodeId | null;
  incarnation: number;
  run: () => void;
}

interface SimNode {
  incarnation: number;
  handler: MessageHandler<unknown> | null;
  paused: boolean;
  held: SimEvent[];
  /** Added to the virtual clock for this node's Clock (a skewed wall clock). */
  skewMs: number;
}

export interface SimulationStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  events: number;
}

export class Simulation {
  readonly random: SeededRandom;
  faults: NetworkFaults;
  private nowMs = SIMULATION_EPOCH_MS;
  private seq = 0;
  private readonly heap: SimEvent[] = [];
  private readonly nodes = new Map<NodeId, SimNode>();
  /** Cut links, as "a\u0000b" for both directions. */
  private readonly cuts = new Set<string>();
  readonly stats: SimulationStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, events: 0 };

  constructor(readonly seed: number, faults: NetworkFaults = RELIABLE_NETWORK) {
    this.random = new SeededRandom(seed);
    this.faults = faults;
  }

  /** Virtual milliseconds since the epoch. */
  get now(): number {
    return this.nowMs;
  }

  /** Virtual milliseconds since the run began. */
  get elapsedMs(): number {
    return this.nowMs - SIMULATION_EPOCH_MS;
  }

  private node(id: NodeId): SimNode {
    let n = this.nodes.get(id);
    if (n === undefined) {
      n = { incarnation: 0, handler: null, paused: false, held: [], skewMs: 0 };
      this.nodes.set(id, n);
    }
    return n;
  }

  /** The Runtime of node id's current incarnation: the virtual clock, timers owned by it, the shared PRNG. */
  runtime(id: NodeId): Runtime {
    const n = this.node(id);
    const incarnation = n.incarnation;
    return {
      clock: { now: () => this.nowMs + n.skewMs },
      scheduler: {
        after: (delayMs: number, fn: () => void): Timer => {
          const ev = this.push(this.nowMs + Math.max(0, delayMs), id, incarnation, fn);
          return { cancel: () => { ev.run = noop; } };
        },
      },
      random: this.random,
    };
  }

  /** Messaging from node `from`'s current incarnation. Messages are cloned, as a wire would. */
  transport<M>(from: NodeId): Transport<M> {
    const sender = this.node(from);
    const incarnation = sender.incarnation;
    return {
      send: (to: NodeId, message: M): void => {
        // A dead incarnation's stray callbacks must not speak for the live one.
        if (sender.incarnation !== incarnation) return;
        this.stats.sent++;
        this.sendOne(from, to, message, this.faults.duplicateRate);
      },
    };
  }

  private sendOne(from: NodeId, to: NodeId, message: unknown, duplicateRate: number): void {
    if (this.random.chance(this.faults.dropRate)) {
      this.stats.dropped++;
      return;
    }
    const target = this.node(to);
    const toIncarnation = target.incarnation;
    const copy = structuredClone(message);
    const delay = this.faults.delayMinMs + this.random.next() * (this.faults.delayMaxMs - this.faults.delayMinMs);
    this.push(this.nowMs + delay, to, toIncarnation, () => {
      // Checked at delivery: a link cut while the message was in flight loses it too.
      if (this.isCut(from, to)) {
        this.stats.dropped++;
        return;
      }
      const handler = target.handler;
      if (handler === null) {
        this.stats.dropped++;
        return;
      }
      this.stats.delivered++;
      handler(from, copy);
    });
    if (this.random.chance(duplicateRate)) {
      this.stats.duplicated++;
      this.sendOne(from, to, message, 0);
    }
  }

  /** Sets the handler of node id's current incarnation. */
  register<M>(id: NodeId, handler: MessageHandler<M>): void {
    this.node(id).handler = handler as MessageHandler<unknown>;
  }

  /** kill -9: every timer and in-flight message of this incarnation is gone; the node is silent until register(). */
  crash(id: NodeId): void {
    const n = this.node(id);
    n.incarnation++;
    n.handler = null;
    n.paused = false;
    n.held = [];
  }

  /** SIGSTOP: the node's timers and incoming messages wait. */
  pause(id: NodeId): void {
    this.node(id).paused = true;
  }

  /** SIGCONT: what waited runs now, in its original order. */
  resume(id: NodeId): void {
    const n = this.node(id);
    n.paused = false;
    const held = n.held;
    n.held = [];
    for (const ev of held) this.push(this.nowMs, ev.node, ev.incarnation, ev.run);
  }

  isPaused(id: NodeId): boolean {
    return this.node(id).paused;
  }

  /** Sets node id's wall-clock skew. */
  skew(id: NodeId, ms: number): void {
    this.node(id).skewMs = ms;
  }

  /** Cuts the link between a and b, both directions (in-flight messages are lost too). */
  cut(a: NodeId, b: NodeId): void {
    this.cuts.add(linkKey(a, b));
    this.cuts.add(linkKey(b, a));
  }

  heal(a: NodeId, b: NodeId): void {
    this.cuts.delete(linkKey(a, b));
    this.cuts.delete(linkKey(b, a));
  }

  /** Cuts every link between the two groups. */
  partition(left: readonly NodeId[], right: readonly NodeId[]): void {
    for (const a of left) for (const b of right) this.cut(a, b);
  }

  healAll(): void {
    this.cuts.clear();
  }

  isCut(a: NodeId, b: NodeId): boolean {
    return this.cuts.size > 0 && this.cuts.has(linkKey(a, b));
  }

  /** Runs fn at virtual time now + delayMs, outside any node (a test's own action). */
  at(delayMs: number, fn: () => void): void {
    this.push(this.nowMs + Math.max(0, delayMs), null, 0, fn);
  }

  /** Runs (or, for a paused node, holds) the next event; false when nothing is left. */
  step(): boolean {
    for (;;) {
      const ev = this.pop();
      if (ev === undefined) return false;
      if (ev.at > this.nowMs) this.nowMs = ev.at;
      if (ev.node !== null) {
        const n = this.node(ev.node);
        if (n.incarnation !== ev.incarnation) continue;
        if (n.paused) {
          // Held, not run; returning lets runFor/runUntil stop at their bound instead of
          // draining later events (and pulling a paused node's far timers forward).
          n.held.push(ev);
          return true;
        }
      }
      this.stats.events++;
      if (this.stats.events > SIMULATION_EVENTS_MAX) throw new Error(`simulation seed ${this.seed}: more than ${SIMULATION_EVENTS_MAX} events`);
      ev.run();
      return true;
    }
  }

  /** Runs every event due within the next ms, then sets the clock to now + ms. */
  runFor(ms: number): void {
    const end = this.nowMs + ms;
    while (this.heap.length > 0 && this.heap[0]!.at <= end) this.step();
    this.nowMs = end;
  }

  /** Runs until done() holds (checked after each event) or limitMs pass; returns whether it held. */
  runUntil(done: () => boolean, limitMs: number): boolean {
    const end = this.nowMs + limitMs;
    if (done()) return true;
    while (this.heap.length > 0 && this.heap[0]!.at <= end) {
      this.step();
      if (done()) return true;
    }
    this.nowMs = Math.max(this.nowMs, end);
    return done();
  }

  private push(at: number, node: NodeId | null, incarnation: number, run: () => void): SimEvent {
    const ev: SimEvent = { at, seq: this.seq++, node, incarnation, run };
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(ev, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = ev;
    return ev;
  }

  private pop(): SimEvent | undefined {
    const h = this.heap;
    const top = h[0];
    if (top === undefined) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
        if (!before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function linkKey(a: NodeId, b: NodeId): string {
  return `${a}\u0000${b}`;
}

function noop(): void {}
