// The key-value routes: GET, PUT and DELETE /v1/kv/{table}/{key} (src/kv/), with the causal
// context in X-Eon-Context and siblings answered as 300 Multiple Choices.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EonError } from '../../src/errors/index.js';
import { KvService, decodeContext, encodeContext, kvRequestBounds, writeReadQuorum } from '../../src/kv/index.js';
import type { VersionVector } from '../../src/kv/index.js';
import { httpFailure } from './error-body.js';

/** The causal context header: what a GET saw, passed back on a PUT or DELETE. */
export const KV_CONTEXT_HEADER = 'x-eon-context';

const JSON_TYPE = 'application/json; charset=utf-8';

interface KvParams {
  table: string;
  key: string;
}

export interface KvRouteOptions {
  readonly kv: KvService;
  readonly requireUser: (request: FastifyRequest) => Promise<void>;
  readonly userOf: (request: FastifyRequest) => string;
}

export function registerKvRoutes(app: FastifyInstance, opts: KvRouteOptions): void {
  const { kv } = opts;
  const route = { onRequest: opts.requireUser };
  // The header is exposed to browsers too: it is the point of the read.
  const withContext = (reply: FastifyReply, context: VersionVector): FastifyReply =>
    reply.header(KV_CONTEXT_HEADER, encodeContext(context)).header('access-control-expose-headers', KV_CONTEXT_HEADER);

  app.get<{ Params: KvParams; Querystring: Record<string, unknown> }>('/v1/kv/:table/:key', route, async (request, reply) => {
    const { table, key } = request.params;
    const bounds = kvRequestBounds(kv.table(table), request.query);
    const read = await kv.get(opts.userOf(request), table, key, bounds);
    switch (read.kind) {
      case 'absent': {
        const body = httpFailure(new EonError('undefined_object', `key "${key}" is not in "${table}"`)).body;
        return withContext(reply, read.context).code(404).type(JSON_TYPE).send(JSON.stringify(body));
      }
      case 'value':
        return withContext(reply, read.context).type(JSON_TYPE).send(read.json);
      case 'siblings':
        return withContext(reply, read.context).code(300).type(JSON_TYPE).send(`[${read.jsons.join(',')}]`);
      default: {
        const never: never = read;
        throw new Error(`unknown kv read ${String(never)}`);
      }
    }
  });

  app.put<{ Params: KvParams; Querystring: Record<string, unknown>; Body: unknown }>('/v1/kv/:table/:key', route, async (request, reply) => {
    const { table, key } = request.params;
    const bounds = kvRequestBounds(kv.table(table), request.query);
    if (request.body === undefined) throw new EonError('protocol_violation', 'a PUT needs a JSON body (content-type: application/json)');
    const context = contextOf(request);
    const written = await kv.write(opts.userOf(request), table, key, JSON.stringify(request.body), context, bounds);
    return withContext(reply, written.context).type(JSON_TYPE).send(JSON.stringify({ table, key, siblings: written.siblings }));
  });

  app.delete<{ Params: KvParams; Querystring: Record<string, unknown> }>('/v1/kv/:table/:key', route, async (request, reply) => {
    const { table, key } = request.params;
    const t = kv.table(table);
    const bounds = kvRequestBounds(t, request.query);
    const user = opts.userOf(request);
    // Without a context a DELETE removes what a read sees now (the client asked for the key gone),
    // read as the write's own reads are (its r, else no more replicas than its w).
    const given = contextOf(request);
    const readBounds = t === null ? bounds : { ...bounds, r: writeReadQuorum(t, bounds) };
    const context = request.headers[KV_CONTEXT_HEADER] === undefined ? (await kv.get(user, table, key, readBounds)).context : given;
    const written = await kv.write(user, table, key, null, context, bounds);
    return withContext(reply, written.context).type(JSON_TYPE).send(JSON.stringify({ table, key, siblings: written.siblings }));
  });
}

function contextOf(request: FastifyRequest): VersionVector {
  const header = request.headers[KV_CONTEXT_HEADER];
  if (header === undefined) return {};
  if (Array.isArray(header)) throw new EonError('invalid_parameter_value', 'X-Eon-Context was given more than once');
  return decodeContext(header);
}
