// The seeded deterministic simulation of the cluster logic: a virtual clock, an event queue and a faulty network.

export { Simulation, RELIABLE_NETWORK, LOSSY_NETWORK, SIMULATION_EPOCH_MS, SIMULATION_EVENTS_MAX } from './simulation.js';
export type { NetworkFaults, SimulationStats } from './simulation.js';
export { SeededRandom } from './seeded-random.js';
export { Nemesis } from './nemesis.js';
export type { NemesisOptions } from './nemesis.js';
