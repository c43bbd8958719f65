// The engine registry: one starter per benchmarked engine.

import { startDuckdb } from './duckdb.js';
import type { BenchEngine, EngineName } from './engine.js';
import { startEon } from './eon.js';
import { startPostgres } from './postgres.js';

export type { BenchEngine, Cell, EngineName, InsertOptions, LoadSource, PreparedQuery } from './engine.js';
export { engineNames, isEngineName } from './engine.js';

const starters: Readonly<Record<EngineName, () => Promise<BenchEngine>>> = {
  eon: startEon,
  duckdb: startDuckdb,
  postgres: startPostgres,
};

export function startEngine(name: EngineName): Promise<BenchEngine> {
  return starters[name]();
}
