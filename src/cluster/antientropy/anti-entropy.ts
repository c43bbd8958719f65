// Anti-entropy between the replicas of a partition: every ANTI_ENTROPY_INTERVAL_MS a node walks
// the partitions and, for each table of which it is one of the partition's N replicas (the table's
// own N), compares its Merkle tree of row versions with
// one other live replica's (the peer sends its root, and its 1,024 leaf hashes when the roots
// differ, from one scan), fetches the peer's
// version entries and rows of the segments that differ, keeps what is newer there and sends back
// what is newer here. Both sides apply with the replication rule (newer version wins), so an
// exchange can only move replicas toward each other, and repeating it is harmless.
//
// Trees are built from the partition's version entries (a scan of that partition's `versions`
// range) and kept until a write changes the partition (partition-trees.ts); rows without a version
// entry (written while their node was alone) are invisible to it.
//
// The same exchange serves digest reads (digest-reads.ts): a coordinator about to scan asks the
// replicas for their partition roots (ae.roots) and, where the replica it reads differs from
// another, has it repair itself from that one first (ae.repair).

import { EonError } from '../../errors/index.js';
import type { Store, TableSchema } from '../../../storage/index.js';
import { applyChange, decodeVersionEntry, tableQuorum, tableShape, versionStamp } from '../replication/index.js';
import type { NodeId } from '../runtime.js';
import { compareVersions } from '../version/index.js';
import type { HybridClock } from '../version/index.js';
import { MerkleTree, diffTrees, segmentOf } from './merkle-tree.js';
import { PartitionTrees, TABLE_ID_BYTES } from './partition-trees.js';

export const ANTI_ENTROPY_INTERVAL_MS = 10_000;
/** Bounds of --anti-entropy-interval: rounds back to back at the low end, about once a day at the high. */
export const ANTI_ENTROPY_INTERVAL_MS_MIN = 100;
export const ANTI_ENTROPY_INTERVAL_MS_MAX = 86_400_000;
/** Version entries (with their rows) one exchange moves each way at most; the next round does the rest. */
export const ANTI_ENTROPY_ENTRIES_MAX = 50_000;
/** Each request of an exchange. */
export const ANTI_ENTROPY_REQUEST_TIMEOUT_MS = 10_000;
export const ANTI_ENTROPY_PROTOCOL_VERSION = 1;
export const AE_RPC = { compare: 'ae.compare', entries: 'ae.entries', push: 'ae.push', roots: 'ae.roots', repair: 'ae.repair' } as const;
/**
 * Exchanges one repair (ae.repair) runs at most: each moves up to ANTI_ENTROPY_ENTRIES_MAX
 * entries, so a replica that missed more than this many times that is repaired by the rounds.
 */
export const REPAIR_EXCHANGES_MAX = 8;
/** Partitions one ae.roots request may name (all of a statement's tables, 64 partitions each). */
export const ROOTS_PER_REQUEST_MAX = 64 * 1024;

/** What one exchange found: equal roots, and whether it moved every differing entry it saw. */
export interface ExchangeOutcome {
  readonly inSync: boolean;
  /** False when the peer had more differing entries than one exchange moves. */
  readonly complete: boolean;
}

/** One row's state on a replica: its key without the table id, its version entry, its row (null: deleted). */
export interface ReplicaEntry {
  readonly k: Uint8Array;
  readonly e: Uint8Array;
  readonly r: Uint8Array | null;
}

export interface AntiEntropyPeers {
  readonly nodeId: NodeId;
  /** The partition's replica set, owner first: n nodes (a table's N; unset: the node's setting). */
  replicasOf(partition: number, n?: number): NodeId[];
  isUp(id: NodeId): boolean;
  addressOf(id: NodeId): string | undefined;
}

export interface AntiEntropyRequester {
  request(address: string, type: string, body: unknown, options: { readonly timeoutMs: number }): Promise<{ readonly body: unknown }>;
}

export interface AntiEntropyServer {
  handle(type: string, handler: (body: unknown) => Promise<unknown>): void;
}

export interface AntiEntropyStats {
  rounds: number;
  exchanges: number;
  inSync: number;
  differingSegments: number;
  pulled: number;
  pushed: number;
  failures: number;
}

export interface AntiEntropyOptions {
  readonly store: Store;
  readonly peers: AntiEntropyPeers;
  readonly pool: AntiEntropyRequester;
  readonly server: AntiEntropyServer;
  readonly clock: HybridClock;
  readonly log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;
  readonly intervalMs?: number;
}

