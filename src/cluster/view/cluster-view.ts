// What a node tells about the cluster as it sees it: the body of GET /v1/cluster and what
// `eon status` prints. Plain JSON, so the CLI and tests read it without the cluster code.

/** SWIM's states, and `leaving`: alive, but handing its partitions off before it leaves (eon node leave). */
export type MemberStateName = 'alive' | 'leaving' | 'suspect' | 'dead' | 'left';

export interface MemberView {
  readonly id: string;
  /** host:port of the member's peer listener. */
  readonly peer: string;
  readonly state: MemberStateName;
  readonly incarnation: number;
  readonly pgPort: number | null;
  readonly httpPort: number | null;
  /** Partitions this member owns in the ring, and those it holds a replica of (owned included). */
  readonly partitionsOwned: number;
  readonly partitionsHeld: number;
  readonly stats: Readonly<Record<string, number | string | null>>;
}

export interface ClusterView {
  /** The id of the node that answered. */
  readonly self: string;
  readonly partitions: number;
  readonly replicas: number;
  readonly ringVersion: number;
  readonly members: readonly MemberView[];
}

const STATES: readonly string[] = ['alive', 'leaving', 'suspect', 'dead', 'left'];

/** Checks a GET /v1/cluster body; null when it is not one. */
export function parseClusterView(x: unknown): ClusterView | null {
  if (typeof x !== 'object' || x === null) return null;
  const v = x as Record<string, unknown>;
  if (typeof v.self !== 'string' || typeof v.partitions !== 'number' || typeof v.replicas !== 'number') return null;
  if (typeof v.ringVersion !== 'number' || !Array.isArray(v.members)) return null;
  for (const m of v.members as unknown[]) {
    if (typeof m !== 'object' || m === null) return null;
    const r = m as Record<string, unknown>;
    if (typeof r.id !== 'string' || typeof r.peer !== 'string' || typeof r.state !== 'string' || !STATES.includes(r.state)) return null;
    if (typeof r.incarnation !== 'number' || typeof r.partitionsOwned !== 'number' || typeof r.partitionsHeld !== 'number') return null;
    if (typeof r.stats !== 'object' || r.stats === null) return null;
  }
  return x as ClusterView;
}

/**
 * Whether the nodes' views show one settled cluster: each answered, sees `count` members all alive
 * and owning partitions, all use the same decided ring (version > 0), and every member has
 * received the partitions that ring gives it. Tests and the bench wait for this before writing or
 * cutting links: until then writes go to the replicas of an older ring, or to old and new holders
 * of a partition at once with a larger W (docs/ARCHITECTURE.md, ownership transfer).
 */
export function oneSettledRing(views: readonly (ClusterView | null)[], count: number): boolean {
  for (const v of views) {
    if (v === null || v.members.length !== count || v.members.some((m) => m.state !== 'alive' || m.partitionsOwned === 0)) return false;
  }
  return transfersSettled(views);
}

/**
 * Whether the views agree on one decided ring whose every alive member reports it holds all the
 * partitions that ring gives it, with no handoff pending or running.
 */
export function transfersSettled(views: readonly (ClusterView | null)[]): boolean {
  const versions = new Set<number>();
  for (const v of views) {
    if (v === null) return false;
    versions.add(v.ringVersion);
    for (const m of v.members) {
      if (m.state !== 'alive') continue;
      if (m.stats.ringReady !== v.ringVersion || m.stats.transfersPending !== 0 || m.stats.transfersActive !== 0) return false;
    }
  }
  return versions.size === 1 && !versions.has(0);
}

/** The members as a fixed-width text table, one line each, for `eon status`. */
export function formatClusterView(view: ClusterView): string {
  const header = ['node', 'peer', 'state', 'inc', 'pg', 'http', 'owned', 'held', 'stats'];
  const rows = view.members.map((m) => [
    m.id === view.self ? `${m.id} *` : m.id,
    m.peer,
    m.state,
    String(m.incarnation),
    m.pgPort === null ? '-' : String(m.pgPort),
    m.httpPort === null ? '-' : String(m.httpPort),
    String(m.partitionsOwned),
    String(m.partitionsHeld),
    Object.entries(m.stats).map(([k, v]) => `${k}=${v ?? '-'}`).join(' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const title = `ring: ${view.partitions} partitions, ${view.replicas} replicas, version ${view.ringVersion}; * = the node that answered`;
  return [title, line(header), ...rows.map(line)].join('\n') + '\n';
}
