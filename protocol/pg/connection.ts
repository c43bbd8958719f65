// One client connection: startup and authentication, then an ordered queue of messages run one at a time.

import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { TLSSocket } from 'node:tls';
import type { SecureContext } from 'node:tls';
import { EonError, toEonError } from '../../src/errors/index.js';
import type { Session, SessionFactory } from '../../query/session/contract.js';
import { FrameReader } from './frame-reader.js';
import { FRONTEND_MESSAGE_TYPES, FieldReader, parseFrontendMessage, typeTable } from './frontend-messages.js';
import type { FrontendMessage } from './frontend-messages.js';
import { MessageWriter } from './message-writer.js';
import { AUTH_TIMEOUT_MS, OUTPUT_FLUSH_BYTES, QUEUED_MESSAGES_MAX } from './limits.js';
import { TRACKED_SETTINGS, decodeStartupPacket, identify, reportedParameters } from './startup.js';
import { SCRAM_MECHANISM, ScramExchange } from './scram.js';
import { MD5_SALT_BYTES, authenticationFailed, md5Response, secretsEqual } from './password-auth.js';
import type { PasswordAuth } from './password-auth.js';
import { checkLogin, cleartextMatches, scramVerifierOf, type RoleDirectory } from './role-auth.js';
import {
  writeAuthenticationCleartextPassword,
  writeAuthenticationMd5Password,
  writeAuthenticationOk,
  writeAuthenticationSasl,
  writeAuthenticationSaslContinue,
  writeAuthenticationSaslFinal,
  writeBackendKeyData,
  writeNegotiateProtocolVersion,
  writeParameterStatus,
  writeReadyForQuery,
} from './backend-messages.js';
import { writeErrorResponse } from './error-messages.js';
import type { QueryContext } from './query-context.js';
import { runSimpleQuery } from './simple-query.js';
import { CopyInMode } from './copy-in.js';
import { ExtendedQueryState } from './extended-query.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, msg: string, fields: Record<string, unknown>) => void;

/** What the server provides to each connection. */
export interface ConnectionHost {
  readonly sessions: SessionFactory;
  /** null: trust authentication. */
  readonly auth: PasswordAuth | null;
  /** Set: each role authenticates with its own password from the role catalog (role-auth.ts); null: `auth`'s one password for any user. */
  readonly roles: RoleDirectory | null;
  /** null: SSLRequest is refused and the connection stays in the clear. */
  readonly tls: SecureContext | null;
  readonly log: Logger;
  /** Registers the connection for CancelRequest; returns its process id and secret key. */
  register(conn: Connection): { processId: number; secretKey: number };
  unregister(conn: Connection): void;
  cancel(processId: number, secretKey: number): void;
}

type Phase = 'startup' | 'auth' | 'ready' | 'closed';

/** A decoded message, or the framing error that ends the stream after the messages before it. */
type QueueItem = FrontendMessage | { readonly kind: 'protocolError'; readonly error: EonError };

/** Password exchange in progress: what the next PasswordMessage ('p') must carry. */
type AuthState =
  | { readonly kind: 'saslInitial'; readonly exchange: ScramExchange }
  | { readonly kind: 'saslFinal'; readonly exchange: ScramExchange }
  | { readonly kind: 'md5'; readonly expected: Buffer }
  | { readonly kind: 'password'; readonly expected: Buffer }
  | { readonly kind: 'rolePassword' };

const ENCRYPTION_REFUSED = Buffer.from('N');
const SSL_ACCEPTED = Buffer.from('S');
const PASSWORD_MESSAGE = 0x70; // 'p'
/** During authentication only PasswordMessage may arrive; anything else is refused on its type byte. */
const AUTH_MESSAGE_TYPES = typeTable([PASSWORD_MESSAGE]);

