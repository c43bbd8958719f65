// The listening side of node-to-node RPC: authenticates each inbound connection, dispatches
// requests to handlers by type (replying with a body, an attachment or an error) and one-way
// messages to their handlers; a misbehaving connection is closed, logged and counted, never a crash.

import { createServer, type Server, type Socket } from 'node:net';
import { EonError, toEonError } from '../../errors/index.js';
import { isLoopbackHost } from '../loopback.js';
import type { NodeId } from '../runtime.js';
import { decodeBody, decodeEnvelope, encodeBody, encodeError } from './codec.js';
import { FRAME_BYTES_MAX, HANDSHAKE_FRAME_BYTES_MAX, RPC_PROTOCOL_VERSION, type Frame, type FrameDecodeError } from './frame.js';
import { FramedSocket, type RpcLogger } from './framed-socket.js';
import {
  authModeOf,
  newNonce,
  parseHello,
  parseProof,
  proofMac,
  proofMatches,
  type Hello,
  type Transcript,
} from './handshake.js';
import {
  CLOSE_LINGER_MS,
  HANDSHAKE_TIMEOUT_MS,
  IN_FLIGHT_REQUESTS_MAX,
  KEEPALIVE_INITIAL_DELAY_MS,
  SEND_QUEUE_BYTES_MAX,
} from './limits.js';
import { RpcCounters, type RpcErrorReason, type RpcStats } from './stats.js';

export interface RequestContext {
  /** The authenticated node id of the caller. */
  readonly from: NodeId;
  readonly attachment?: Uint8Array;
  /** Aborted when the caller cancels (timeout) or the connection or server closes. */
  readonly signal: AbortSignal;
}

/** A handler's result when it carries an attachment; any other value is the response body itself. */
export class RpcReply {
  constructor(
    readonly body: unknown,
    readonly attachment?: Uint8Array,
  ) {}
}

export type RequestHandler = (body: unknown, ctx: RequestContext) => Promise<unknown>;
export type OneWayHandler = (body: unknown, from: NodeId) => void;

export interface PeerServerOptions {
  readonly nodeId: NodeId;
  /** The cluster secret; null runs without authentication (loopback only, unless insecure). */
  readonly secret: string | null;
  /** The host the server will listen on: checked here so a secret-less public server never starts. */
  readonly host: string;
  /** Allows secret: null on a non-loopback host (the node's --insecure flag). */
  readonly insecure?: boolean;
  readonly log?: RpcLogger;
  readonly frameBytesMax?: number;
  readonly sendQueueBytesMax?: number;
  readonly inFlightRequestsMax?: number;
  readonly handshakeTimeoutMs?: number;
}

type InboundState =
  | { readonly kind: 'awaiting-hello' }
  | { readonly kind: 'awaiting-proof'; readonly transcript: Transcript }
  | { readonly kind: 'ready'; readonly peerId: NodeId }
  | { readonly kind: 'closed' };

interface Inbound {
  readonly framed: FramedSocket;
  readonly remote: string;
  state: InboundState;
  readonly inFlight: Map<number, AbortController>;
  handshakeTimer: NodeJS.Timeout | undefined;
}

export class PeerServer {
  private readonly counters = new RpcCounters();
  private readonly handlers = new Map<string, RequestHandler>();
  private readonly oneWayHandlers = new Map<string, OneWayHandler>();
  private readonly inbound = new Set<Inbound>();
  private readonly log: RpcLogger;
  private readonly frameBytesMax: number;
  private readonly sendQueueBytesMax: number;
  private readonly inFlightRequestsMax: number;
  private readonly handshakeTimeoutMs: number;
  private server: Server | undefined;
  private closing = false;

  constructor(private readonly options: PeerServerOptions) {
    PeerServer.checkListenHost(options, options.host);
    this.log = options.log ?? (() => {});
    this.frameBytesMax = options.frameBytesMax ?? FRAME_BYTES_MAX;
    this.sendQueueBytesMax = options.sendQueueBytesMax ?? SEND_QUEUE_BYTES_MAX;
    this.inFlightRequestsMax = options.inFlightRequestsMax ?? IN_FLIGHT_REQUESTS_MAX;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    if (this.inFlightRequestsMax < 1) throw new Error('inFlightRequestsMax must be ≥ 1');
  }

