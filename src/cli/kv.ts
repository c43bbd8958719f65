// `eon kv`: an interactive console over one node's key-value routes (GET, SET, DEL of keys in one
// table, NODES, and KILL of a local-cluster node), reading commands line by line from stdin.

import { createInterface } from 'node:readline';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { parseClusterView } from '../cluster/view/cluster-view.js';
import { pidFilePath, processAlive, readPidFile } from '../node/pid-file.js';
import { StatusError, errorMessageOf } from './status.js';

/** A KV request (and each NODES poll) gives up after this long. */
export const KV_CONSOLE_TIMEOUT_MS = 15_000;
/** The table `eon kv` uses without --table. */
export const KV_CONSOLE_TABLE_DEFAULT = 'kv';
/** Contexts remembered per key, so a SET after a GET supersedes what the GET showed. */
export const KV_CONSOLE_CONTEXTS_MAX = 10_000;

export interface KvConsoleOptions {
  /** HOST:PORT of the node's REST API. */
  readonly http: string;
  readonly table: string;
  /** Where `eon cluster up` keeps node-<i>/eon.pid (for KILL). */
  readonly dataDir: string;
  readonly password: string | undefined;
}

export const KV_CONSOLE_HELP = `Commands (one per line; keys have no spaces):
  GET key          the value, or every sibling when writes conflicted
  SET key value    store value (JSON, or else a string); supersedes what this console last read of key
  DEL key          delete key (what this console last read of it, or everything visible)
  NODES            the cluster's members and their state
  KILL node-<i>    SIGKILL node i of the local cluster in --data (eon cluster up)
  HELP, QUIT`;

/** Runs the console until QUIT or the end of input; returns the exit code (1 if any command failed and input was not a TTY). */
export async function runKvConsole(opts: KvConsoleOptions, input: Readable, out: (line: string) => void, interactive: boolean): Promise<number> {
  const contexts = new Map<string, string>();
  const remember = (key: string, context: string | null): void => {
    if (context === null) return;
    contexts.delete(key);
    if (contexts.size >= KV_CONSOLE_CONTEXTS_MAX) contexts.delete(contexts.keys().next().value as string);
    contexts.set(key, context);
  };
  const lines = createInterface({ input, terminal: false });
  let failed = false;
  const prompt = (): void => {
    if (interactive) process.stdout.write('kv> ');
  };
  prompt();
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '') {
      prompt();
      continue;
    }
    // COMMAND [key [value…]]: the value is the rest of the line, spaces and all.
    const m = /^(\S+)(?:\s+(\S+)(?:\s+([\s\S]*))?)?$/.exec(line);
    const command = (m?.[1] ?? '').toUpperCase();
    if (command === 'QUIT' || command === 'EXIT') break;
    try {
      out(await runCommand(command, m?.[2], m?.[3], opts, contexts, remember));
    } catch (e) {
      failed = true;
      out(`error: ${e instanceof Error ? e.message : String(e)}`);
    }
    prompt();
  }
  return failed && !interactive ? 1 : 0;
}

async function runCommand(
  command: string,
  key: string | undefined,
  value: string | undefined,
  opts: KvConsoleOptions,
  contexts: Map<string, string>,
  remember: (key: string, context: string | null) => void,
): Promise<string> {
  const needKey = (): string => {
    if (key === undefined) throw new Error(`${command} needs a key`);
    return key;
  };
  const kvPath = (k: string): string => `/v1/kv/${encodeURIComponent(opts.table)}/${encodeURIComponent(k)}`;
  switch (command) {
    case 'HELP':
      return KV_CONSOLE_HELP;
    case 'GET': {
      const k = needKey();
      const res = await request(opts, kvPath(k), 'GET');
      remember(k, res.context);
      if (res.status === 404) return '(not found)';
      if (res.status === 300) {
        const siblings = JSON.parse(res.text) as unknown[];
        return [`(${siblings.length} siblings)`, ...siblings.map((s, i) => `  ${i + 1}) ${JSON.stringify(s)}`)].join('\n');
      }
      if (res.status !== 200) throw new Error(errorMessageOf(res.text));
      return res.text;
    }
    case 'SET': {
      const k = needKey();
      if (value === undefined) throw new Error('SET needs a key and a value');
      const body = isJson(value) ? value : JSON.stringify(value);
      const res = await request(opts, kvPath(k), 'PUT', body, contexts.get(k));
      if (res.status !== 200) throw new Error(errorMessageOf(res.text));
      remember(k, res.context);
      const siblings = (JSON.parse(res.text) as { siblings: number }).siblings;
      return siblings > 1 ? `OK (${siblings} siblings: a concurrent write was kept)` : 'OK';
    }
    case 'DEL': {
      const k = needKey();
      const res = await request(opts, kvPath(k), 'DELETE', undefined, contexts.get(k));
      if (res.status === 404) return '(not found)';
      if (res.status !== 200) throw new Error(errorMessageOf(res.text));
      remember(k, res.context);
      const siblings = (JSON.parse(res.text) as { siblings: number }).siblings;
      return siblings > 0 ? `OK (${siblings} concurrent value${siblings === 1 ? '' : 's'} left)` : 'OK';
    }
    case 'NODES': {
      const res = await request(opts, '/v1/cluster', 'GET');
      if (res.status !== 200) throw new Error(errorMessageOf(res.text));
      const view = parseClusterView(JSON.parse(res.text) as unknown);
      if (view === null) throw new Error(`${opts.http} answered something that is not a cluster view`);
      return view.members
        .map((m) => `${m.id}  ${m.state}  peer ${m.peer}  http ${m.httpPort ?? '-'}${m.id === view.self ? '  (this node)' : ''}`)
        .join('\n');
    }
    case 'KILL': {
      const name = needKey();
      if (!/^node-\d+$/.test(name)) throw new Error(`KILL takes a local cluster node's name, node-<i> (as eon cluster up prints), not "${name}"`);
      const pid = readPidFile(pidFilePath(path.join(opts.dataDir, name)));
      if (pid === undefined || !processAlive(pid)) throw new Error(`${name} is not running (no live pid in ${path.join(opts.dataDir, name)})`);
      process.kill(pid, 'SIGKILL');
      return `killed ${name} (pid ${pid})`;
    }
    default:
      throw new Error(`unknown command "${command}" (HELP lists them)`);
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function request(opts: KvConsoleOptions, urlPath: string, method: string, body?: string, context?: string): Promise<{ status: number; text: string; context: string | null }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (context !== undefined) headers['x-eon-context'] = context;
  if (opts.password !== undefined) headers.authorization = `Basic ${Buffer.from(`eon:${opts.password}`).toString('base64')}`;
  let response: Response;
  try {
    response = await fetch(`http://${opts.http}${urlPath}`, { method, headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(KV_CONSOLE_TIMEOUT_MS) });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    throw new StatusError(`cannot reach ${opts.http}: ${cause}`);
  }
  return { status: response.status, text: await response.text(), context: response.headers.get('x-eon-context') };
}

