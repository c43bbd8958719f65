// The engine registry: one starter per benchmarked engine.

import { startDuckdb } from './duckdb.js';
import type { BenchEngine, EngineName } from './engine.js';
import { startEon } from './eon.js';
import { startPostgres } from './postgres.js';

export type { BenchEngine, Cell, EngineName, InsertOptions, LoadSource, PreparedQuery } from './engine.js';
export { engineNames, insertInParallel, isEngineName } from './engine.js';

const starters: Readonly<Record<EngineName, () => Promise<BenchEngine>>> = {
  eon: startEon,
  duckdb: startDuckdb,
  postgres: startPostgres,
};

/** Engines started and not yet stopped, so an interrupted run can still stop its servers. */
const running = new Set<BenchEngine>();
/** Set by stopAllEngines: an interrupted run starts no further engine. */
let interrupted = false;

/** Starts `name` (by `start` when given: another form of it, such as eon as a cluster). */
export async function startEngine<E extends BenchEngine = BenchEngine>(name: EngineName, start?: () => Promise<E>): Promise<E> {
  if (interrupted) throw new Error(`not starting ${name}: the run was interrupted`);
  const engine = await (start ?? (starters[name] as () => Promise<E>))();
  if (interrupted) {
    await engine.stop();
    throw new Error(`stopped ${name} right after start: the run was interrupted`);
  }
  running.add(engine);
  const stop = engine.stop.bind(engine);
  engine.stop = async () => {
    running.delete(engine);
    await stop();
  };
  return engine;
}

/** Stops every engine still running (on SIGINT/SIGTERM or a crash); failures are reported, not thrown. */
export async function stopAllEngines(): Promise<string[]> {
  interrupted = true;
  const engines = [...running];
  const results = await Promise.allSettled(engines.map((e) => e.stop()));
  return results.flatMap((r, i) => (r.status === 'rejected' ? [`${engines[i]?.name ?? '?'}: ${String(r.reason)}`] : []));
}
