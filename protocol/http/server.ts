// The REST API server (fastify): POST /v1/query, GET /v1/health, GET /v1/tables, GET /v1/cluster,
// POST /v1/cluster/leave and /v1/cluster/remove/{node}, the namestore's /v1/names/{name} and the
// key-value routes /v1/kv/{table}/{key} (kv-routes.ts).

import { fastify } from 'fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { QueryResult, RowStream, Session, SessionFactory } from '../../query/session/contract.js';
import type { Value } from '../../src/types/index.js';
import type { Logger } from '../../src/node/log.js';
import type { ClusterView } from '../../src/cluster/view/cluster-view.js';
import { NAME_BYTES_MAX } from '../../src/namestore/index.js';
import type { Namestore } from '../../src/namestore/index.js';
import { resultToArrow } from './arrow-result.js';
import { REST_DATABASE, REST_USER_DEFAULT, VerifiedCredentials, authenticate } from './auth.js';
import type { RoleDirectory } from '../pg/role-auth.js';
import { catalogJson } from './catalog.js';
import type { CatalogSource } from './catalog.js';
import { httpFailure } from './error-body.js';
import { EonError } from '../../src/errors/index.js';
import { JsonBody, resultToJson } from './json-result.js';
import { registerKvRoutes } from './kv-routes.js';
import { KvService } from '../../src/kv/index.js';
import {
  ARROW_STREAM_MEDIA_TYPE,
  HTTP_BODY_BYTES_MAX,
  HTTP_CLOSE_GRACE_MS_DEFAULT,
  HTTP_KEEP_ALIVE_TIMEOUT_MS,
  HTTP_PARAMS_MAX,
  REST_STREAM_AFTER_ROWS,
} from './limits.js';
import { paramsToValues } from './params.js';
import type { JsonParam } from './params.js';
import { parseTimeZoneSetting, setSessionTimeZone } from '../../src/types/time-zone.js';

export interface HttpServerOptions {
  readonly sessions: SessionFactory;
  readonly store: CatalogSource;
  readonly log?: Logger;
  /** Reported by /v1/health; a function when the name is known only after other servers bind. */
  readonly nodeName?: string | (() => string);
  /** When set, /v1/query and /v1/tables need HTTP Basic auth with this password. */
  readonly password?: string;
  /** When set, users are roles of this catalog (protocol/http/auth.ts), as on the PostgreSQL port. */
  readonly roles?: RoleDirectory;
  /** PEM certificate and key: when set, the server speaks HTTPS only. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  readonly bodyBytesMax?: number;
  /** GET /v1/cluster: the cluster as this node sees it; null while membership is not started. */
  readonly cluster?: () => ClusterView | null;
  /** POST /v1/cluster/leave and /v1/cluster/remove/{node}; absent: 503. */
  readonly clusterAdmin?: ClusterAdmin;
  /** POST, GET and DELETE /v1/names/{name}; absent or null (membership not running yet): 503. */
  readonly names?: () => NameService | null;
}

/** What the /v1/names routes ask of the node's namestore. */
export type NameService = Pick<Namestore, 'register' | 'check' | 'release'>;

/** Longest path parameter, in characters: a name of NAME_BYTES_MAX bytes, every byte percent-encoded. */
export const HTTP_PATH_PARAM_CHARS_MAX = 3 * NAME_BYTES_MAX;

/** What `eon node leave` and `eon node remove` ask a node to do. */
export interface ClusterAdmin {
  /** Starts leaving (the node stops once its `left` has spread). */
  leave(): void;
  /** Declares a dead member gone for good; throws EonError when it is unknown or not dead. */
  remove(node: string): void;
}

export interface HttpServer {
  /** Starts listening; resolves to the bound port (useful with port 0). */
  listen(host: string, port: number): Promise<number>;
  /** Stops accepting; requests in flight get `graceMs` to finish, then connections are cut. */
  close(opts?: { graceMs?: number }): Promise<void>;
}

interface QueryBody {
  sql: string;
  params?: JsonParam[];
}

