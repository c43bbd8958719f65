// What the cluster logic needs from the world — time, timers, randomness and a way to send — as
// interfaces, so the same protocol code runs over real sockets and in the seeded deterministic
// simulation (src/cluster/sim), where a failing seed replays exactly.
//
// Protocol state machines are synchronous: they react to a message or a timer and send messages
// or set timers in reply. No Promise inside them — microtask order is what makes a simulation
// hard to replay; Promises belong at the edges (RPC callers, SQL statements).

/** A node's identity in the cluster: stable across restarts, unique in the cluster. */
export type NodeId = string;

export interface Clock {
  /** Milliseconds since the Unix epoch. A wall clock: it may be skewed between nodes. */
  now(): number;
}

export interface Timer {
  cancel(): void;
}

export interface Scheduler {
  /** Calls fn once after delayMs (≥ 0). A crashed node's timers never fire. */
  after(delayMs: number, fn: () => void): Timer;
}

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n), n ≥ 1. */
  int(n: number): number;
}

/**
 * One-way, unreliable messaging to other nodes: a message may be lost, delayed, duplicated or
 * reordered, and the sender learns nothing. Protocols add their own acknowledgements and timeouts.
 * Delivery calls the receiving node's handler with (from, message).
 */
export interface Transport<M> {
  send(to: NodeId, message: M): void;
}

export type MessageHandler<M> = (from: NodeId, message: M) => void;

export interface Runtime {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly random: Random;
}

/** The real world: Date.now, setTimeout (unref'd, so timers never keep a process alive), Math.random. */
export const systemRuntime: Runtime = {
  clock: { now: () => Date.now() },
  scheduler: {
    after(delayMs: number, fn: () => void): Timer {
      const handle = setTimeout(fn, Math.max(0, delayMs));
      handle.unref();
      return { cancel: () => clearTimeout(handle) };
    },
  },
  random: {
    next: () => Math.random(),
    int: (n: number) => Math.floor(Math.random() * n),
  },
};
