// One outbound, authenticated connection to a peer's PeerServer: connects, runs the client half of
// the handshake, then matches responses to pending requests by id. Losing the connection rejects
// every pending request; the pool decides when to connect again.

import { connect as netConnect } from 'node:net';
import { EonError, toEonError } from '../../errors/index.js';
import type { NodeId } from '../runtime.js';
import { decodeBody, decodeError, encodeBody, encodeEnvelope, supportedVersionOf } from './codec.js';
import { HANDSHAKE_FRAME_BYTES_MAX, RPC_PROTOCOL_VERSION, type Frame, type FrameDecodeError } from './frame.js';
import { FramedSocket, type RpcLogger } from './framed-socket.js';
import { authModeOf, helloBody, newNonce, parseChallenge, parseProof, proofMac, proofMatches, type Transcript } from './handshake.js';
import { KEEPALIVE_INITIAL_DELAY_MS } from './limits.js';
import type { RpcCounters, RpcErrorReason } from './stats.js';

/** A response: the body and, when the handler sent one, the binary attachment. */
export interface RpcResult {
  readonly body: unknown;
  readonly attachment?: Uint8Array;
}

export interface PeerConnectionOptions {
  readonly nodeId: NodeId;
  readonly secret: string | null;
  readonly frameBytesMax: number;
  readonly sendQueueBytesMax: number;
  readonly handshakeTimeoutMs: number;
  readonly log: RpcLogger;
}

interface PendingRequest {
  readonly resolve: (r: RpcResult) => void;
  readonly reject: (e: EonError) => void;
}

const REQUEST_ID_MAX = 0xffff_ffff;

export class PeerConnection {
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private lost: EonError | undefined;
  private markClosed: () => void = () => {};
  /** Settles when the socket is gone. */
  readonly closed: Promise<void> = new Promise<void>((resolve) => (this.markClosed = resolve));
  /** Called once when the connection is gone (after pending requests were rejected). */
  onLost: (error: EonError) => void = () => {};

  private constructor(
    readonly address: string,
    readonly peerId: NodeId,
    private readonly framed: FramedSocket,
    private readonly counters: RpcCounters,
  ) {}