const QUERY_BODY_SCHEMA = {
  type: 'object',
  required: ['sql'],
  additionalProperties: false,
  properties: {
    sql: { type: 'string' },
    params: {
      type: 'array',
      maxItems: HTTP_PARAMS_MAX,
      items: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] },
    },
  },
} as const;

const JSON_TYPE = 'application/json; charset=utf-8';

export function createHttpServer(opts: HttpServerOptions): HttpServer {
  const log: Logger = opts.log ?? (() => {});
  const startedAt = Date.now();
  const app = fastify({
    logger: false,
    bodyLimit: opts.bodyBytesMax ?? HTTP_BODY_BYTES_MAX,
    keepAliveTimeout: HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxParamLength: HTTP_PATH_PARAM_CHARS_MAX,
    // Closing must not wait for idle keep-alive clients; busy ones get the grace period.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Strict schema checks: no silent coercion of {"sql": 1} to "1", no dropping unknown keys.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // null: plain HTTP (fastify then builds an http.Server; the routes below use nothing https-specific).
    https: opts.tls === undefined ? null : { cert: opts.tls.cert, key: opts.tls.key },
  });
  let listening = false;
  let closing = false;
  // A response finished while closing also ends its keep-alive connection, so close need not wait for it.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) void reply.header('connection', 'close');
    return payload;
  });

  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const failure = httpFailure(error);
    if (failure.internal) {
      log('error', 'rest request failed', { method: request.method, url: request.url, error: failure.body.error.message });
    }
    void reply.code(failure.status).type(JSON_TYPE).send(JSON.stringify(failure.body));
  });
  app.setNotFoundHandler((request, reply) => {
    const body = httpFailure(new EonError('protocol_violation', `no route ${request.method} ${request.url}`)).body;
    void reply.code(404).type(JSON_TYPE).send(JSON.stringify(body));
  });

  app.get('/v1/health', async (_request, reply) => {
    const node = typeof opts.nodeName === 'function' ? opts.nodeName() : (opts.nodeName ?? 'eon');
    const body = { status: 'ok', node, uptimeMs: Date.now() - startedAt };
    return reply.type(JSON_TYPE).send(JSON.stringify(body));
  });

  // Credentials are checked on arrival, before the body is read or validated.
  const users = new WeakMap<FastifyRequest, string>();
  const verified = new VerifiedCredentials();
  const requireUser = async (request: FastifyRequest): Promise<void> => {
    users.set(request, authenticate(request.headers.authorization, opts.password, opts.roles, verified));
  };
  // Leaving and removing members change the cluster: superusers only, once there are roles.
  const requireSuperuser = async (request: FastifyRequest): Promise<void> => {
    await requireUser(request);
    const role = opts.roles?.find(users.get(request) ?? '');
    if (opts.roles !== undefined && role?.superuser !== true) {
      throw new EonError('insufficient_privilege', 'must be superuser to change cluster membership');
    }
  };

  app.get('/v1/cluster', { onRequest: requireUser }, async (_request, reply) => {
    const view = opts.cluster?.() ?? null;
    if (view === null) {
      const failure = httpFailure(new EonError('admin_shutdown', 'cluster membership is not running on this node'));
      return reply.code(503).type(JSON_TYPE).send(JSON.stringify(failure.body));
    }
    return reply.type(JSON_TYPE).send(JSON.stringify(view));
  });

  const adminOr503 = (): ClusterAdmin => {
    if (opts.clusterAdmin === undefined) throw new EonError('admin_shutdown', 'cluster membership is not running on this node');
    return opts.clusterAdmin;
  };
  app.post('/v1/cluster/leave', { onRequest: requireSuperuser }, async (_request, reply) => {
    adminOr503().leave();
    return reply.code(202).type(JSON_TYPE).send(JSON.stringify({ status: 'leaving' }));
  });
  app.post<{ Params: { node: string } }>('/v1/cluster/remove/:node', { onRequest: requireSuperuser }, async (request, reply) => {
    adminOr503().remove(request.params.node);
    return reply.type(JSON_TYPE).send(JSON.stringify({ removed: request.params.node }));
  });

  // The namestore: 201 taken now / 409 already taken; 200 / 404; release by the holder's token.
  const namesOr503 = (): NameService => {
    const names = opts.names?.() ?? null;
    if (names === null) throw new EonError('admin_shutdown', 'the namestore is not running on this node (cluster membership has not started)');
    return names;
  };
  app.post<{ Params: { name: string } }>('/v1/names/:name', { onRequest: requireUser }, async (request, reply) => {
    const name = request.params.name;
    const idempotencyKey = singleHeader(request.headers['idempotency-key']);
    const r = await namesOr503().register(name, idempotencyKey);
    if (!r.taken) return reply.code(409).type(JSON_TYPE).send(JSON.stringify({ name, taken: false }));
    if (r.replayed) void reply.header('idempotent-replayed', 'true');
    return reply.code(201).type(JSON_TYPE).send(JSON.stringify({ name, taken: true, token: r.token }));
  });
  app.get<{ Params: { name: string } }>('/v1/names/:name', { onRequest: requireUser }, async (request, reply) => {
    const name = request.params.name;
    const r = await namesOr503().check(name);
    const body = r.taken ? { name, taken: true, registeredAtMs: r.registeredAtMs } : { name, taken: false };
    return reply.code(r.taken ? 200 : 404).type(JSON_TYPE).send(JSON.stringify(body));
  });
  app.delete<{ Params: { name: string } }>('/v1/names/:name', { onRequest: requireUser }, async (request, reply) => {
    const name = request.params.name;
    const token = singleHeader(request.headers['x-eon-token']);
    if (token === undefined || token === '') throw new EonError('invalid_parameter_value', 'releasing a name needs its holder token in the X-Eon-Token header');
    await namesOr503().release(name, token);
    return reply.type(JSON_TYPE).send(JSON.stringify({ name, released: true }));
  });

  app.get('/v1/tables', { onRequest: requireUser }, async (_request, reply) => {
    return reply.type(JSON_TYPE).send(JSON.stringify(catalogJson(opts.store)));
  });

  // The key-value surface: one key of a (key, value jsonb) table; writers named by cluster node id.
  const kv = new KvService({
    sessions: opts.sessions,
    tables: opts.store,
    writer: () => opts.cluster?.()?.self ?? (typeof opts.nodeName === 'function' ? opts.nodeName() : (opts.nodeName ?? 'eon')),
    writers: () => opts.cluster?.()?.members.map((m) => m.id) ?? [],
    superuser: REST_USER_DEFAULT,
    database: REST_DATABASE,
  });
  registerKvRoutes(app, { kv, requireUser, userOf: (request) => users.get(request) ?? REST_USER_DEFAULT });

  const queryRoute = { schema: { body: QUERY_BODY_SCHEMA }, onRequest: requireUser };
  app.post<{ Body: QueryBody }>('/v1/query', queryRoute, async (request, reply) => {
    const user = users.get(request) ?? REST_USER_DEFAULT;
    const abort = new AbortController();
    // The response closing before it finished means the client went away: cancel the statement.
    const onClose = (): void => {
      if (!reply.raw.writableFinished) abort.abort();
    };
    reply.raw.once('close', onClose);
    const startedMs = Date.now();
    const session = opts.sessions.openSession({ user, database: REST_DATABASE });
    const arrow = wantsArrow(request.headers.accept);
    let result: QueryResult | null;
    let zone: string | undefined;
    let streaming: Readable | null = null;
    try {
      result = await runQuery(session, request.body, abort.signal, !arrow);
      zone = session.setting('TimeZone');
      const stream = result?.rowStream;
      if (result !== null && stream !== undefined) {
        // Rows up to REST_STREAM_AFTER_ROWS are read before answering; a longer result streams.
        const head = await readRows(stream, REST_STREAM_AFTER_ROWS);
        if (head.rest === null) result = { ...result, rows: head.rows, rowCount: head.rows.length, rowStream: undefined };
        else streaming = Readable.from(jsonRowStream(result, head.rows, head.rest, zone ?? 'UTC', session, log));
      }
    } finally {
      if (streaming === null) session.close();
    }
    // A request's session starts in UTC (a SET TIME ZONE in its own script still applies): JSON
    // prints timestamptz in that zone; other sessions ran during the await.
    setSessionTimeZone(parseTimeZoneSetting(zone ?? 'UTC'));
    log('debug', 'rest query', { user, ms: Date.now() - startedMs, rows: result?.rowCount ?? 0, streaming: streaming !== null });
    if (streaming !== null) return reply.type(JSON_TYPE).send(streaming);
    if (arrow) return reply.type(ARROW_STREAM_MEDIA_TYPE).send(Buffer.from(resultToArrow(result)));
    return reply.type(JSON_TYPE).send(resultToJson(result));
  });

  return {
    async listen(host, port) {
      const address = await app.listen({ host, port });
      listening = true;
      const bound = app.server.address();
      const boundPort = typeof bound === 'object' && bound !== null ? bound.port : port;
      log('info', 'http server listening', { host, port: boundPort, address, tls: opts.tls !== undefined });
      return boundPort;
    },
    async close(closeOpts = {}) {
      if (!listening) {
        await app.close();
        return;
      }
      listening = false;
      closing = true;
      const graceMs = closeOpts.graceMs ?? HTTP_CLOSE_GRACE_MS_DEFAULT;
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const closed = app.close().then(() => 'closed' as const);
      if ((await Promise.race([closed, graceOver])) === 'timeout') {
        log('warn', 'http close grace period over; cutting connections', {});
        app.server.closeAllConnections();
        await closed;
      }
      clearTimeout(timer);
      log('info', 'http server closed', {});
    },
  };
}

