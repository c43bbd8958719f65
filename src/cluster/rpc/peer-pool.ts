// The calling side of node-to-node RPC: one persistent authenticated connection per peer address,
// opened on first use and re-opened after loss with bounded exponential backoff; requests with
// timeouts and cancellation, and fire-and-forget one-way messages that are dropped (and counted)
// when the peer cannot be reached.

import { EonError, toEonError } from '../../errors/index.js';
import type { NodeId } from '../runtime.js';
import { encodeEnvelope } from './codec.js';
import { FRAME_BYTES_MAX } from './frame.js';
import type { RpcLogger } from './framed-socket.js';
import {
  HANDSHAKE_TIMEOUT_MS,
  RECONNECT_BACKOFF_MAX_MS,
  RECONNECT_BACKOFF_MIN_MS,
  REQUEST_TIMEOUT_MS,
  SEND_QUEUE_BYTES_MAX,
} from './limits.js';
import { PeerConnection, parseAddress, type PeerConnectionOptions, type RpcResult } from './peer-connection.js';
import { RpcCounters, type RpcErrorReason, type RpcStats } from './stats.js';

export interface PeerPoolOptions {
  readonly nodeId: NodeId;
  readonly secret: string | null;
  readonly log?: RpcLogger;
  readonly requestTimeoutMs?: number;
  readonly frameBytesMax?: number;
  readonly sendQueueBytesMax?: number;
  readonly handshakeTimeoutMs?: number;
  readonly reconnectBackoffMinMs?: number;
  readonly reconnectBackoffMaxMs?: number;
}

export interface RequestOptions {
  /** Whole request, connect included; default REQUEST_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  readonly attachment?: Uint8Array;
  readonly signal?: AbortSignal;
}

/** Per address: the live connection, the connect in progress, or the backoff after failures. */
class PeerLink {
  connection: PeerConnection | undefined;
  connecting: Promise<PeerConnection> | undefined;
  /** Consecutive failed connects; 0 after a success. */
  failures = 0;
  retryAtMs = 0;
  lastError: EonError | undefined;
  everConnected = false;
  /** One-way messages waiting for the connect in progress. */
  waiting: Uint8Array[] = [];
  waitingBytes = 0;
  constructor(readonly address: string) {}
}

export class PeerPool {
  private readonly counters = new RpcCounters();
  private readonly links = new Map<string, PeerLink>();
  private readonly connectionOptions: PeerConnectionOptions;
  private readonly requestTimeoutMs: number;
  private readonly sendQueueBytesMax: number;
  private readonly backoffMinMs: number;
  private readonly backoffMaxMs: number;
  private closed = false;

  constructor(options: PeerPoolOptions) {
    this.connectionOptions = {
      nodeId: options.nodeId,
      secret: options.secret,
      frameBytesMax: options.frameBytesMax ?? FRAME_BYTES_MAX,
      sendQueueBytesMax: options.sendQueueBytesMax ?? SEND_QUEUE_BYTES_MAX,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
      log: options.log ?? (() => {}),
    };
    this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    this.sendQueueBytesMax = this.connectionOptions.sendQueueBytesMax;
    this.backoffMinMs = options.reconnectBackoffMinMs ?? RECONNECT_BACKOFF_MIN_MS;
    this.backoffMaxMs = options.reconnectBackoffMaxMs ?? RECONNECT_BACKOFF_MAX_MS;
    if (this.backoffMinMs <= 0 || this.backoffMaxMs < this.backoffMinMs) throw new Error('bad reconnect backoff bounds');
  }

