// The coordinator's side of fragments on other nodes (the query engine's RemoteEngines): coverage
// plans from the ring's serving replicas and membership, and fragment.run requests to the nodes
// they name. A refusal or a failed link is an error the exchange may retry on another replica
// (coverage-transport.ts); a result too large for one frame is asked for again in halves.

import { EonError } from '../../errors/index.js';
import type { FragmentTask, TableSchema } from '../../../storage/index.js';
import type { NodeId } from '../runtime.js';
import { tableQuorum, tableShape } from '../replication/table-quorum.js';
import { coverageCost, coveragePlan, type CoveragePolicy } from './coverage-plan.js';
import { DigestReads, type DigestCluster, type ScanRead } from './digest-reads.js';
import { FRAGMENT_ARGS_INLINE_BYTES_MAX, FRAGMENT_ARGS_RPC_TYPE, FRAGMENT_RUN_RPC_TYPE, argsRequest, decodeResult, encodeArgs, encodeWork, parseRunReply, runRequest, type RunReply } from './messages.js';

/**
 * How long one fragment.run may take: a task is a few partitions' scan or partial aggregate. The
 * statement's own timeout and cancellation end it sooner (the request's signal).
 */
export const FRAGMENT_REQUEST_TIMEOUT_MS = 60_000;

/** What the coordinator needs of its node (digest reads' needs included). */
export interface FragmentCluster extends DigestCluster {
  readonly partitions: number;
  hasPeers(): boolean;
  /** The partition's serving replicas (first n of its preference list, while ownership moves the holders that serve reads). */
  replicasOf(partition: number, n: number): readonly NodeId[];
  /** A member's state as this node sees it (down: dead, left, or unknown). */
  stateOf(node: NodeId): 'alive' | 'suspect' | 'down';
  /** Calls `listener` when a member's state changes; returns the unsubscribe. */
  onStateChange(listener: (node: NodeId, state: 'alive' | 'suspect' | 'down') => void): () => void;
  /** Whether a table is one of this node's stored tables (system tables are computed here). */
  stored(table: TableSchema): boolean;
  /** Whether a replica may lack a write this node coordinated to the table's partition. */
  lagging(table: string, partition: number, node: NodeId): boolean;
  /** A member's gossiped load average (undefined: not known). */
  figuresOf(node: NodeId): { readonly load: number } | undefined;
  request(
    address: string,
    type: string,
    body: unknown,
    options: { readonly timeoutMs: number; readonly attachment?: Uint8Array; readonly signal?: AbortSignal | undefined },
  ): Promise<{ readonly body: unknown; readonly attachment?: Uint8Array }>;
}

/** A node that did not run a task it was sent (the exchange asks another replica). */
export class FragmentRefused extends EonError {
  constructor(node: NodeId, detail: string) {
    super('peer_unavailable', `node ${node} did not run a fragment: ${detail}`);
  }
}

const RETRIABLE = new Set(['peer_unavailable', 'peer_timeout', 'peer_overloaded']);

/** A task's arguments as sent: their bytes once, and where they were left (fragment.args) by node. */
interface SentArgs {
  readonly id: string;
  readonly bytes: Uint8Array;
  readonly at: Map<NodeId, Promise<void>>;
}

let argsCounter = 0;

/** What a node sent back for one task: its results (several when it was asked in halves) and their bytes. */
export interface RemoteResults {
  readonly results: readonly unknown[];
  readonly bytes: number;
}

/** A fragment.run reply, parsed, with the result's bytes. */
interface Answer {
  readonly reply: RunReply;
  readonly attachment?: Uint8Array;
}

export class ClusterRemoteEngines {
  readonly self: NodeId;
  readonly digests: DigestReads;
  /** By the arguments array a statement's tasks share (one per kernel run). */
  private readonly sentArgs = new WeakMap<readonly unknown[], SentArgs | null>();

  constructor(
    private readonly cluster: FragmentCluster,
    private readonly timeoutMs: number = FRAGMENT_REQUEST_TIMEOUT_MS,
  ) {
    this.self = cluster.self;
    this.digests = new DigestReads(cluster);
  }

  /** Digest reads (digest-reads.ts): each reader brought in line with R−1 other replicas before the scan. */
  syncReads(reads: readonly ScanRead[], signal?: AbortSignal): Promise<void> {
    return this.digests.sync(reads, signal);
  }

  active(): boolean {
    return this.cluster.hasPeers();
  }

  coverage(table: TableSchema, policy: CoveragePolicy, avoid?: ReadonlySet<string>): readonly string[] {
    const { cluster } = this;
    if (!cluster.stored(table)) return new Array<string>(cluster.partitions).fill(this.self);
    const n = tableQuorum(table).replicas;
    return coveragePlan(
      {
        self: this.self,
        partitions: cluster.partitions,
        replicasOf: (p) => cluster.replicasOf(p, n).slice(0, n),
        lagging: (p, node) => cluster.lagging(table.name, p, node),
        cost: (node) => coverageCost(cluster.figuresOf(node)),
        usable: (node) => {
          const state = cluster.stateOf(node);
          return state !== 'down' && cluster.addressOf(node) !== undefined ? state : false;
        },
      },
      table.name,
      policy,
      avoid,
    );
  }

