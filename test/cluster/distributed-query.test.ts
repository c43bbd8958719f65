// Queries over tables whose partitions are spread over three real processes: tables WITH
// (replicas = 1) and (replicas = 2) — no node holds all of either — answer every query on every
// node exactly as the same rows in a table every node holds (replicas = 3, read locally), and so
// does that table read with eon.coverage = spread_all. Then a node is killed: queries over the
// two-replica table keep answering right at eon.read_consistency = one (failover to the other
// replica) and right or 57P03 at quorum (R = 2 of its N = 2), and queries over the
// one-replica table answer right or fail with a clear error — never a partial answer, also while
// the node restarts and rejoins; a paused
// node's tasks go to another replica once it is declared dead. Reads that
// can only use a node's own rows refuse with 0A000 on a node that does not serve the table.

import { afterAll, describe, expect, it } from 'vitest';
import { TestCluster, allAlive, sql, sqlRows, stateOf, until } from '../support/cluster.js';
import type { RunningEon } from '../support/eon.js';
import { freePort } from '../support/ports.js';

const TEST_TIMEOUT_MS = 240_000;
const ROWS = 6_000;
/** How long queries run in a loop while a node is down. */
const FAILOVER_LOOP_MS = 8_000;
/** A query with a paused replica answers within this (death is declared in about 6 s; a request's timeout is a minute). */
const PAUSED_ANSWER_MS_MAX = 20_000;

const cluster = new TestCluster();
afterAll(() => cluster.stop());

const ok = sqlRows;

/** Queries over tables F (facts) and D (dimension); `$` stands for the table suffix. */
const QUERIES = [
  'SELECT count(*), sum(v), min(t), max(d), count(DISTINCT g) FROM f$',
  'SELECT g, count(*), sum(v), avg(w) FROM f$ GROUP BY g ORDER BY g',
  'SELECT * FROM f$ ORDER BY v DESC, id LIMIT 7',
  'SELECT * FROM f$ WHERE id BETWEEN 100 AND 104 ORDER BY id',
  'SELECT * FROM f$ WHERE id = 4242',
  'SELECT d.name, count(*), sum(f.w) FROM f$ f JOIN d$ d ON d.g = f.g GROUP BY d.name ORDER BY 1',
  'SELECT f.id, x.id FROM f$ f JOIN f$ x ON x.id = f.w WHERE f.id < 40 ORDER BY 1, 2',
  'SELECT count(*) FROM f$ f LEFT JOIN f$ x ON x.id = f.w + 5000 WHERE x.id IS NULL',
  'SELECT g, (SELECT count(*) FROM f$ f WHERE f.w = d.g) FROM d$ d ORDER BY g',
  'SELECT d.g, x.c FROM d$ d, LATERAL (SELECT max(f.v) c FROM f$ f WHERE f.g = d.g AND f.id % 2 = 0) x ORDER BY 1',
  'SELECT count(*) FROM f$ WHERE id IN (SELECT w FROM f$ WHERE g = 3)',
  'SELECT count(*) FROM d$ WHERE g NOT IN (SELECT w FROM f$ WHERE w IS NOT NULL AND w < 5)',
  'SELECT g, rank() OVER (ORDER BY sum(v) DESC) FROM f$ GROUP BY g ORDER BY g',
  'WITH x AS (SELECT g, max(v) m FROM f$ GROUP BY g) SELECT count(*), sum(m) FROM x',
  'SELECT count(*) FROM (SELECT w FROM f$ UNION SELECT g FROM d$) u',
  'SELECT DISTINCT t FROM f$ WHERE v > 990 ORDER BY t LIMIT 5',
];

function on(query: string, suffix: string): string {
  return query.replaceAll('$', suffix);
}

