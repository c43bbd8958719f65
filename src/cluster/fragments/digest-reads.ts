// Digest reads: before a statement scans, each partition it reads on one replica is checked
// against R−1 other replicas of it, as Cassandra's digest reads do, at partition granularity. The
// coordinator asks every node involved for its partition roots (the anti-entropy Merkle roots, one
// ae.roots request per node for all of the statement's tables); where the replica that will be
// read differs from another, that replica repairs itself from the other first (ae.repair: the
// anti-entropy exchange, newer version wins). A write acknowledged by W replicas before the
// statement started is on at least one of any R of them (R + W > N), so the replica read holds it
// once the digests agree or the repair is done.
//
// What this does not promise: writes that land while the statement runs may or may not be seen,
// partition by partition (no snapshot across nodes), and a row written while its node was alone
// (no version entry) is invisible to the digests, as it is to anti-entropy.

import { EonError } from '../../errors/index.js';
import type { TableSchema } from '../../../storage/index.js';
import { AE_RPC, ANTI_ENTROPY_PROTOCOL_VERSION } from '../antientropy/index.js';
import { tableQuorum, tableShape } from '../replication/table-quorum.js';
import type { NodeId } from '../runtime.js';

/** One ae.roots request: a few hash tables' worth of cached roots, or one scan per stale partition. */
export const DIGEST_REQUEST_TIMEOUT_MS = 10_000;
/** One ae.repair: up to REPAIR_EXCHANGES_MAX anti-entropy exchanges of one partition. */
export const REPAIR_REQUEST_TIMEOUT_MS = 60_000;
/** Partition repairs one statement runs at once (each is a few round trips and a write). */
export const REPAIRS_IN_FLIGHT_MAX = 8;

/** One table's scan: the node reading each partition it reads, and how many replicas must agree. */
export interface ScanRead {
  readonly table: TableSchema;
  /** Partition → the node whose replica the scan reads. */
  readonly readers: ReadonlyMap<number, NodeId>;
  /** R: replicas whose digests must agree (the reader and R−1 others); 1 checks nothing. */
  readonly readQuorum: number;
}

/** Readers that could not answer: the caller plans the scan again without them. */
export class ReadersUnavailable extends EonError {
  constructor(
    readonly nodes: ReadonlySet<NodeId>,
    cause: string,
  ) {
    super('peer_unavailable', `node ${[...nodes].join(', ')} could not be read: ${cause}`);
  }
}

/** What digest reads need of the node: ring, membership, its own replica's roots and repair, and the peer RPC. */
export interface DigestCluster {
  readonly self: NodeId;
  replicasOf(partition: number, n: number): readonly NodeId[];
  stateOf(node: NodeId): 'alive' | 'suspect' | 'down';
  addressOf(node: NodeId): string | undefined;
  stored(table: TableSchema): boolean;
  lagging(table: string, partition: number, node: NodeId): boolean;
  /** This node's roots of the given partitions (anti-entropy's cached trees). */
  roots(table: TableSchema, partitions: readonly number[]): string[];
  /** Repairs this node's replica of a partition from `peer`'s. */
  repairFrom(table: TableSchema, partition: number, peer: NodeId): Promise<string>;
  request(address: string, type: string, body: unknown, options: { readonly timeoutMs: number; readonly signal?: AbortSignal | undefined }): Promise<{ readonly body: unknown }>;
}

export class DigestReadStats {
  /** Partitions whose replicas' digests were compared. */
  checked = 0;
  /** Of those, ones where the replica read differed from another. */
  differing = 0;
  /** Repairs run before a scan (one per differing pair). */
  repaired = 0;
}

/** One partition's check: the reader, the replicas it is compared with, spares should one fail. */
interface Check {
  readonly read: ScanRead;
  readonly partition: number;
  readonly reader: NodeId;
  readonly compare: NodeId[];
  readonly spares: NodeId[];
}

