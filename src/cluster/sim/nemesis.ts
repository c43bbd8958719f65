// The fault schedule the chaos runs share: during a phase, at random moments, partition the nodes
// in two, heal, pause a node (SIGSTOP, resumed within 1.5 s) or crash one (restarted within 1 s),
// then heal everything. Every choice comes from the simulation's PRNG, so a seed replays.

import type { NodeId } from '../runtime.js';
import type { Simulation } from './simulation.js';

export interface NemesisOptions {
  /** Nodes that are partitioned and paused. */
  readonly nodes: readonly NodeId[];
  /** Nodes that are crashed (their owner rebuilds them from durable state in `restart`). */
  readonly crashable: readonly NodeId[];
  /** Faults happen in [0, phaseMs), about one every periodMs. */
  readonly phaseMs: number;
  readonly periodMs: number;
  /** At most this many nodes paused or crashed at once (a minority, for runs that must make progress). */
  readonly downMax?: number;
  crash(id: NodeId): void;
  restart(id: NodeId): void;
  /** Incremented per fault: partitions, pauses, crashes. */
  readonly counts: Record<string, number>;
}

/** How long a paused node stays paused at most, and a crashed one down. */
const PAUSE_MS_MAX = 1_500;
const CRASH_MS_MAX = 1_000;

export class Nemesis {
  readonly paused = new Set<NodeId>();
  readonly crashed = new Set<NodeId>();

  constructor(
    private readonly sim: Simulation,
    private readonly o: NemesisOptions,
  ) {}

  /** Schedules the phase's faults (call before running the phase). */
  schedule(): void {
    const { sim, o } = this;
    const r = sim.random;
    const count = (k: string): void => {
      o.counts[k] = (o.counts[k] ?? 0) + 1;
    };
    for (let t = r.int(o.periodMs); t < o.phaseMs; t += 1 + r.int(2 * o.periodMs)) {
      sim.at(t, () => {
        const dice = r.int(4);
        if (dice === 0) {
          const left = o.nodes.filter(() => r.chance(0.5));
          sim.healAll();
          sim.partition(left, o.nodes.filter((id) => !left.includes(id)));
          count('partitions');
          return;
        }
        if (dice === 1) {
          sim.healAll();
          return;
        }
        const from = dice === 2 ? o.nodes : o.crashable;
        const id = from[r.int(from.length)]!;
        if (this.paused.has(id) || this.crashed.has(id)) return;
        if (this.paused.size + this.crashed.size >= (o.downMax ?? Infinity)) return;
        if (dice === 2) {
          this.paused.add(id);
          sim.pause(id);
          count('pauses');
          sim.at(50 + r.int(PAUSE_MS_MAX), () => {
            if (this.paused.delete(id)) sim.resume(id);
          });
        } else {
          this.crashed.add(id);
          o.crash(id);
          count('crashes');
          sim.at(20 + r.int(CRASH_MS_MAX), () => {
            // The healing may have restarted it already.
            if (this.crashed.delete(id)) o.restart(id);
          });
        }
      });
    }
  }

  /** Heals partitions, resumes paused nodes and restarts crashed ones. */
  healAll(): void {
    this.sim.healAll();
    for (const id of this.paused) this.sim.resume(id);
    this.paused.clear();
    for (const id of [...this.crashed]) {
      this.crashed.delete(id);
      this.o.restart(id);
    }
  }
}