/**
 * Params present → one prepared statement; otherwise a script whose last result is returned.
 * With `streamRows`, a last SELECT's rows come as a rowStream (see ExecuteOptions).
 */
async function runQuery(session: Session, body: QueryBody, signal: AbortSignal, streamRows: boolean): Promise<QueryResult | null> {
  if (body.params !== undefined) {
    const stmt = await session.prepare(body.sql);
    setSessionTimeZone(parseTimeZoneSetting(session.setting('TimeZone') ?? 'UTC')); // for the parameters' text
    return stmt.execute(paramsToValues(body.params, stmt.paramTypes), { signal, streamRows });
  }
  let last: QueryResult | null = null;
  for await (const r of session.executeScript(body.sql, { signal, streamRows })) last = r;
  return last;
}

/** Up to `max` rows of a stream; `rest` is where it goes on, or null when it ended within them. */
async function readRows(stream: RowStream, max: number): Promise<{ rows: Value[][]; rest: AsyncIterator<readonly Value[][]> | null }> {
  const rows: Value[][] = [];
  const it = stream.batches[Symbol.asyncIterator]();
  while (rows.length <= max) {
    const next = await it.next();
    if (next.done === true) return { rows, rest: null };
    for (const r of next.value) rows.push(r as Value[]);
  }
  return { rows, rest: it };
}

