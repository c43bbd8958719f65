// Nodes a persistence test starts, stops and starts again on the same data dir: after each test
// every node still running is killed and every data dir removed.

import { rm } from 'node:fs/promises';
import pg from 'pg';
import { afterEach } from 'vitest';
import { startEon } from './eon.js';
import type { RunningEon } from './eon.js';

export interface RestartableNodes {
  /** A node on a new data dir, or on `dataDir` (a restart). */
  node(dataDir?: string): Promise<RunningEon>;
  /** A connected client that ignores the connection's errors (a node killed under it). */
  connect(n: RunningEon): Promise<pg.Client>;
}

/** Registers the afterEach cleanup; call once at the top of a test file. */
export function restartableNodes(): RestartableNodes {
  const started: RunningEon[] = [];
  const dataDirs: string[] = [];

  afterEach(async () => {
    for (const n of started.splice(0)) await n.kill('SIGKILL');
    for (const d of dataDirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  return {
    async node(dataDir) {
      const n = await startEon(dataDir === undefined ? { keepDataDir: true } : { dataDir });
      started.push(n);
      if (!dataDirs.includes(n.dataDir)) dataDirs.push(n.dataDir);
      return n;
    },
    async connect(n) {
      const c = new pg.Client({ ...n.conn(), connectionTimeoutMillis: 10_000 });
      c.on('error', () => undefined);
      await c.connect();
      return c;
    },
  };
}