  /**
   * A request to the peer at address. Rejects with the handler's EonError (same code), or
   * peer_timeout, peer_unavailable, peer_auth_failed, peer_overloaded, query_canceled (signal).
   */
  request(address: string, type: string, body: unknown, options: RequestOptions = {}): Promise<RpcResult> {
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const signal = options.signal;
    return new Promise<RpcResult>((resolve, reject) => {
      let done = false;
      let sent: { connection: PeerConnection; id: number } | undefined;
      const finish = (): void => {
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const giveUp = (e: EonError): void => {
        if (done) return;
        finish();
        if (sent !== undefined) sent.connection.cancel(sent.id);
        reject(e);
      };
      const onAbort = (): void => giveUp(new EonError('query_canceled', `request "${type}" to ${address} canceled`));
      const timer = setTimeout(() => {
        this.counters.error('timeout');
        giveUp(new EonError('peer_timeout', `request "${type}" to ${address} timed out after ${timeoutMs} ms`, { where: `peer ${address}` }));
      }, timeoutMs);
      timer.unref();
      if (signal?.aborted === true) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const deadlineMs = Date.now() + timeoutMs;
      this.connection(address, deadlineMs).then(
        (connection) => {
          if (done) return;
          try {
            const id = connection.request(type, body, options.attachment, {
              resolve: (r) => {
                if (done) return;
                finish();
                resolve(r);
              },
              reject: (e) => {
                if (done) return;
                finish();
                reject(e);
              },
            });
            sent = { connection, id };
          } catch (e) {
            giveUp(toEonError(e));
          }
        },
        (e: unknown) => giveUp(toEonError(e)),
      );
    });
  }

  /** Fire-and-forget. Dropped (and counted) when the peer is in reconnect backoff or its queue is full. */
  send(address: string, type: string, body: unknown): void {
    if (this.closed) return this.drop('dropped_unreachable');
    const envelope = encodeEnvelope(type, body);
    const link = this.link(address);
    if (link === undefined) return this.drop('dropped_unreachable');
    if (link.connection !== undefined && !link.connection.isOpen) link.connection = undefined;
    if (link.connection !== undefined) {
      try {
        link.connection.sendEnvelope(envelope);
      } catch (e) {
        // A full queue was counted as send_overflow where it was refused.
        if (!(e instanceof EonError && e.code === 'peer_overloaded')) this.drop('dropped_unreachable');
      }
      return;
    }
    if (link.connecting === undefined && Date.now() < link.retryAtMs) return this.drop('dropped_unreachable');
    if (link.waitingBytes + envelope.byteLength > this.sendQueueBytesMax) return this.drop('send_overflow');
    link.waiting.push(envelope);
    link.waitingBytes += envelope.byteLength;
    if (link.connecting === undefined) this.startConnect(link, 0).catch(() => {});
  }

  /** Counts a message dropped above the pool (e.g. the transport adapter knows no address for a node). */
  recordDrop(reason: 'dropped_unknown_node' | 'dropped_invalid'): void {
    this.counters.error(reason);
  }

  /** The authenticated node id behind address, once connected. */
  peerIdOf(address: string): NodeId | undefined {
    return this.links.get(address)?.connection?.peerId;
  }

  stats(): RpcStats {
    return this.counters.snapshot();
  }

  /** Closes the connection to address (a node that left) and forgets its backoff; pending requests reject. */
  async forget(address: string): Promise<void> {
    const link = this.links.get(address);
    if (link === undefined) return;
    this.links.delete(address);
    await this.shut(link, new EonError('peer_unavailable', `connection to ${address} closed`));
  }

  /** Closes every connection; pending requests reject with peer_unavailable. */
  async close(): Promise<void> {
    this.closed = true;
    const shutdown = new EonError('peer_unavailable', 'the RPC pool is closed');
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all(links.map((link) => this.shut(link, shutdown)));
  }

  private async shut(link: PeerLink, reason: EonError): Promise<void> {
    for (let i = 0; i < link.waiting.length; i++) this.drop('dropped_unreachable');
    link.waiting = [];
    link.waitingBytes = 0;
    const closing: Promise<void>[] = [];
    if (link.connection !== undefined) closing.push(link.connection.close(reason));
    link.connection = undefined;
    if (link.connecting !== undefined) closing.push(link.connecting.then((c) => c.close(reason), () => {}));
    await Promise.all(closing);
  }

  private drop(reason: RpcErrorReason): void {
    this.counters.error(reason);
  }

  private link(address: string): PeerLink | undefined {
    let link = this.links.get(address);
    if (link === undefined) {
      try {
        parseAddress(address);
      } catch {
        return undefined;
      }
      link = new PeerLink(address);
      this.links.set(address, link);
    }
    return link;
  }

  /** The ready connection, waiting out a backoff that ends before the deadline, else peer_unavailable now. */
  private connection(address: string, deadlineMs: number): Promise<PeerConnection> {
    if (this.closed) return Promise.reject(new EonError('peer_unavailable', 'the RPC pool is closed'));
    const link = this.link(address);
    if (link === undefined) return Promise.reject(new EonError('invalid_parameter_value', `bad peer address "${address}" (expected host:port)`));
    // A connection closed by us (protocol error) is forgotten at once, before its socket's close event.
    if (link.connection !== undefined && !link.connection.isOpen) link.connection = undefined;
    if (link.connection !== undefined) return Promise.resolve(link.connection);
    if (link.connecting !== undefined) return link.connecting;
    const waitMs = Math.max(0, link.retryAtMs - Date.now());
    if (waitMs > 0 && Date.now() + waitMs >= deadlineMs) {
      return Promise.reject(
        new EonError('peer_unavailable', `peer ${address} is unreachable (retrying in ${waitMs} ms)`, {
          where: `peer ${address}`,
          ...(link.lastError !== undefined ? { detail: link.lastError.message, cause: link.lastError } : {}),
        }),
      );
    }
    return this.startConnect(link, waitMs);
  }

  private startConnect(link: PeerLink, delayMs: number): Promise<PeerConnection> {
    const attempt = (async (): Promise<PeerConnection> => {
      if (delayMs > 0) await new Promise<void>((r) => setTimeout(r, delayMs).unref());
      if (this.closed) throw new EonError('peer_unavailable', 'the RPC pool is closed');
      return PeerConnection.open(link.address, this.connectionOptions, this.counters);
    })();
    link.connecting = attempt;
    attempt.then(
      (connection) => {
        link.connecting = undefined;
        if (this.closed || this.links.get(link.address) !== link) {
          void connection.close(new EonError('peer_unavailable', 'the RPC pool is closed'));
          return;
        }
        if (link.everConnected) this.counters.values.reconnects++;
        link.everConnected = true;
        link.failures = 0;
        link.retryAtMs = 0;
        link.lastError = undefined;
        link.connection = connection;
        connection.onLost = () => {
          if (link.connection === connection) link.connection = undefined;
        };
        const waiting = link.waiting;
        link.waiting = [];
        link.waitingBytes = 0;
        for (const envelope of waiting) {
          try {
            connection.sendEnvelope(envelope);
          } catch {
            this.drop('dropped_unreachable');
          }
        }
      },
      (e: unknown) => {
        link.connecting = undefined;
        link.failures++;
        const ceiling = Math.min(this.backoffMaxMs, this.backoffMinMs * 2 ** Math.min(link.failures - 1, 30));
        // Jitter (50–100 % of the ceiling) keeps a restarted node from being hit by every peer at once.
        link.retryAtMs = Date.now() + ceiling * (0.5 + Math.random() / 2);
        link.lastError = toEonError(e);
        for (let i = 0; i < link.waiting.length; i++) this.drop('dropped_unreachable');
        link.waiting = [];
        link.waitingBytes = 0;
        this.connectionOptions.log('debug', 'rpc connect failed', { address: link.address, failures: link.failures, error: link.lastError });
      },
    );
    return attempt;
  }
}