/**
 * The JSON body of a long result, written as its rows are produced; the session closes when it
 * ends. An error midway ends the response early (its head and status are already sent) and is logged.
 */
async function* jsonRowStream(result: QueryResult, head: Value[][], rest: AsyncIterator<readonly Value[][]>, zone: string, session: Session, log: Logger): AsyncGenerator<string, void, undefined> {
  const body = new JsonBody(result.columns ?? []);
  const timeZone = parseTimeZoneSetting(zone);
  let count = head.length;
  try {
    setSessionTimeZone(timeZone);
    yield body.head() + body.rows(head, true);
    for (;;) {
      const next = await rest.next();
      if (next.done === true) break;
      setSessionTimeZone(timeZone);
      yield body.rows(next.value, count === 0);
      count += next.value.length;
    }
    yield body.tail(count, result.command);
  } catch (e) {
    log('warn', 'rest result cut off by an error after its head was sent', { rows: count, error: e instanceof Error ? e.message : String(e) });
    throw e;
  } finally {
    await rest.return?.();
    session.close();
  }
}

/** A header given once; a repeated one is refused rather than guessed at. */
function singleHeader(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) throw new EonError('invalid_parameter_value', 'a header that must be given once was repeated');
  return value;
}

function wantsArrow(accept: string | undefined): boolean {
  return accept !== undefined && accept.toLowerCase().includes(ARROW_STREAM_MEDIA_TYPE);
}
