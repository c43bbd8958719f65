// startNode in process: storage, engine, pg and REST together; the pid-file lock; clean stop and restart.

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeStartError, startNode } from '../../src/node/index.js';
import type { Logger, NodeConfig, RunningNode } from '../../src/node/index.js';

interface LogLine {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

function config(dataDir: string, lines: LogLine[], extra: Partial<NodeConfig> = {}): NodeConfig {
  const log: Logger = (level, msg, fields) => lines.push({ level, msg, fields });
  return { dataDir, host: '127.0.0.1', pgPort: 0, httpPort: 0, peerPort: 0, threads: 1, log, ...extra };
}

async function query(node: RunningNode, sql: string, params?: unknown[]): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${node.httpPort}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params === undefined ? { sql } : { sql, params }),
  });
  return { status: res.status, body: await res.json() };
}

describe('startNode', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'eon-node-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves pg and REST over one store, locks the directory, stops cleanly and restarts', async () => {
    const lines: LogLine[] = [];
    const node = await startNode(config(path.join(dir, 'a'), lines));
    try {
      expect(existsSync(node.pidFile)).toBe(true);
      expect(lines.some((l) => l.msg === 'eon node started')).toBe(true);

      const created = await query(node, 'CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, $$a$$), (2, $$b$$)');
      expect(created).toEqual({ status: 200, body: { columns: [], rows: [], rowCount: 2, command: 'INSERT' } });
      const selected = await query(node, 'SELECT id, name FROM t WHERE id = $1', ['2']);
      expect(selected.body).toEqual({
        columns: [
          { name: 'id', type: 'integer' },
          { name: 'name', type: 'text' },
        ],
        rows: [[2, 'b']],
        rowCount: 1,
        command: 'SELECT',
      });

      const client = new pg.Client({ host: '127.0.0.1', port: node.pgPort, user: 'eon', database: 'eon' });
      await client.connect();
      try {
        const r = await client.query('SELECT count(*) AS n FROM t');
        expect(r.rows).toEqual([{ n: '2' }]);
      } finally {
        await client.end();
      }

      await expect(startNode(config(path.join(dir, 'a'), []))).rejects.toMatchObject({ reason: 'data_dir_locked' });
    } finally {
      await node.stop();
    }
    expect(existsSync(node.pidFile)).toBe(false);
    expect(lines.some((l) => l.msg === 'eon node stopped')).toBe(true);
    await expect(fetch(`http://127.0.0.1:${node.httpPort}/v1/health`)).rejects.toThrow();

    const again = await startNode(config(path.join(dir, 'a'), []));
    try {
      const tables = (await (await fetch(`http://127.0.0.1:${again.httpPort}/v1/tables`)).json()) as { tables: { name: string }[] };
      expect(tables.tables.map((t) => t.name)).toEqual(['t']);
      expect((await query(again, 'SELECT name FROM t ORDER BY id')).body).toMatchObject({ rows: [['a'], ['b']] });
    } finally {
      await again.stop();
    }
  });

  it('undoes a half-done start when the http port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as net.AddressInfo).port;
    const dataDir = path.join(dir, 'b');
    try {
      let caught: unknown;
      try {
        await startNode(config(dataDir, [], { httpPort: busy }));
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(NodeStartError);
      expect((caught as NodeStartError).reason).toBe('port_in_use');
      expect((caught as Error).message).toContain(`http port ${busy}`);
      expect(existsSync(path.join(dataDir, 'eon.pid'))).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const node = await startNode(config(dataDir, []));
    await node.stop();
  });
});