function malformed(what: string): EonError {
  return new EonError('protocol_violation', `malformed anti-entropy message: ${what}`);
}

export class AntiEntropy {
  readonly stats: AntiEntropyStats = { rounds: 0, exchanges: 0, inSync: 0, differingSegments: 0, pulled: 0, pushed: 0, failures: 0 };
  /** When each (table, partition) was last found equal to a peer, for replication delay. */
  private readonly lastInSync = new Map<string, number>();
  private readonly nextPeer = new Map<number, number>();
  readonly trees: PartitionTrees;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly o: AntiEntropyOptions) {
    this.trees = new PartitionTrees(o.store);
    // One tree of the partition answers both questions: equal roots, or the leaves to compare.
    o.server.handle(AE_RPC.compare, async (body) => {
      const { table, partition } = this.target(body);
      const tree = this.trees.treeOf(table, partition);
      const root = tree.root().toString();
      return root === (body as { root?: unknown }).root
        ? { v: ANTI_ENTROPY_PROTOCOL_VERSION, root }
        : { v: ANTI_ENTROPY_PROTOCOL_VERSION, root, leaves: tree.serializeLeaves() };
    });
    o.server.handle(AE_RPC.entries, async (body) => {
      const { table, partition } = this.target(body);
      const segments = (body as { segments?: unknown }).segments;
      if (!Array.isArray(segments) || !segments.every((s) => Number.isInteger(s))) throw malformed('segments');
      return { v: ANTI_ENTROPY_PROTOCOL_VERSION, entries: this.entriesIn(table, partition, new Set(segments as number[])) };
    });
    o.server.handle(AE_RPC.push, async (body) => {
      const { table, partition } = this.target(body);
      const entries = this.parseEntries((body as { entries?: unknown }).entries, partition);
      return { v: ANTI_ENTROPY_PROTOCOL_VERSION, applied: await this.applyEntries(table, entries) };
    });
    o.server.handle(AE_RPC.roots, async (body) => {
      const reads = (body as { reads?: unknown } | null)?.reads;
      if (typeof body !== 'object' || body === null || (body as { v?: unknown }).v !== ANTI_ENTROPY_PROTOCOL_VERSION) throw malformed('version');
      if (!Array.isArray(reads)) throw malformed('reads');
      let named = 0;
      const roots = reads.map((read: unknown) => {
        const { table } = this.target({ v: ANTI_ENTROPY_PROTOCOL_VERSION, ...(read as object), partition: 0 });
        const partitions = (read as { partitions?: unknown }).partitions;
        if (!Array.isArray(partitions) || !partitions.every((p) => Number.isInteger(p) && p >= 0 && p < o.store.partitions)) throw malformed('partitions');
        named += partitions.length;
        if (named > ROOTS_PER_REQUEST_MAX) throw malformed('too many partitions');
        return this.roots(table, partitions as number[]);
      });
      return { v: ANTI_ENTROPY_PROTOCOL_VERSION, roots };
    });
    o.server.handle(AE_RPC.repair, async (body) => {
      const { table, partition } = this.target(body);
      const peer = (body as { peer?: unknown }).peer;
      if (typeof peer !== 'string') throw malformed('peer');
      return { v: ANTI_ENTROPY_PROTOCOL_VERSION, root: await this.repairFrom(table, partition, peer) };
    });
  }

  /** This replica's roots of the given partitions of a table. */
  roots(table: TableSchema, partitions: readonly number[]): string[] {
    return partitions.map((p) => this.trees.rootOf(table, p));
  }

  /**
   * Brings this replica of a partition up to `peer`'s (and the peer up to this one's): exchanges
   * until one finds the roots equal or has moved every entry that differed. Returns this
   * replica's root after. Fails when the peer cannot be reached or more differs than
   * REPAIR_EXCHANGES_MAX exchanges move.
   */
  async repairFrom(table: TableSchema, partition: number, peer: NodeId): Promise<string> {
    for (let i = 0; i < REPAIR_EXCHANGES_MAX; i++) {
      const outcome = await this.exchange(table, partition, peer);
      if (outcome.inSync || outcome.complete) return this.trees.rootOf(table, partition);
    }
    throw new EonError('quorum_unavailable', `partition ${partition} of table "${table.name}" differs from its replica on ${peer} by more than one repair moves`, {
      detail: `${REPAIR_EXCHANGES_MAX} anti-entropy exchanges of at most ${ANTI_ENTROPY_ENTRIES_MAX} entries each did not bring it in sync; anti-entropy goes on in the background.`,
    });
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      void this.round();
      this.timer = setTimeout(tick, this.o.intervalMs ?? ANTI_ENTROPY_INTERVAL_MS);
      this.timer.unref();
    };
    this.timer = setTimeout(tick, this.o.intervalMs ?? ANTI_ENTROPY_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  /** Ms since the partition of table was last found equal to a peer (null: never yet). */
  sinceInSyncMs(table: string, partition: number, now: number = Date.now()): number | null {
    const at = this.lastInSync.get(`${table}\u0000${partition}`);
    return at === undefined ? null : now - at;
  }

  /** One round over every table and partition this node replicates (a running round is not doubled); each table by its own N. */
  round(): Promise<void> {
    this.running ??= this.runRound().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runRound(): Promise<void> {
    this.stats.rounds++;
    const self = this.o.peers.nodeId;
    for (let p = 0; p < this.o.store.partitions && !this.stopped; p++) {
      const turn = this.nextPeer.get(p) ?? 0;
      this.nextPeer.set(p, turn + 1);
      // Tables of one N share a replica set here, and so the peer of this round.
      const peers = new Map<number, NodeId | null>();
      for (const table of this.o.store.listTables()) {
        if (this.stopped) return;
        const n = tableQuorum(table).replicas;
        let peer = peers.get(n);
        if (peer === undefined) {
          const replicas = this.o.peers.replicasOf(p, n).slice(0, n);
          const others = replicas.includes(self) ? replicas.filter((id) => id !== self && this.o.peers.isUp(id)) : [];
          peer = others.length === 0 ? null : others[turn % others.length]!;
          peers.set(n, peer);
        }
        if (peer === null) continue;
        try {
          await this.exchange(table, p, peer);
        } catch (e) {
          this.stats.failures++;
          this.o.log('debug', 'anti-entropy exchange failed', { table: table.name, partition: p, peer, error: e instanceof Error ? e.message : String(e) });
        }
      }
    }
  }

  /** Compares one partition of one table with peer and repairs both sides. */
  async exchange(table: TableSchema, partition: number, peer: NodeId): Promise<ExchangeOutcome> {
    const address = this.o.peers.addressOf(peer);
    if (address === undefined) throw new EonError('peer_unavailable', `anti-entropy: no address known for node ${peer}`);
    this.stats.exchanges++;
    const target = { v: ANTI_ENTROPY_PROTOCOL_VERSION, table: table.name, shape: tableShape(table), partition };
    const ask = async (type: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> => {
      const { body } = await this.o.pool.request(address, type, { ...target, ...extra }, { timeoutMs: ANTI_ENTROPY_REQUEST_TIMEOUT_MS });
      if (typeof body !== 'object' || body === null || (body as { v?: unknown }).v !== ANTI_ENTROPY_PROTOCOL_VERSION) throw malformed(`${type} reply`);
      return body as Record<string, unknown>;
    };
    const localTree = this.trees.treeOf(table, partition);
    const localRoot = localTree.root().toString();
    const compared = await ask(AE_RPC.compare, { root: localRoot });
    if (compared.root === localRoot) {
      this.stats.inSync++;
      this.lastInSync.set(`${table.name}\u0000${partition}`, Date.now());
      return { inSync: true, complete: true };
    }
    const leaves = compared.leaves;
    if (!(leaves instanceof Uint8Array)) throw malformed('leaves');
    const { segments } = diffTrees(localTree, MerkleTree.fromLeaves(leaves));
    this.stats.differingSegments += segments.length;
    if (segments.length === 0) return { inSync: false, complete: true };
    const theirs = this.parseEntries((await ask(AE_RPC.entries, { segments })).entries, partition);
    const pulled = await this.applyEntries(table, theirs);
    this.stats.pulled += pulled;
    // What this side holds newer (or the peer lacks) in those segments goes back.
    const theirVersion = new Map(theirs.map((t) => [Buffer.from(t.k).toString('latin1'), t.e]));
    const push = this.entriesIn(table, partition, new Set(segments)).filter((mine) => {
      const other = theirVersion.get(Buffer.from(mine.k).toString('latin1'));
      return other === undefined || compareVersions(decodeVersionEntry(mine.e).version, decodeVersionEntry(other).version) > 0;
    });
    if (push.length > 0) {
      await ask(AE_RPC.push, { entries: push });
      this.stats.pushed += push.length;
    }
    if (pulled > 0 || push.length > 0) {
      this.o.log('info', 'anti-entropy repaired a partition', { table: table.name, partition, peer, pulled, pushed: push.length, segments: segments.length });
    }
    return { inSync: false, complete: theirs.length < ANTI_ENTROPY_ENTRIES_MAX };
  }

  /** This node's entries (with rows) in the given leaf segments of a partition, at most ANTI_ENTROPY_ENTRIES_MAX. */
  private entriesIn(table: TableSchema, partition: number, segments: ReadonlySet<number>): ReplicaEntry[] {
    const out: ReplicaEntry[] = [];
    for (const { key, value } of this.trees.versionRange(table, partition)) {
      if (out.length >= ANTI_ENTROPY_ENTRIES_MAX) break;
      const k = key as Buffer;
      if (!segments.has(segmentOf(k, TABLE_ID_BYTES))) continue;
      const suffix = k.subarray(TABLE_ID_BYTES);
      const entry = Uint8Array.from(value as Uint8Array);
      const tombstone = decodeVersionEntry(entry).tombstone;
      const row = tombstone ? null : this.o.store.encodedRowAt(table, Buffer.from(k));
      // A live entry whose row is gone cannot be shipped consistently; the next write fixes it.
      if (!tombstone && row === undefined) continue;
      out.push({ k: Uint8Array.from(suffix), e: entry, r: row === undefined ? null : row });
    }
    return out;
  }

  /** Applies entries that are newer than what this node holds; returns how many were. */
  private async applyEntries(table: TableSchema, entries: readonly ReplicaEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const decoded = entries.map((e) => {
      const key = Buffer.allocUnsafe(TABLE_ID_BYTES + e.k.length);
      key.writeUInt32BE(table.id >>> 0, 0);
      key.set(e.k, TABLE_ID_BYTES);
      const entry = decodeVersionEntry(e.e);
      this.o.clock.observe(entry.version.hlc);
      return { key, entry, row: entry.tombstone ? null : e.r };
    });
    return this.o.store.applyReplicated((tx) => {
      let applied = 0;
      for (const d of decoded) {
        // A repair is not a new write: the basis is what this replica holds, so no conflict is counted twice.
        const held = tx.versionEntry(d.key) ?? null;
        if (applyChange(tx, table, d.key, d.row, held, d.entry.version, versionStamp(d.entry.version)).applied) applied++;
      }
      return applied;
    });
  }

  private target(body: unknown): { table: TableSchema; partition: number } {
    const b = body as { v?: unknown; table?: unknown; shape?: unknown; partition?: unknown } | null;
    if (b === null || typeof b !== 'object' || b.v !== ANTI_ENTROPY_PROTOCOL_VERSION) throw malformed('version');
    if (typeof b.table !== 'string' || typeof b.shape !== 'string') throw malformed('table');
    if (!Number.isInteger(b.partition) || (b.partition as number) < 0 || (b.partition as number) >= this.o.store.partitions) throw malformed('partition');
    const table = this.o.store.getTable(b.table);
    if (table === undefined || tableShape(table) !== b.shape) throw new EonError('undefined_table', `anti-entropy: no table "${b.table}" of that shape here`);
    return { table, partition: b.partition as number };
  }

  private parseEntries(x: unknown, partition: number): ReplicaEntry[] {
    if (!Array.isArray(x) || x.length > ANTI_ENTROPY_ENTRIES_MAX) throw malformed('entries');
    return x.map((raw) => {
      const e = raw as { k?: unknown; e?: unknown; r?: unknown } | null;
      if (e === null || typeof e !== 'object' || !(e.k instanceof Uint8Array) || !(e.e instanceof Uint8Array)) throw malformed('entry');
      if (!(e.r === null || e.r instanceof Uint8Array)) throw malformed('entry row');
      // The key's first two bytes name its partition: a peer's entry for another partition is refused.
      if (e.k.length < 2 || ((e.k[0]! << 8) | e.k[1]!) !== partition) throw malformed('entry partition');
      return { k: e.k, e: e.e, r: e.r };
    });
  }
}