describe('distributed query', () => {
  it(
    'every node answers over partitions spread across nodes as over a table each node holds; failover or a clear error when a node dies',
    async () => {
      const [p0, p1, p2] = [await freePort(), await freePort(), await freePort()];
      const n0 = await cluster.start(p0, null);
      const n1 = await cluster.start(p1, p0);
      const n2 = await cluster.start(p2, p0);
      const nodes = [n0, n1, n2];
      await until('three members alive at every node', () => allAlive(nodes, 3));
      for (const [suffix, options] of [['1', ' WITH (replicas = 1)'], ['2', ' WITH (replicas = 2)'], ['3', '']] as const) {
        await ok(n0, `CREATE TABLE f${suffix} (id int PRIMARY KEY, g int, v numeric(10,2), w int, t text, d date)${options}`);
        await ok(n0, `CREATE TABLE d${suffix} (g int PRIMARY KEY, name text)${options}`);
        // Rows with NULLs, repeated values and a skewed group.
        await ok(
          n1,
          `INSERT INTO f${suffix} SELECT i, CASE WHEN i % 5 = 0 THEN 0 ELSE i % 13 END, (i * 7 % 1000) / 1.0, CASE WHEN i % 9 = 0 THEN NULL ELSE i % 17 END,
             CASE WHEN i % 11 = 0 THEN NULL ELSE 't' || (i % 97) END, date '2020-01-01' + (i % 700) FROM generate_series(1, ${ROWS}) i`,
        );
        await ok(n2, `INSERT INTO d${suffix} SELECT i, 'name' || i FROM generate_series(0, 14) i`);
      }
      // No node serves every partition of f1 or f2: EXPLAIN names the nodes that read them.
      const plan = (await ok(n0, 'EXPLAIN SELECT * FROM f1 WHERE v > 10')).map((r) => String(r[0])).join('\n');
      expect(plan).toMatch(/Nodes: n-[0-9a-f]{8} \(\d+\), n-[0-9a-f]{8} \(\d+\), n-[0-9a-f]{8} \(\d+\)/);
      // EXPLAIN ANALYZE adds the tasks each node ran, their time, and the bytes the other two sent back.
      const analyzed = (await ok(n1, 'EXPLAIN ANALYZE SELECT g, count(*) FROM f1 GROUP BY g')).map((r) => String(r[0])).join('\n');
      expect(analyzed).toMatch(/Nodes: (n-[0-9a-f]{8} \(\d+: \d+ tasks, [\d.]+ ms(, [\d.]+ kB sent)?\)(, )?){3}/);
      expect(analyzed.match(/kB sent/g)?.length).toBe(2);

      // The reference table is read locally on each node: wait until the third replica of each
      // write (W = 2) has landed everywhere, so that the reference is complete (a scan reads one
      // replica, and the rows went in through n1 and n2).
      await until('every node holds every row of f3 and d3', async () => {
        for (const node of nodes) {
          const [[f, d]] = (await ok(node, 'SELECT (SELECT count(*) FROM f3), (SELECT count(*) FROM d3)')) as [[unknown, unknown]];
          if (Number(f) !== ROWS || Number(d) !== 15) return false;
        }
        return true;
      });
      const expected = new Map<string, string>();
      for (const q of QUERIES) expected.set(q, JSON.stringify(await ok(n0, on(q, '3'))));
      // The one-replica table through every node; the two-replica one and spread reads through one each.
      const runs: [RunningEon, (q: string) => string][] = [
        ...nodes.map((node): [RunningEon, (q: string) => string] => [node, (q) => on(q, '1')]),
        [n1, (q) => on(q, '2')],
        [n2, (q) => `SET eon.coverage = spread_all; ${on(q, '3')}`],
      ];
      for (const [node, text] of runs) {
        for (const q of QUERIES) expect(JSON.stringify(await ok(node, text(q))), `${text(q)} on :${node.pgPort}`).toBe(expected.get(q));
      }
      // A key range that fixes the distribution key (the first primary-key column) reads one
      // partition: one node is asked, once; EXPLAIN counts that partition only.
      await ok(n0, 'CREATE TABLE lines1 (o int, n int, v int, PRIMARY KEY (o, n)) WITH (replicas = 1)');
      await ok(n0, 'INSERT INTO lines1 SELECT i / 10, i % 10, i FROM generate_series(0, 2999) i');
      expect(await ok(n2, 'SELECT count(*), sum(v) FROM lines1 WHERE o = 17 AND n < 5')).toEqual([['5', '860']]);
      const pruned = (await ok(n2, 'EXPLAIN ANALYZE SELECT count(*), sum(v) FROM lines1 WHERE o = 17')).map((r) => String(r[0])).join('\n');
      expect(pruned).toMatch(/Nodes: n-[0-9a-f]{8} \(1: 1 tasks, [\d.]+ ms(, [\d.]+ kB sent)?\) \(/);
      // Placed by the key's second column instead (distribute_by): an order's lines spread over
      // the partitions, the same answers, and that key range no longer prunes.
      await ok(n0, "CREATE TABLE lines2 (o int, n int, v int, PRIMARY KEY (o, n)) WITH (replicas = 1, distribute_by = 'n')");
      await ok(n0, 'INSERT INTO lines2 SELECT o, n, v FROM lines1');
      expect(await ok(n1, 'SELECT count(*), sum(v) FROM lines2 WHERE o = 17 AND n < 5')).toEqual([['5', '860']]);
      expect((await ok(n1, 'EXPLAIN SELECT count(*) FROM lines2 WHERE o = 17')).map((r) => String(r[0])).join('\n')).toMatch(/Nodes: (n-[0-9a-f]{8} \(\d+\)(, )?){3}/);
      expect(await ok(n2, "SELECT options FROM eon_tables WHERE table_name = 'lines2'")).toEqual([['replicas=1, distribute_by=n']]);

      // INSERT … SELECT reads the rows where they are.
      await ok(n0, 'CREATE TABLE copy1 (id int PRIMARY KEY, g int) WITH (replicas = 1)');
      await ok(n1, 'INSERT INTO copy1 SELECT id, g FROM f1 WHERE id % 10 = 0');
      expect(await ok(n2, 'SELECT count(*), sum(g) FROM copy1')).toEqual(await ok(n2, 'SELECT count(*), sum(g) FROM f3 WHERE id % 10 = 0'));

      // A read of this node's rows only: refused, not answered from the partitions here.
      const refusal = await sql(n0, 'UPDATE f1 SET w = 0 WHERE g = 3');
      expect(refusal.error?.code).toBe('0A000');
      expect(refusal.error?.message).toMatch(/does not serve every partition of table "f1"/);

      // statement_timeout ends a statement whose fragments run on other nodes (their requests are cancelled).
      const slow = await sql(n0, "SET statement_timeout = '5ms'; SELECT count(*) FROM f1 a JOIN f1 b ON b.w = a.w");
      expect(slow.error?.code).toBe('57014');

      // Failover: n2 dies; f2's partitions each have a replica left, f1's on n2 have none.
      await n2.kill('SIGKILL');
      const checks = [QUERIES[0]!, QUERIES[1]!, QUERIES[5]!, QUERIES[8]!];
      const t0 = Date.now();
      let rounds = 0;
      const errors = new Set<string>();
      let seenDown = false;
      let quorumRefusals = 0;
      // At least two rounds, however slow the machine: one of them after n2 is seen down.
      while (Date.now() - t0 < FAILOVER_LOOP_MS || !seenDown || rounds < 2) {
        for (const q of checks) {
          // One replica per partition is all a two-replica table has left: readable at `one`.
          expect(JSON.stringify(await ok(n0, `SET eon.read_consistency = 'one'; ${on(q, '2')}`)), `after the kill: ${on(q, '2')}`).toBe(expected.get(q));
          // At quorum (R = 2 of N = 2) the same query cannot compare it with another: right or 57P03.
          const atQuorum = await sql(n0, on(q, '2'));
          if (atQuorum.status === 200) expect(JSON.stringify(atQuorum.rows), `at quorum after the kill: ${on(q, '2')}`).toBe(expected.get(q));
          else {
            expect(atQuorum.error?.code, `at quorum after the kill: ${on(q, '2')}`).toBe('57P03');
            quorumRefusals++;
          }
          const r = await sql(n1, on(q, '1'));
          if (r.status === 200) expect(JSON.stringify(r.rows), `after the kill: ${on(q, '1')}`).toBe(expected.get(q));
          else errors.add(String(r.error?.code));
        }
        rounds++;
        seenDown ||= (await stateOf(n0, p2)) !== 'alive';
        if (Date.now() - t0 > 60_000) throw new Error(`n2 never seen down, or two rounds not done in a minute (${rounds} rounds)`);
      }
      expect(rounds).toBeGreaterThan(1);
      expect(quorumRefusals).toBeGreaterThan(0);
      // f1's partitions on n2 cannot be read: a clear error every time.
      expect([...errors].every((c) => c === '57P03' || c === '08006')).toBe(true);
      expect(errors.size).toBeGreaterThan(0);

      // n2 restarts while queries keep coming: through its restart and rejoin each answer is right
      // or a clear error (none partial); once all three are alive, every query answers right again.
      let restarted = false;
      const restarting = cluster.start(p2, p0, n2.dataDir).finally(() => {
        restarted = true;
      });
      let duringRestart = 0;
      while (!restarted) {
        for (const q of [checks[0]!, checks[2]!]) {
          for (const text of [`SET eon.read_consistency = 'one'; ${on(q, '2')}`, on(q, '1')]) {
            const r = await sql(n1, text);
            if (r.status === 200) expect(JSON.stringify(r.rows), `while n2 restarts: ${text}`).toBe(expected.get(q));
            else expect(['57P03', '08006'], `while n2 restarts: ${text}: ${r.error?.message}`).toContain(r.error?.code);
            duringRestart++;
          }
        }
      }
      expect(duringRestart).toBeGreaterThan(0);
      const back = await restarting;
      await until('three members alive again', () => allAlive([n0, n1, back], 3));
      for (const q of checks) for (const suffix of ['1', '2']) expect(JSON.stringify(await ok(n1, on(q, suffix)))).toBe(expected.get(q));

      // A paused node (SIGSTOP) is not waited for until a request times out: once membership
      // declares it dead (seconds), its tasks go to the other replica.
      process.kill(n1.pid, 'SIGSTOP');
      try {
        const started = Date.now();
        expect(JSON.stringify(await ok(n0, `SET eon.read_consistency = 'one'; ${on(QUERIES[1]!, '2')}`))).toBe(expected.get(QUERIES[1]!));
        expect(Date.now() - started).toBeLessThan(PAUSED_ANSWER_MS_MAX);
      } finally {
        process.kill(n1.pid, 'SIGCONT');
      }
    },
    TEST_TIMEOUT_MS,
  );
});
