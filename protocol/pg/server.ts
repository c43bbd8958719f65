// The listening PostgreSQL server: accepts sockets, keeps the cancel-key registry, shuts down gracefully.

import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { SessionFactory } from '../../query/session/contract.js';
import { EonError } from '../../src/errors/index.js';
import { Connection } from './connection.js';
import type { ConnectionHost, Logger } from './connection.js';
import { PASSWORD_METHOD_DEFAULT, makePasswordAuth } from './password-auth.js';
import type { PasswordMethod } from './password-auth.js';
import { tlsContext } from './tls.js';
import type { RoleDirectory } from './role-auth.js';
import type { TlsCredentials } from './tls.js';
import { CLOSE_GRACE_MS_DEFAULT } from './limits.js';

export type { Logger, LogLevel } from './connection.js';

export interface PgServerOptions {
  host: string;
  /** 0 picks a free port; `listen()` reports which. */
  port: number;
  sessions: SessionFactory;
  /** When set, clients must authenticate with it by `authMethod`; otherwise trust. */
  password?: string;
  /** How the password is asked for; default SCRAM-SHA-256. Cleartext belongs only on TLS connections. */
  authMethod?: PasswordMethod;
  /**
   * When set, users are roles of this catalog: each logs in with its own password (`password`
   * then only switches authentication on), unknown and NOLOGIN roles are refused.
   */
  roles?: RoleDirectory;
  /** When set, SSLRequest is accepted and the connection switches to TLS; otherwise it is refused ('N'). */
  tls?: TlsCredentials;
  log?: Logger;
}

const PROCESS_ID_MAX = 0x7fffffff;

interface Registered {
  readonly conn: Connection;
  readonly secretKey: number;
}

/** Process ids and secret keys of live connections, so a CancelRequest finds its target. */
class BackendRegistry {
  private readonly byProcessId = new Map<number, Registered>();
  private readonly processIdOf = new Map<Connection, number>();
  private nextProcessId = 1;

  register(conn: Connection): { processId: number; secretKey: number } {
    let processId = this.nextProcessId;
    while (this.byProcessId.has(processId)) processId = processId >= PROCESS_ID_MAX ? 1 : processId + 1;
    this.nextProcessId = processId >= PROCESS_ID_MAX ? 1 : processId + 1;
    const secretKey = randomBytes(4).readInt32BE(0);
    this.byProcessId.set(processId, { conn, secretKey });
    this.processIdOf.set(conn, processId);
    return { processId, secretKey };
  }

  unregister(conn: Connection): void {
    const pid = this.processIdOf.get(conn);
    if (pid === undefined) return;
    this.processIdOf.delete(conn);
    this.byProcessId.delete(pid);
  }

  find(processId: number, secretKey: number): Connection | undefined {
    const r = this.byProcessId.get(processId);
    return r !== undefined && r.secretKey === secretKey ? r.conn : undefined;
  }
}

export class PgServer {
  private readonly opts: PgServerOptions;
  private readonly host: ConnectionHost;
  private readonly log: Logger;
  private server: Server | null = null;
  private readonly connections = new Set<Connection>();

  constructor(opts: PgServerOptions) {
    this.opts = opts;
    const log: Logger = opts.log ?? (() => {});
    const registry = new BackendRegistry();
    this.log = log;
    this.host = {
      sessions: opts.sessions,
      auth: opts.password === undefined ? null : makePasswordAuth(opts.authMethod ?? PASSWORD_METHOD_DEFAULT, opts.password),
      roles: opts.roles ?? null,
      tls: opts.tls === undefined ? null : tlsContext(opts.tls),
      log,
      register: (conn) => registry.register(conn),
      unregister: (conn) => registry.unregister(conn),
      cancel: (processId, secretKey) => {
        const conn = registry.find(processId, secretKey);
        log('info', conn === undefined ? 'pg cancel request ignored: no such backend' : 'pg cancel request', {
          pid: processId,
        });
        conn?.cancel();
      },
    };
  }

  listen(): Promise<{ port: number }> {
    if (this.server !== null) return Promise.reject(new EonError('internal_error', 'PgServer is already listening'));
    const server = createServer((socket) => {
      const conn = new Connection(socket, this.host);
      this.connections.add(conn);
      void conn.closed().then(() => this.connections.delete(conn));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.log('error', 'pg server error', { error: err.message }));
        const addr = server.address();
        const port = typeof addr === 'object' && addr !== null ? addr.port : this.opts.port;
        this.log('info', 'pg server listening', { host: this.opts.host, port, tls: this.opts.tls !== undefined });
        resolve({ port });
      });
    });
  }

  /** Stops accepting, lets statements in flight finish for up to `graceMs`, then cuts what is left. */
  async close(opts: { graceMs?: number } = {}): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    const graceMs = opts.graceMs ?? CLOSE_GRACE_MS_DEFAULT;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    const open = [...this.connections];
    for (const c of open) c.requestShutdown();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    });
    const allClosed = Promise.all(open.map((c) => c.closed())).then(() => 'closed' as const);
    if ((await Promise.race([allClosed, graceOver])) === 'timeout') {
      this.log('warn', 'pg close grace period over; cutting connections', { open: this.connections.size });
      for (const c of this.connections) c.destroy();
      await allClosed;
    }
    clearTimeout(timer);
    await stopped;
    this.log('info', 'pg server closed', {});
  }
}