export class Connection implements QueryContext {
  readonly writer = new MessageWriter();
  /** Replaced by the TLS socket once SSLRequest is accepted. */
  private socket: Socket;
  /** Replaced by a fresh one when the stream switches to TLS (plaintext bytes are never carried over). */
  private reader = new FrameReader();
  private phase: Phase = 'startup';
  private sessionOrNull: Session | null = null;
  private user = '';
  private authState: AuthState | null = null;
  /** SSLRequest and GSSENCRequest are each answered once, as in PostgreSQL. */
  private sslAnswered = false;
  private gssAnswered = false;
  /** SSLRequest accepted: switch to TLS once the chunk that carried it is read. */
  private tlsPending = false;
  private encrypted = false;
  private pendingDatabase = '';
  private startupParams: ReadonlyMap<string, string> = new Map();
  private readonly queue: QueueItem[] = [];
  private queueHead = 0;
  private pumping = false;
  private paused = false;
  private running: AbortController | null = null;
  private spareController: AbortController | null = null;
  /** Copy-in mode: the COPY FROM STDIN the next CopyData messages belong to. */
  private copyIn: CopyInMode | null = null;
  private shutdownRequested = false;
  private readonly extended: ExtendedQueryState = new ExtendedQueryState(this, (sink) => {
    this.copyIn = CopyInMode.forExecute(this, sink, () => this.extended.failed());
  });
  private readonly authTimer: NodeJS.Timeout;
  private readonly closedWaiters: (() => void)[] = [];
  private socketClosed = false;
  private flushScheduled = false;
  /** ParameterStatus values the client has been told, to report only changes. */
  private readonly reported = new Map<string, string>();
  private readonly remote: string;

  constructor(
    socket: Socket,
    private readonly host: ConnectionHost,
  ) {
    this.socket = socket;
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', this.onSocketData);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onSocketClose);
    this.authTimer = setTimeout(() => {
      if (this.phase === 'startup' || this.phase === 'auth') this.socket.destroy();
    }, AUTH_TIMEOUT_MS);
    this.authTimer.unref();
  }

  get session(): Session {
    if (this.sessionOrNull === null) throw new EonError('internal_error', 'no session before startup completed');
    return this.sessionOrNull;
  }

  /** Resolves once the socket has closed and the session is released. */
  closed(): Promise<void> {
    if (this.socketClosed) return Promise.resolve();
    return new Promise((resolve) => this.closedWaiters.push(resolve));
  }

  // ---- input ----

  private readonly onSocketData = (chunk: Buffer): void => this.onData(chunk);
  private readonly onSocketError = (err: Error): void =>
    this.host.log('debug', 'pg socket error', { remote: this.remote, error: err.message });
  private readonly onSocketClose = (): void => this.cleanup();