function rootsReply(body: unknown, expected: readonly number[]): string[][] {
  const b = body as { v?: unknown; roots?: unknown } | null;
  if (b === null || typeof b !== 'object' || b.v !== ANTI_ENTROPY_PROTOCOL_VERSION || !Array.isArray(b.roots) || b.roots.length !== expected.length) {
    throw new EonError('protocol_violation', 'malformed ae.roots reply');
  }
  return b.roots.map((r: unknown, i) => {
    if (!Array.isArray(r) || r.length !== expected[i] || !r.every((x) => typeof x === 'string')) throw new EonError('protocol_violation', 'malformed ae.roots reply');
    return r as string[];
  });
}

export class DigestReads {
  readonly stats = new DigestReadStats();

  constructor(private readonly cluster: DigestCluster) {}

  /**
   * Checks every partition of `reads` and repairs the readers that differ. Throws
   * ReadersUnavailable when a reader cannot answer, 57P03 when fewer than R replicas of a
   * partition can be asked or a repair fails.
   */
  async sync(reads: readonly ScanRead[], signal?: AbortSignal): Promise<void> {
    const checks = this.plan(reads);
    if (checks.length === 0) return;
    const roots = await this.collectRoots(checks, signal);
    const repairs: { check: Check; other: NodeId }[] = [];
    for (const check of checks) {
      this.stats.checked++;
      const mine = roots.get(rootKey(check.reader, check.read.table, check.partition))!;
      const differing = check.compare.filter((o) => roots.get(rootKey(o, check.read.table, check.partition)) !== mine);
      if (differing.length > 0) this.stats.differing++;
      for (const other of differing) repairs.push({ check, other });
    }
    await this.repair(repairs, signal);
  }

  /** The partitions to check and the replicas to compare each with (57P03 when too few can be asked). */
  private plan(reads: readonly ScanRead[]): Check[] {
    const { cluster } = this;
    const checks: Check[] = [];
    for (const read of reads) {
      if (read.readQuorum <= 1 || !cluster.stored(read.table)) continue;
      const n = tableQuorum(read.table).replicas;
      const need = Math.min(read.readQuorum, n) - 1;
      for (const [partition, reader] of read.readers) {
        const rank = (node: NodeId): number => {
          if (node === cluster.self) return 0;
          const state = cluster.addressOf(node) === undefined ? 'down' : cluster.stateOf(node);
          if (state === 'down') return 3;
          if (state === 'suspect') return 2;
          return cluster.lagging(read.table.name, partition, node) ? 1 : 0;
        };
        const others = cluster
          .replicasOf(partition, n)
          .slice(0, n)
          .filter((node) => node !== reader && rank(node) < 3)
          .sort((a, b) => rank(a) - rank(b));
        if (others.length < need) {
          throw new EonError('quorum_unavailable', `partition ${partition} of table "${read.table.name}" cannot be read at read quorum ${read.readQuorum}: ${others.length + 1} of its replicas can be asked`, {
            hint: "SET eon.read_consistency = 'one' reads one replica per partition without comparing it with others.",
          });
        }
        checks.push({ read, partition, reader, compare: others.slice(0, need), spares: others.slice(need) });
      }
    }
    return checks;
  }

  /** Every root the checks compare, by rootKey; a failed compared replica is replaced by a spare. */
  private async collectRoots(checks: readonly Check[], signal: AbortSignal | undefined): Promise<Map<string, string>> {
    const roots = new Map<string, string>();
    const failed = new Map<NodeId, string>();
    let pending = checks;
    while (pending.length > 0) {
      // node → table → partitions whose root is still unknown.
      const asks = new Map<NodeId, Map<TableSchema, Set<number>>>();
      const want = (node: NodeId, table: TableSchema, partition: number): void => {
        if (roots.has(rootKey(node, table, partition))) return;
        let tables = asks.get(node);
        if (tables === undefined) asks.set(node, (tables = new Map()));
        let parts = tables.get(table);
        if (parts === undefined) tables.set(table, (parts = new Set()));
        parts.add(partition);
      };
      for (const c of pending) for (const node of [c.reader, ...c.compare]) want(node, c.read.table, c.partition);
      await Promise.all(
        [...asks].map(async ([node, tables]) => {
          try {
            const entries = [...tables].map(([table, parts]) => ({ table, partitions: [...parts] }));
            const answered = await this.rootsOf(node, entries, signal);
            entries.forEach((e, i) => e.partitions.forEach((p, j) => roots.set(rootKey(node, e.table, p), answered[i]![j]!)));
          } catch (e) {
            if (signal?.aborted === true) throw e;
            failed.set(node, e instanceof Error ? e.message : String(e));
          }
        }),
      );
      const readersLost = new Set(pending.map((c) => c.reader).filter((r) => failed.has(r)));
      if (readersLost.size > 0) throw new ReadersUnavailable(readersLost, [...readersLost].map((r) => failed.get(r)).join('; '));
      const again: Check[] = [];
      for (const c of pending) {
        const lost = c.compare.findIndex((o) => failed.has(o));
        if (lost < 0) continue;
        const spare = c.spares.findIndex((s) => !failed.has(s));
        if (spare < 0) {
          const node = c.compare[lost]!;
          throw new EonError('quorum_unavailable', `partition ${c.partition} of table "${c.read.table.name}" cannot be read at read quorum ${c.read.readQuorum}: node ${node} did not answer`, {
            detail: failed.get(node)!,
            hint: "SET eon.read_consistency = 'one' reads one replica per partition without comparing it with others.",
          });
        }
        c.compare[lost] = c.spares.splice(spare, 1)[0]!;
        again.push(c);
      }
      pending = again;
    }
    return roots;
  }