  /** TCP connect and handshake; rejects with peer_unavailable, peer_auth_failed, peer_timeout or protocol_violation. */
  static open(address: string, options: PeerConnectionOptions, counters: RpcCounters): Promise<PeerConnection> {
    const { host, port } = parseAddress(address);
    return new Promise<PeerConnection>((resolve, reject) => {
      const socket = netConnect({ host, port });
      socket.setKeepAlive(true, KEEPALIVE_INITIAL_DELAY_MS);
      const clientNonce = newNonce();
      let transcript: Transcript | undefined;
      let conn: PeerConnection | undefined;
      let settled = false;
      const where = `peer ${address}`;
      const fail = (reason: RpcErrorReason, e: EonError): void => {
        counters.error(reason);
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          reject(e);
        }
        framed.close();
      };
      const timer = setTimeout(
        () => fail('handshake_timeout', new EonError('peer_timeout', `connecting to ${address} timed out`, { where })),
        options.handshakeTimeoutMs,
      );
      timer.unref();
      const framed: FramedSocket = new FramedSocket(
        socket,
        { frameBytesMax: options.frameBytesMax, sendQueueBytesMax: options.sendQueueBytesMax },
        counters,
        {
          frame: (f) => {
            if (conn !== undefined) return conn.onFrame(f);
            onHandshakeFrame(f);
          },
          decodeError: (e) => {
            if (conn !== undefined) return conn.onDecodeError(e);
            fail(e.reason, new EonError('protocol_violation', `peer ${address}: ${e.message}`, { where }));
          },
          close: (e) => {
            counters.values.connectionsOpen--;
            if (conn !== undefined) return conn.onClose(e);
            if (!settled) {
              counters.error('connect_failed');
              settled = true;
              clearTimeout(timer);
              const msg = e !== undefined ? e.message : 'connection closed during the handshake';
              reject(new EonError('peer_unavailable', `cannot connect to ${address}: ${msg}`, { where, cause: e }));
            }
          },
          drain: () => {},
        },
        HANDSHAKE_FRAME_BYTES_MAX,
      );
      counters.values.connectionsOpen++;
      counters.values.connectionsTotal++;
      const auth = authModeOf(options.secret);
      framed.write('hello', 0, encodeBody(helloBody(options.nodeId, clientNonce, auth)));

      const onHandshakeFrame = (f: Frame): void => {
        if (settled) return;
        let body: unknown;
        try {
          body = decodeBody(f.body);
        } catch {
          return fail('handshake_failed', new EonError('protocol_violation', `peer ${address}: malformed handshake frame`, { where }));
        }
        if (f.kind === 'connection-error') {
          const err = decodeError(f.body, where);
          const version = supportedVersionOf(f.body);
          const reason: RpcErrorReason = err.code === 'peer_auth_failed' ? 'auth_failed' : 'handshake_failed';
          const detail = version !== undefined && version !== RPC_PROTOCOL_VERSION ? `peer speaks RPC protocol version ${version}` : undefined;
          return fail(reason, detail === undefined ? err : new EonError(err.code, err.message, { where, detail }));
        }
        if (transcript === undefined && f.kind === 'challenge') {
          const challenge = parseChallenge(body);
          if (challenge === undefined) {
            return fail('handshake_failed', new EonError('protocol_violation', `peer ${address}: malformed challenge`, { where }));
          }
          if (challenge.auth !== auth) {
            return fail('auth_failed', new EonError('peer_auth_failed', `peer ${address} uses authentication ${challenge.auth}, this node ${auth}`, { where }));
          }
          transcript = { clientId: options.nodeId, serverId: challenge.nodeId, clientNonce, serverNonce: challenge.nonce };
          framed.write('proof', 0, encodeBody({ mac: proofMac(options.secret, 'client-to-server', transcript) }));
          return;
        }
        if (transcript !== undefined && f.kind === 'welcome') {
          const proof = parseProof(body);
          if (proof === undefined || !proofMatches(options.secret, 'server-to-client', transcript, proof)) {
            return fail('auth_failed', new EonError('peer_auth_failed', `peer ${address} failed to prove the cluster secret`, { where }));
          }
          settled = true;
          clearTimeout(timer);
          framed.authenticated();
          conn = new PeerConnection(address, transcript.serverId, framed, counters);
          options.log('debug', 'rpc connected', { peer: transcript.serverId, address });
          resolve(conn);
          return;
        }
        fail('handshake_failed', new EonError('protocol_violation', `peer ${address}: unexpected ${f.kind} during the handshake`, { where }));
      };
    });
  }

  get isOpen(): boolean {
    return this.lost === undefined;
  }

  /** Sends a request; the caller owns the timeout and cancellation (see cancel). Returns the request id. */
  request(type: string, body: unknown, attachment: Uint8Array | undefined, pending: PendingRequest): number {
    if (this.lost !== undefined) throw this.lost;
    const envelope = encodeEnvelope(type, body);
    const id = this.allocateId();
    this.framed.write('request', id, envelope, attachment);
    this.counters.values.requests++;
    this.counters.values.inFlight++;
    this.pending.set(id, pending);
    return id;
  }

  /** Forgets a request (timeout or abort) and tells the server to stop working on it. */
  cancel(id: number): void {
    if (!this.pending.delete(id)) return;
    this.counters.values.inFlight--;
    try {
      this.framed.write('cancel', id, new Uint8Array(0));
    } catch {
      // best effort: a full queue or a closed connection needs no cancel
    }
  }

  /** One-way message, already encoded as an envelope. Throws peer_overloaded / peer_unavailable. */
  sendEnvelope(envelope: Uint8Array): void {
    if (this.lost !== undefined) throw this.lost;
    this.framed.write('one-way', 0, envelope);
    this.counters.values.messages++;
  }

  /** Closes the connection; resolves once the socket is gone and pending requests were rejected. */
  close(reason: EonError): Promise<void> {
    this.lost ??= reason;
    this.framed.close();
    return this.closed;
  }

  private allocateId(): number {
    // Wraps around; skips 0 (no request) and ids still pending after 2^32 requests.
    for (;;) {
      const id = this.nextId;
      this.nextId = id >= REQUEST_ID_MAX ? 1 : id + 1;
      if (!this.pending.has(id)) return id;
    }
  }

  private onFrame(f: Frame): void {
    switch (f.kind) {
      case 'response':
      case 'error-response': {
        const p = this.pending.get(f.requestId);
        if (p === undefined) {
          this.counters.error('unmatched_response');
          return;
        }
        this.pending.delete(f.requestId);
        this.counters.values.inFlight--;
        if (f.kind === 'error-response') return p.reject(decodeError(f.body, `peer ${this.peerId}`));
        let body: unknown;
        try {
          body = decodeBody(f.body);
        } catch (e) {
          this.counters.error('malformed_body');
          return p.reject(toEonError(e));
        }
        return p.resolve(f.attachment === undefined ? { body } : { body, attachment: f.attachment });
      }
      case 'connection-error': {
        const err = decodeError(f.body, `peer ${this.peerId}`);
        this.close(new EonError('peer_unavailable', `peer ${this.peerId} closed the connection: ${err.message}`, { cause: err }));
        return;
      }
      case 'hello':
      case 'challenge':
      case 'proof':
      case 'welcome':
      case 'request':
      case 'one-way':
      case 'cancel':
        this.counters.error('unexpected_frame');
        this.close(new EonError('protocol_violation', `peer ${this.peerId} sent an unexpected ${f.kind} frame`));
        return;
      default: {
        const never: never = f.kind;
        throw new Error(`unknown frame kind ${String(never)}`);
      }
    }
  }

  private onDecodeError(e: FrameDecodeError): void {
    this.counters.error(e.reason);
    this.close(new EonError('protocol_violation', `peer ${this.peerId}: ${e.message}`));
  }

  private onClose(e: Error | undefined): void {
    const reason =
      this.lost ?? new EonError('peer_unavailable', `connection to ${this.peerId} (${this.address}) lost${e !== undefined ? `: ${e.message}` : ''}`);
    if (this.lost === undefined) this.counters.error('connection_lost');
    this.lost = reason;
    const pending = [...this.pending.values()];
    this.counters.values.inFlight -= this.pending.size;
    this.pending.clear();
    for (const p of pending) p.reject(reason);
    this.onLost(reason);
    this.markClosed();
  }
}

/** "host:port" or "[v6]:port". */
export function parseAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  let host = address.slice(0, Math.max(colon, 0));
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (colon <= 0 || host.length === 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new EonError('invalid_parameter_value', `bad peer address "${address}" (expected host:port)`);
  }
  return { host, port };
}