  private static checkListenHost(options: PeerServerOptions, host: string): void {
    if (options.secret === null && options.insecure !== true && !isLoopbackHost(host)) {
      throw new EonError('invalid_parameter_value', `refusing to serve node-to-node RPC without a cluster secret on ${host}`, {
        hint: 'set a cluster secret, listen on a loopback address, or pass --insecure',
      });
    }
    if (options.secret !== null && options.secret.length === 0) {
      throw new EonError('invalid_parameter_value', 'the cluster secret must not be empty (use null for no secret)');
    }
  }

  /** Registers the handler of one request type (replacing any earlier one). */
  handle(type: string, handler: RequestHandler): void {
    this.handlers.set(type, handler);
  }

  /** Registers the handler of one one-way message type. A throw is logged and counted. */
  onMessage(type: string, handler: OneWayHandler): void {
    this.oneWayHandlers.set(type, handler);
  }

  async listen(host: string, port: number): Promise<{ host: string; port: number }> {
    PeerServer.checkListenHost(this.options, host);
    if (this.server !== undefined) throw new Error('PeerServer is already listening');
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => this.log('error', 'rpc server error', { error: e }));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected server address');
    this.log('info', 'rpc server listening', { host, port: address.port, auth: authModeOf(this.options.secret) });
    return { host, port: address.port };
  }

  stats(): RpcStats {
    return this.counters.snapshot();
  }

  /** Stops listening, aborts running handlers and closes every connection. */
  async close(): Promise<void> {
    this.closing = true;
    const server = this.server;
    for (const c of this.inbound) this.drop(c);
    if (server === undefined) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const v = this.counters.values;
    v.connectionsOpen++;
    v.connectionsTotal++;
    let conn: Inbound | undefined;
    const framed = new FramedSocket(
      socket,
      { frameBytesMax: this.frameBytesMax, sendQueueBytesMax: this.sendQueueBytesMax },
      this.counters,
      {
        frame: (f) => this.onFrame(conn!, f),
        decodeError: (e) => this.onDecodeError(conn!, e),
        close: (e) => this.onClose(conn!, e),
        drain: () => this.gateReading(conn!),
      },
      HANDSHAKE_FRAME_BYTES_MAX,
    );
    conn = { framed, remote, state: { kind: 'awaiting-hello' }, inFlight: new Map(), handshakeTimer: undefined };
    socket.setKeepAlive(true, KEEPALIVE_INITIAL_DELAY_MS);
    conn.handshakeTimer = setTimeout(() => this.refuse(conn!, 'handshake_timeout', 'handshake timed out'), this.handshakeTimeoutMs);
    conn.handshakeTimer.unref();
    this.inbound.add(conn);
  }

  private onFrame(c: Inbound, f: Frame): void {
    const state = c.state;
    switch (state.kind) {
      case 'awaiting-hello': {
        if (f.kind !== 'hello') return this.refuse(c, 'handshake_failed', `expected hello, got ${f.kind}`);
        let hello: Hello | undefined;
        try {
          hello = parseHello(decodeBody(f.body));
        } catch {
          hello = undefined;
        }
        if (hello === undefined) return this.refuse(c, 'handshake_failed', 'malformed hello');
        const auth = authModeOf(this.options.secret);
        if (hello.auth !== auth) return this.refuse(c, 'auth_failed', `authentication mode mismatch (peer ${hello.auth}, this node ${auth})`);
        const serverNonce = newNonce();
        const transcript: Transcript = { clientId: hello.nodeId, serverId: this.options.nodeId, clientNonce: hello.nonce, serverNonce };
        c.state = { kind: 'awaiting-proof', transcript };
        return this.writeOrDrop(c, 'challenge', 0, encodeBody({ nodeId: this.options.nodeId, nonce: serverNonce, auth }));
      }
      case 'awaiting-proof': {
        if (f.kind !== 'proof') return this.refuse(c, 'handshake_failed', `expected proof, got ${f.kind}`);
        let proof;
        try {
          proof = parseProof(decodeBody(f.body));
        } catch {
          proof = undefined;
        }
        if (proof === undefined || !proofMatches(this.options.secret, 'client-to-server', state.transcript, proof)) {
          return this.refuse(c, 'auth_failed', `authentication failed for node ${state.transcript.clientId}`);
        }
        clearTimeout(c.handshakeTimer);
        c.handshakeTimer = undefined;
        c.state = { kind: 'ready', peerId: state.transcript.clientId };
        c.framed.authenticated();
        this.log('debug', 'rpc peer connected', { peer: state.transcript.clientId, remote: c.remote });
        return this.writeOrDrop(c, 'welcome', 0, encodeBody({ mac: proofMac(this.options.secret, 'server-to-client', state.transcript) }));
      }
      case 'ready':
        return this.onReadyFrame(c, state.peerId, f);
      case 'closed':
        return;
      default: {
        const never: never = state;
        throw new Error(`unknown state ${String(never)}`);
      }
    }
  }

  private onReadyFrame(c: Inbound, from: NodeId, f: Frame): void {
    switch (f.kind) {
      case 'request':
        return this.onRequest(c, from, f);
      case 'one-way':
        return this.onOneWay(c, from, f);
      case 'cancel':
        c.inFlight.get(f.requestId)?.abort(new EonError('query_canceled', 'the caller canceled the request'));
        return;
      case 'connection-error':
        this.log('warn', 'rpc peer closed with an error', { peer: from, remote: c.remote });
        return this.drop(c);
      case 'hello':
      case 'challenge':
      case 'proof':
      case 'welcome':
      case 'response':
      case 'error-response':
        return this.refuse(c, 'unexpected_frame', `unexpected ${f.kind} frame from a client`);
      default: {
        const never: never = f.kind;
        throw new Error(`unknown frame kind ${String(never)}`);
      }
    }
  }

  private onRequest(c: Inbound, from: NodeId, f: Frame): void {
    const id = f.requestId;
    if (id === 0 || c.inFlight.has(id)) return this.refuse(c, 'duplicate_request_id', `request id ${id} is zero or already in flight`);
    this.counters.values.requests++;
    let type: string;
    let body: unknown;
    try {
      ({ type, body } = decodeEnvelope(f.body));
    } catch (e) {
      this.counters.error('malformed_body');
      return this.reply(c, id, toEonError(e));
    }
    const handler = this.handlers.get(type);
    if (handler === undefined) {
      this.counters.error('unknown_type');
      return this.reply(c, id, new EonError('feature_not_supported', `node ${this.options.nodeId} has no RPC handler for "${type}"`));
    }
    const abort = new AbortController();
    c.inFlight.set(id, abort);
    this.counters.values.inFlight++;
    this.gateReading(c);
    const ctx: RequestContext = { from, signal: abort.signal, ...(f.attachment !== undefined ? { attachment: f.attachment } : {}) };
    const settle = (result: unknown, failed: boolean): void => {
      if (c.inFlight.get(id) === abort) {
        c.inFlight.delete(id);
        this.counters.values.inFlight--;
      }
      if (!abort.signal.aborted) {
        if (failed) {
          const err = toEonError(result);
          this.counters.error('handler_error');
          if (err.code === 'internal_error') this.log('warn', 'rpc handler failed', { type, peer: from, error: result });
          this.reply(c, id, err);
        } else {
          this.reply(c, id, result);
        }
      }
      this.gateReading(c);
    };
    let pending: Promise<unknown>;
    try {
      pending = handler(body, ctx);
    } catch (e) {
      pending = Promise.reject(e);
    }
    Promise.resolve(pending).then(
      (r) => settle(r, false),
      (e: unknown) => settle(e, true),
    );
  }

  private onOneWay(c: Inbound, from: NodeId, f: Frame): void {
    this.counters.values.messages++;
    let type: string;
    let body: unknown;
    try {
      ({ type, body } = decodeEnvelope(f.body));
    } catch {
      this.counters.error('malformed_body');
      return;
    }
    const handler = this.oneWayHandlers.get(type);
    if (handler === undefined) {
      this.counters.error('unknown_type');
      return;
    }
    try {
      handler(body, from);
    } catch (e) {
      this.counters.error('handler_error');
      this.log('warn', 'rpc message handler failed', { type, peer: from, remote: c.remote, error: e });
    }
  }

  private reply(c: Inbound, id: number, result: unknown): void {
    if (c.framed.isClosed) return;
    if (result instanceof EonError) return this.writeOrDrop(c, 'error-response', id, encodeError(result));
    let body: Uint8Array;
    let attachment: Uint8Array | undefined;
    try {
      body = encodeBody(result instanceof RpcReply ? result.body : result);
      attachment = result instanceof RpcReply ? result.attachment : undefined;
    } catch (e) {
      return this.writeOrDrop(c, 'error-response', id, encodeError(toEonError(e)));
    }
    try {
      c.framed.write('response', id, body, attachment, false);
    } catch (e) {
      // Too large for a frame: the caller still gets an answer.
      this.writeOrDrop(c, 'error-response', id, encodeError(toEonError(e)));
    }
  }

  private writeOrDrop(c: Inbound, kind: 'challenge' | 'welcome' | 'error-response', id: number, body: Uint8Array): void {
    try {
      c.framed.write(kind, id, body, undefined, false);
    } catch (e) {
      this.refuse(c, 'send_overflow', `cannot answer: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * Backpressure: a connection is read only while it has room for another request AND the client
   * is taking its responses (send queue under its bound). Otherwise the socket is paused and TCP
   * flow control pushes back on the client, whose own send queue then fills and fails fast.
   */
  private gateReading(c: Inbound): void {
    if (c.state.kind !== 'ready') return;
    if (c.inFlight.size >= this.inFlightRequestsMax || c.framed.sendQueueFull) c.framed.pauseReading();
    else c.framed.resumeReading();
  }

  private onDecodeError(c: Inbound, e: FrameDecodeError): void {
    if (e.reason === 'unsupported_version') {
      this.counters.error('unsupported_version');
      this.log('warn', 'rpc connection refused: protocol version', { remote: c.remote, version: e.version });
      c.state = { kind: 'closed' };
      c.framed.closeAfter(
        'connection-error',
        encodeError(new EonError('protocol_violation', e.message), RPC_PROTOCOL_VERSION),
        CLOSE_LINGER_MS,
      );
      return;
    }
    this.refuse(c, e.reason, e.message);
  }

  /** Closes a connection that broke the protocol or failed authentication, with a log line and a count. */
  private refuse(c: Inbound, reason: RpcErrorReason, message: string): void {
    if (c.state.kind === 'closed') return;
    this.counters.error(reason);
    this.log('warn', 'rpc connection closed', { reason, detail: message, remote: c.remote });
    const code = reason === 'auth_failed' ? 'peer_auth_failed' : 'protocol_violation';
    c.state = { kind: 'closed' };
    c.framed.closeAfter('connection-error', encodeError(new EonError(code, message)), CLOSE_LINGER_MS);
  }

  private drop(c: Inbound): void {
    c.state = { kind: 'closed' };
    c.framed.close();
  }

  private onClose(c: Inbound, e: Error | undefined): void {
    if (!this.inbound.delete(c)) return;
    clearTimeout(c.handshakeTimer);
    c.state = { kind: 'closed' };
    this.counters.values.connectionsOpen--;
    for (const abort of c.inFlight.values()) abort.abort(new EonError('peer_unavailable', 'connection closed'));
    this.counters.values.inFlight -= c.inFlight.size;
    c.inFlight.clear();
    if (e !== undefined && (e as NodeJS.ErrnoException).code !== 'ECONNRESET') {
      this.counters.error('socket_error');
      this.log('debug', 'rpc connection error', { remote: c.remote, error: e });
    }
  }
}
