// eon's own views of the cluster: eon_nodes (members as this node sees them) and eon_partitions
// (each ring partition's owner, replicas and health), read from the engine's ClusterInfoProvider.

import { T, type Value } from '../../src/types/index.js';
import { systemTable, type SystemTableDef } from './system-table.js';

/** A member's stat as a float8 column value (stats are free-form: numbers, text or null). */
function statNumber(stats: Readonly<Record<string, number | string | null>>, name: string): number | null {
  const v = stats[name];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function statInt8(stats: Readonly<Record<string, number | string | null>>, name: string): bigint | null {
  const n = statNumber(stats, name);
  return n === null ? null : BigInt(Math.trunc(n));
}

export function eonTables(): SystemTableDef[] {
  return [
    systemTable(
      'pg_catalog',
      'eon_nodes',
      'view',
      [
        ['node', T.text], ['peer', T.text], ['state', T.text], ['incarnation', T.int8], ['pg_port', T.int4], ['http_port', T.int4],
        ['partitions_owned', T.int4], ['partitions_held', T.int4], ['heartbeat', T.int8], ['mean_response_ms', T.float8],
        ['error_rate', T.float8], ['load', T.float8], ['is_self', T.bool],
      ],
      (env) => {
        const view = env.cluster.view();
        return view.members.map((m): Value[] => [
          m.id, m.peer, m.state, BigInt(m.incarnation), m.pgPort, m.httpPort,
          m.partitionsOwned, m.partitionsHeld, statInt8(m.stats, 'heartbeat'), statNumber(m.stats, 'mean_response_ms'),
          statNumber(m.stats, 'error_rate'), statNumber(m.stats, 'load'), m.id === view.self,
        ]);
      },
    ),
    systemTable(
      'pg_catalog',
      'eon_partitions',
      'view',
      [['partition', T.int4], ['owner', T.text], ['replicas', T.text], ['rows', T.int8], ['replication_delay_ms', T.float8], ['hints_pending', T.int8]],
      (env) =>
        env.cluster.partitions().map((p): Value[] => [
          p.partition, p.owner, p.replicas.join(','), p.rows === null ? null : BigInt(p.rows), p.replicationDelayMs, BigInt(p.hintsPending),
        ]),
    ),
  ];
}