  async run(node: string, table: TableSchema, task: FragmentTask, signal?: AbortSignal): Promise<RemoteResults> {
    const address = this.cluster.addressOf(node);
    if (address === undefined) throw new FragmentRefused(node, 'no address known');
    if (this.cluster.stateOf(node) === 'down') throw new FragmentRefused(node, 'it is down');
    // A node membership declares dead while it runs the task (paused or cut off for seconds) is
    // not waited for until the request times out: the task goes to another replica then. Not at
    // mere suspicion: a busy node is suspected often, and its task may have no other replica.
    const lost = new AbortController();
    const unsubscribe = this.cluster.onStateChange((n, state) => {
      if (n === node && state === 'down') lost.abort();
    });
    const both = signal === undefined ? lost.signal : AbortSignal.any([signal, lost.signal]);
    let answer: Answer;
    try {
      answer = await this.send(address, node, table, task, both, true);
    } catch (e) {
      if (lost.signal.aborted && signal?.aborted !== true) throw new FragmentRefused(node, `it became ${this.cluster.stateOf(node)} while running the task`);
      throw e;
    } finally {
      unsubscribe();
    }
    const parsed = answer.reply;
    if (parsed.kind === 'result') return { results: [decodeResult(answer.attachment)], bytes: answer.attachment?.byteLength ?? 0 };
    // A task's arguments can always be sent again (the node restarted, or dropped them).
    if (parsed.reason === 'args-unknown') throw new FragmentRefused(node, parsed.detail);
    if (parsed.reason === 'result-too-large' && task.partitions.length > 1) {
      const half = Math.ceil(task.partitions.length / 2);
      const [a, b] = await Promise.all([
        this.run(node, table, { ...task, partitions: task.partitions.slice(0, half) }, signal),
        this.run(node, table, { ...task, partitions: task.partitions.slice(half) }, signal),
      ]);
      return { results: [...a.results, ...b.results], bytes: a.bytes + b.bytes };
    }
    if (parsed.reason === 'overloaded') throw new EonError('peer_overloaded', `node ${node} is overloaded: ${parsed.detail}`);
    if (parsed.reason === 'result-too-large') {
      throw new EonError('program_limit_exceeded', `one partition's fragment result of table "${table.name}" is too large to send between nodes`, { detail: parsed.detail });
    }
    throw new FragmentRefused(node, parsed.detail);
  }

  /**
   * Sends one task: with its arguments inline when they are small, else naming those left at the
   * node once per arguments array (sent first, and again once when the node no longer has them).
   */
  private async send(address: string, node: NodeId, table: TableSchema, task: FragmentTask, signal: AbortSignal, retry: boolean): Promise<Answer> {
    const runTask = async (work: FragmentTask, argsRef?: string): Promise<Answer> => {
      const r = await this.cluster.request(address, FRAGMENT_RUN_RPC_TYPE, runRequest(table.name, tableShape(table), argsRef), {
        timeoutMs: this.timeoutMs,
        attachment: encodeWork(work),
        signal,
      });
      return { reply: parseRunReply(r.body), ...(r.attachment === undefined ? {} : { attachment: r.attachment }) };
    };
    const sent = this.argsOf(task.args);
    if (sent === null) return runTask(task);
    let left = sent.at.get(node);
    if (left === undefined) {
      left = this.cluster
        .request(address, FRAGMENT_ARGS_RPC_TYPE, argsRequest(sent.id), { timeoutMs: this.timeoutMs, attachment: sent.bytes, signal })
        .then(() => undefined);
      sent.at.set(node, left);
      left.catch(() => sent.at.delete(node));
    }
    await left.catch((e: unknown) => {
      throw new FragmentRefused(node, `its task arguments could not be left there: ${e instanceof Error ? e.message : String(e)}`);
    });
    const answer = await runTask({ ...task, args: [] }, sent.id);
    if (retry && answer.reply.kind === 'refused' && answer.reply.reason === 'args-unknown') {
      sent.at.delete(node);
      return this.send(address, node, table, task, signal, false);
    }
    return answer;
  }

  /** The arguments' bytes and id when they are too large to travel with every task; else null. */
  private argsOf(args: readonly unknown[]): SentArgs | null {
    let sent = this.sentArgs.get(args);
    if (sent === undefined) {
      const bytes = encodeArgs(args);
      sent = bytes.byteLength <= FRAGMENT_ARGS_INLINE_BYTES_MAX ? null : { id: `${this.self}.${Date.now().toString(36)}.${(argsCounter++).toString(36)}`, bytes, at: new Map() };
      this.sentArgs.set(args, sent);
    }
    return sent;
  }

  retriable(error: unknown): boolean {
    return error instanceof EonError && RETRIABLE.has(error.code);
  }
}