  private async rootsOf(node: NodeId, entries: readonly { table: TableSchema; partitions: number[] }[], signal: AbortSignal | undefined): Promise<string[][]> {
    const { cluster } = this;
    if (node === cluster.self) return entries.map((e) => cluster.roots(e.table, e.partitions));
    const address = cluster.addressOf(node);
    if (address === undefined) throw new EonError('peer_unavailable', `no address known for node ${node}`);
    const body = {
      v: ANTI_ENTROPY_PROTOCOL_VERSION,
      reads: entries.map((e) => ({ table: e.table.name, shape: tableShape(e.table), partitions: e.partitions })),
    };
    const reply = await cluster.request(address, AE_RPC.roots, body, { timeoutMs: DIGEST_REQUEST_TIMEOUT_MS, signal });
    return rootsReply(
      reply.body,
      entries.map((e) => e.partitions.length),
    );
  }

  /** Runs the repairs, REPAIRS_IN_FLIGHT_MAX at a time; one partition's repairs one after another. */
  private async repair(repairs: readonly { check: Check; other: NodeId }[], signal: AbortSignal | undefined): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < repairs.length) {
        const { check, other } = repairs[next++]!;
        if (signal?.aborted === true) throw new EonError('query_canceled', 'canceling statement due to user request');
        await this.repairOne(check, other, signal);
        this.stats.repaired++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(REPAIRS_IN_FLIGHT_MAX, repairs.length) }, worker));
  }

  private async repairOne(check: Check, other: NodeId, signal: AbortSignal | undefined): Promise<void> {
    const { cluster } = this;
    const { table } = check.read;
    const failedRepair = (e: unknown): EonError =>
      new EonError('quorum_unavailable', `partition ${check.partition} of table "${table.name}" on node ${check.reader} differs from node ${other}'s and could not be repaired before the scan`, {
        detail: e instanceof Error ? e.message : String(e),
      });
    if (check.reader === cluster.self) {
      await cluster.repairFrom(table, check.partition, other).catch((e: unknown) => {
        throw failedRepair(e);
      });
      return;
    }
    const address = cluster.addressOf(check.reader);
    if (address === undefined) throw new ReadersUnavailable(new Set([check.reader]), 'no address known');
    const body = { v: ANTI_ENTROPY_PROTOCOL_VERSION, table: table.name, shape: tableShape(table), partition: check.partition, peer: other };
    try {
      const reply = await cluster.request(address, AE_RPC.repair, body, { timeoutMs: REPAIR_REQUEST_TIMEOUT_MS, signal });
      if ((reply.body as { v?: unknown } | null)?.v !== ANTI_ENTROPY_PROTOCOL_VERSION) throw new EonError('protocol_violation', 'malformed ae.repair reply');
    } catch (e) {
      if (signal?.aborted === true) throw e;
      throw failedRepair(e);
    }
  }
}

function rootKey(node: NodeId, table: TableSchema, partition: number): string {
  return `${node}\u0000${table.id}\u0000${partition}`;
}