  private onData(chunk: Buffer): void {
    try {
      this.reader.push(chunk, (type, body) => this.onFrame(type, body));
    } catch (e) {
      if (this.phase !== 'ready') {
        this.fatal(toEonError(e));
        return;
      }
      // Messages before the bad one were valid and are answered first, as a server reading one at a time would.
      this.reader.stopped = true;
      this.queue.push({ kind: 'protocolError', error: toEonError(e) });
    }
    if (this.tlsPending) {
      this.startTls();
      return;
    }
    if (this.queue.length - this.queueHead >= QUEUED_MESSAGES_MAX && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    this.pump();
  }

  private onFrame(type: number, body: Buffer): void {
    switch (this.phase) {
      case 'startup':
        this.onStartupPacket(body);
        return;
      case 'auth':
        this.onAuthMessage(type, body);
        return;
      case 'ready':
        this.queue.push(parseFrontendMessage(type, body));
        return;
      case 'closed':
        return;
    }
  }

  private onStartupPacket(body: Buffer): void {
    const packet = decodeStartupPacket(body);
    switch (packet.kind) {
      case 'sslRequest':
        if (this.sslAnswered) throw new EonError('protocol_violation', 'SSLRequest received twice: encryption was already negotiated');
        this.sslAnswered = true;
        if (this.host.tls !== null) {
          // Nothing after SSLRequest may be read in the clear: stop here and switch to TLS.
          this.tlsPending = true;
          this.reader.stopped = true;
          return;
        }
        // One unframed byte; the client then sends its startup packet in the clear.
        this.socket.write(ENCRYPTION_REFUSED);
        return;
      case 'gssEncRequest':
        if (this.gssAnswered || this.encrypted) {
          throw new EonError('protocol_violation', 'GSSENCRequest out of place: encryption was already negotiated');
        }
        this.gssAnswered = true;
        this.socket.write(ENCRYPTION_REFUSED);
        return;
      case 'cancelRequest':
        this.host.cancel(packet.processId, packet.secretKey);
        this.phase = 'closed';
        this.reader.stopped = true;
        this.socket.end();
        return;
      case 'startup':
        break;
    }
    const { user, database } = identify(packet.params);
    this.user = user;
    this.startupParams = packet.params;
    this.reader.startupPhase = false;
    if (packet.negotiate !== null) {
      writeNegotiateProtocolVersion(this.writer, packet.negotiate.minor, packet.negotiate.unknownOptions);
    }
    const auth = this.host.auth;
    if (auth === null) {
      if (this.host.roles !== null) checkLogin(this.host.roles, user);
      this.completeStartup(database);
      return;
    }
    this.phase = 'auth';
    this.pendingDatabase = database;
    this.reader.acceptedTypes = AUTH_MESSAGE_TYPES;
    this.reader.refusedTypeMessage = 'expected password response, got message type';
    this.authState = this.askForPassword(auth, user);
    this.flush();
  }

  /** Sends the authentication request of the configured method; returns what the answer must be. */
  private askForPassword(auth: PasswordAuth, user: string): AuthState {
    const roles = this.host.roles;
    if (roles !== null) {
      // Role secrets are SCRAM: md5 then runs SCRAM too, as PostgreSQL does for a SCRAM secret under md5.
      if (auth.kind === 'password') {
        writeAuthenticationCleartextPassword(this.writer);
        return { kind: 'rolePassword' };
      }
      writeAuthenticationSasl(this.writer, [SCRAM_MECHANISM]);
      return { kind: 'saslInitial', exchange: new ScramExchange(scramVerifierOf(roles, user), user) };
    }
    switch (auth.kind) {
      case 'scram-sha-256':
        writeAuthenticationSasl(this.writer, [SCRAM_MECHANISM]);
        return { kind: 'saslInitial', exchange: new ScramExchange(auth.verifier, user) };
      case 'md5': {
        const salt = randomBytes(MD5_SALT_BYTES);
        writeAuthenticationMd5Password(this.writer, salt);
        return { kind: 'md5', expected: Buffer.from(md5Response(auth.password, user, salt), 'utf8') };
      }
      case 'password':
        writeAuthenticationCleartextPassword(this.writer);
        return { kind: 'password', expected: Buffer.from(auth.password, 'utf8') };
      default: {
        const never: never = auth;
        throw new Error(`unknown password method ${(never as { kind: string }).kind}`);
      }
    }
  }

  private onAuthMessage(type: number, body: Buffer): void {
    const state = this.authState;
    if (type !== PASSWORD_MESSAGE || state === null) {
      throw new EonError('protocol_violation', `expected password response, got message type ${type}`);
    }
    switch (state.kind) {
      case 'saslInitial': {
        const r = new FieldReader(body);
        const mechanism = r.cstring();
        if (mechanism !== SCRAM_MECHANISM) {
          throw new EonError('protocol_violation', 'client selected an invalid SASL authentication mechanism');
        }
        const len = r.int32();
        const data = r.bytes(len < 0 ? 0 : len).toString('utf8');
        r.expectEnd();
        this.authState = { kind: 'saslFinal', exchange: state.exchange };
        writeAuthenticationSaslContinue(this.writer, state.exchange.start(data));
        this.flush();
        return;
      }
      case 'saslFinal':
        writeAuthenticationSaslFinal(this.writer, state.exchange.finish(body.toString('utf8')));
        break;
      case 'md5':
      case 'password':
        if (!secretsEqual(passwordOf(body), state.expected)) throw authenticationFailed(this.user);
        break;
      case 'rolePassword':
        if (this.host.roles === null || !cleartextMatches(this.host.roles, this.user, passwordOf(body).toString('utf8'))) throw authenticationFailed(this.user);
        break;
      default: {
        const never: never = state;
        throw new Error(`unknown authentication state ${(never as { kind: string }).kind}`);
      }
    }
    this.authState = null;
    if (this.host.roles !== null) checkLogin(this.host.roles, this.user);
    this.completeStartup(this.pendingDatabase);
  }

  /**
   * Switches the socket to TLS after SSLRequest was accepted. Bytes that came with the request were
   * sent before encryption, so they may come from a man in the middle: they end the connection.
   */
  private startTls(): void {
    this.tlsPending = false;
    const context = this.host.tls;
    if (context === null) throw new Error('startTls without a TLS context');
    if (this.reader.unreadBytes > 0) {
      this.fatal(new EonError('protocol_violation', 'received unencrypted data after SSL request'));
      return;
    }
    const plain = this.socket;
    plain.write(SSL_ACCEPTED);
    plain.off('data', this.onSocketData);
    // A client that answers 'S' with plaintext fails the handshake; the TLS socket then errors and closes.
    const secure = new TLSSocket(plain, { isServer: true, secureContext: context });
    secure.on('data', this.onSocketData);
    secure.on('error', this.onSocketError);
    secure.on('close', this.onSocketClose);
    this.socket = secure;
    this.encrypted = true;
    this.reader = new FrameReader();
  }

  private completeStartup(database: string): void {
    const session = this.host.sessions.openSession({ user: this.user, database });
    // libpq sends PGTZ, and JDBC its zone, as a startup parameter; a bad one fails the login (22023) as in PostgreSQL.
    const zone = [...this.startupParams].find(([k]) => k.toLowerCase() === 'timezone')?.[1];
    if (zone !== undefined) {
      try {
        session.changeSetting?.('TimeZone', zone);
      } catch (e) {
        session.close();
        throw e;
      }
    }
    this.sessionOrNull = session;
    const w = this.writer;
    writeAuthenticationOk(w);
    for (const [name, value] of reportedParameters(session, this.user, this.startupParams)) {
      writeParameterStatus(w, name, value);
      this.reported.set(name, value);
    }
    const key = this.host.register(this);
    writeBackendKeyData(w, key.processId, key.secretKey);
    writeReadyForQuery(w, session.transactionStatus);
    this.flush();
    this.phase = 'ready';
    this.reader.acceptedTypes = FRONTEND_MESSAGE_TYPES;
    this.reader.refusedTypeMessage = 'invalid frontend message type';
    clearTimeout(this.authTimer);
    this.host.log('info', 'pg connection ready', {
      remote: this.remote,
      user: this.user,
      database,
      pid: key.processId,
      tls: this.encrypted,
    });
  }

  // ---- the message queue ----

  private pump(): void {
    if (this.pumping || this.phase !== 'ready' || this.queueHead >= this.queue.length) return;
    this.pumping = true;
    void this.runQueue();
  }

  private async runQueue(): Promise<void> {
    try {
      while (this.queueHead < this.queue.length && this.phase === 'ready' && !this.shutdownRequested) {
        const m = this.queue[this.queueHead] as QueueItem;
        this.queue[this.queueHead++] = undefined as unknown as QueueItem; // let the message be collected
        if (this.queueHead === this.queue.length) {
          this.queue.length = 0;
          this.queueHead = 0;
        } else if (this.queueHead >= QUEUED_MESSAGES_MAX) {
          // A client that pipelines without pause never lets the queue run dry; drop the consumed prefix.
          this.queue.splice(0, this.queueHead);
          this.queueHead = 0;
        }
        if (this.paused && this.queue.length - this.queueHead < QUEUED_MESSAGES_MAX / 2) {
          this.paused = false;
          this.socket.resume();
        }
        const p = this.handle(m);
        if (p !== undefined) await p;
        if (this.writer.length >= OUTPUT_FLUSH_BYTES) await this.flushAndWait();
      }
    } catch (e) {
      // Handlers report query errors themselves; what lands here is a protocol violation or a bug.
      this.fatal(toEonError(e));
    } finally {
      this.pumping = false;
    }
    if (this.phase !== 'ready') return;
    this.flush();
    if (this.shutdownRequested) this.terminateForShutdown();
    else this.pump(); // messages that arrived while the last one finished
  }

  private handle(m: QueueItem): Promise<void> | void {
    const copy = this.copyIn;
    if (copy !== null) {
      if (m.kind === 'copyData') {
        return copy.data(m.data).then((active) => {
          if (!active) this.endCopyIn();
        });
      }
      // PostgreSQL ignores these in copy-in mode: drivers send them without noticing the COPY.
      if (m.kind === 'sync' || m.kind === 'flush') return;
      this.copyIn = null;
      if (m.kind === 'copyDone') return copy.done().then(() => this.flushAtReady());
      if (m.kind === 'copyFail') {
        copy.clientFailed(m.message);
        this.flushAtReady();
        return;
      }
      copy.interrupted();
    }
    switch (m.kind) {
      case 'protocolError':
        this.fatal(m.error);
        return;
      case 'query': {
        if (this.extended.skipping) return;
        this.extended.dropUnnamed();
        const started = CopyInMode.begin(this, m.sql);
        if (started === 'failed') {
          this.flushAtReady();
          return;
        }
        if (started !== null) {
          this.copyIn = started;
          this.flush();
          return;
        }
        return runSimpleQuery(this, m.sql).then(() => this.flushAtReady());
      }
      case 'parse':
      case 'bind':
      case 'describe':
      case 'execute':
      case 'close':
        return this.extended.handle(m);
      case 'sync':
        this.extended.handle(m);
        this.flushAtReady();
        return;
      case 'flush':
        this.flush();
        return;
      case 'terminate':
        this.phase = 'closed';
        this.reader.stopped = true;
        this.flush();
        this.socket.end();
        return;
      case 'functionCall':
        if (this.extended.skipping) return;
        this.reportError(new EonError('feature_not_supported', 'the function call protocol is not supported'));
        this.writeReady();
        return;
      case 'copyData':
      case 'copyDone':
      case 'copyFail':
        return; // outside copy-in mode (after a COPY failed, say): ignored, as PostgreSQL does
      case 'invalid':
        if (this.extended.skipping) return;
        this.reportError(m.error);
        // A bad Query ends like any failed Query; a bad extended message starts skipping to Sync.
        if (m.fromSimpleQuery) this.writeReady();
        else this.extended.failed();
        return;
      default: {
        const never: never = m;
        throw new EonError('internal_error', `unhandled message ${(never as { kind: string }).kind}`);
      }
    }
  }

  // ---- QueryContext ----

  writeReady(): void {
    const session = this.session;
    // Drivers cache these (psql prints dates by DateStyle), so a SET must be reported as PostgreSQL does.
    for (const name of TRACKED_SETTINGS) {
      const value = session.setting(name);
      if (value !== undefined && value !== this.reported.get(name)) {
        this.reported.set(name, value);
        writeParameterStatus(this.writer, name, value);
      }
    }
    writeReadyForQuery(this.writer, session.transactionStatus);
  }

  beginQuery(): AbortSignal {
    // One controller serves statement after statement until a cancel uses it up (creating one per
    // statement cost ~6% of a point lookup); nothing in eon leaves listeners on it. Between
    // statements `running` is null, so a cancel arriving then has nothing to abort, as in PostgreSQL.
    if (this.spareController === null || this.spareController.signal.aborted) this.spareController = new AbortController();
    this.running = this.spareController;
    return this.running.signal;
  }

  endQuery(): void {
    this.running = null;
  }

  private endCopyIn(): void {
    this.copyIn = null;
    this.flushAtReady();
  }

  reportError(e: unknown): EonError {
    const err = toEonError(e);
    writeErrorResponse(this.writer, err);
    // Every error inside a transaction block fails it, whichever message it answered (Bind, Describe, a bad message…).
    this.sessionOrNull?.noteError();
    const level = err.code === 'internal_error' ? 'error' : 'info';
    this.host.log(level, 'pg query error', {
      remote: this.remote,
      sqlstate: err.sqlstate,
      message: err.message,
      ...(err.code === 'internal_error' && err.cause instanceof Error ? { stack: err.cause.stack } : {}),
    });
    return err;
  }

  /**
   * After ReadyForQuery: write now if nothing else is queued. With more pipelined messages waiting,
   * their answers join the same write, unless the connection has to wait on something first: the
   * deferred flush fires as soon as control returns to the event loop (real I/O, a worker), so a
   * slow statement never holds back answers to the ones before it.
   */
  private flushAtReady(): void {
    if (this.queueHead >= this.queue.length) {
      this.flush();
      return;
    }
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  flush(): void {
    if (this.writer.length === 0 || this.socket.destroyed || this.socket.writableEnded) return;
    this.socket.write(this.writer.take());
  }

  async flushAndWait(): Promise<void> {
    this.flush();
    if (!this.socket.writableNeedDrain || this.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  // ---- cancel, shutdown, errors ----

  /** CancelRequest: aborts the statement running now, if any. */
  cancel(): void {
    this.running?.abort(new EonError('query_canceled', 'canceling statement due to user request'));
  }

  /** Server shutdown: finish the message in flight, then say goodbye with FATAL 57P01. */
  requestShutdown(): void {
    this.shutdownRequested = true;
    if (this.phase !== 'ready') {
      this.socket.destroy();
      return;
    }
    if (!this.pumping) this.terminateForShutdown();
  }

  /** Cuts the connection now (grace period over). */
  destroy(): void {
    this.running?.abort(new EonError('admin_shutdown', 'terminating connection due to administrator command'));
    this.socket.destroy();
  }

  private terminateForShutdown(): void {
    this.fatal(new EonError('admin_shutdown', 'terminating connection due to administrator command'));
  }

  /** Sends a FATAL error and closes this connection only. */
  private fatal(err: EonError): void {
    if (this.phase === 'closed') return;
    this.host.log(err.code === 'admin_shutdown' ? 'info' : 'warn', 'pg connection closed on error', {
      remote: this.remote,
      sqlstate: err.sqlstate,
      message: err.message,
    });
    this.phase = 'closed';
    this.reader.stopped = true;
    writeErrorResponse(this.writer, err, 'FATAL');
    this.flush();
    this.socket.end();
    // A client that never reads must not hold the socket open forever.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private cleanup(): void {
    // After a switch to TLS both the plain and the TLS socket may report the close.
    if (this.socketClosed) return;
    const wasReady = this.sessionOrNull !== null;
    this.socketClosed = true;
    this.phase = 'closed';
    this.reader.stopped = true;
    clearTimeout(this.authTimer);
    this.running?.abort(new EonError('query_canceled', 'canceling statement due to client disconnect'));
    if (this.copyIn !== null && wasReady) {
      // A COPY the client never finished leaves nothing behind.
      this.copyIn.abandon();
      this.copyIn = null;
    }
    this.host.unregister(this);
    if (wasReady) {
      try {
        this.sessionOrNull?.close();
      } catch (e) {
        this.host.log('warn', 'pg session close failed', { remote: this.remote, error: toEonError(e).message });
      }
      this.host.log('info', 'pg connection closed', { remote: this.remote, user: this.user });
    }
    for (const w of this.closedWaiters.splice(0)) w();
  }
}

/** The password a PasswordMessage carries (a C string filling the message), as bytes. */
function passwordOf(body: Buffer): Buffer {
  const nul = body.indexOf(0);
  if (nul !== body.length - 1) throw new EonError('protocol_violation', 'invalid password packet size');
  return body.subarray(0, nul);
}
