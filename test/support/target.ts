// The server a client or persistence suite talks to: a fresh eon node, or (EON_DIFF_SELFTEST=1) the shared PostgreSQL.

import { inject } from 'vitest';
import { startEon } from './eon.js';
import type { RunningEon, StartEonOptions } from './eon.js';
import type { ConnInfo } from './postgres.js';

export interface ClientTarget {
  kind: 'eon' | 'postgres';
  conn: ConnInfo;
  /** The eon node when kind is 'eon'. */
  node: RunningEon | null;
  stop(): Promise<void>;
}

export function selfTest(): boolean {
  return process.env['EON_DIFF_SELFTEST'] === '1';
}

/** Self-test mode validates the suites' own expectations against PostgreSQL before eon exists. */
export async function startClientTarget(options: StartEonOptions = {}): Promise<ClientTarget> {
  if (selfTest()) {
    return { kind: 'postgres', conn: inject('postgres'), node: null, stop: async () => undefined };
  }
  const node = await startEon(options);
  return {
    kind: 'eon',
    conn: node.conn(),
    node,
    stop: async () => {
      await node.stop();
    },
  };
}
