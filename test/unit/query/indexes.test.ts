// Indexes in the query layer: the planner's choice (EXPLAIN shows an index scan for equality on
// an index's leading columns, the primary-key lookup when that fits, a scan otherwise), answers
// that stay right when plans outlive their index, PostgreSQL's errors and names, and the refusal
// on a cluster of several nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterCatalog } from '../../../src/cluster/catalog/cluster-catalog.js';
import type { ClusterCatalogOptions } from '../../../src/cluster/catalog/cluster-catalog.js';
import { T } from '../../../src/types/index.js';
import { CopyFromSink } from '../../../query/statements/copy-from.js';
import type { CopyOptions } from '../../../query/parse/copy-statement.js';
import { openTestEngine, type TestEngine } from '../../support/engine.js';

let e: TestEngine;

beforeAll(async () => {
  e = openTestEngine({ name: 'indexes' });
  await e.rows(`
    CREATE TABLE ix (id int PRIMARY KEY, email text UNIQUE, g int, h text);
    INSERT INTO ix SELECT i, 'u' || i, i % 10, 'h' || (i % 3) FROM generate_series(1, 500) AS s(i);
    CREATE INDEX ix_g_h ON ix (g, h);
  `);
});

afterAll(() => e.close());

async function plan(sql: string): Promise<string> {
  return (await e.rows(`EXPLAIN ${sql}`)).map((r) => String(r[0])).join('\n');
}

describe('plan choice', () => {
  it('reads through a unique index for equality on its column', async () => {
    expect(await plan("SELECT id FROM ix WHERE email = 'u42'")).toContain('Index Scan using ix_email_key on ix (email = ');
    expect(await e.rows("SELECT id FROM ix WHERE email = 'u42'")).toEqual([[42]]);
  });

  it('uses the leading columns of a composite index, the longest match first', async () => {
    expect(await plan('SELECT id FROM ix WHERE g = 3')).toContain('Index Scan using ix_g_h on ix (g = 3::integer)');
    expect(await plan("SELECT id FROM ix WHERE h = 'h1' AND g = 3")).toMatch(/Index Scan using ix_g_h on ix \(g = 3::integer, h = 'h1'(::text)?\)/);
    const rows = await e.rows("SELECT id FROM ix WHERE g = 3 AND h = 'h1' AND id < 100 ORDER BY id");
    expect(rows.map((r) => r[0])).toEqual([13, 43, 73]);
  });

  it('prefers the primary-key point lookup, and scans when no index leads with a fixed column', async () => {
    expect(await plan("SELECT id FROM ix WHERE id = 5 AND email = 'u5'")).toContain('Point Lookup on ix');
    expect(await plan("SELECT id FROM ix WHERE h = 'h1'")).toContain('Partition Scan on ix');
    expect(await plan('SELECT id FROM ix WHERE g + 1 = 4')).toContain('Partition Scan on ix');
  });

  it('bounds the column after the fixed ones, and scans when the range holds a large share of the rows', async () => {
    expect(await plan("SELECT id FROM ix WHERE g = 3 AND h > 'h0' AND h <= 'h2'")).toContain("Index Scan using ix_g_h on ix (g = 3::integer, h > 'h0'::text, h <= 'h2'::text)");
    expect(await plan('SELECT id FROM ix WHERE g BETWEEN 2 AND 3')).toContain('Index Scan using ix_g_h on ix (g >= 2::integer, g <= 3::integer)');
    expect(await plan('SELECT id FROM ix WHERE 4 > g')).toContain('Index Scan using ix_g_h on ix (g < 4::integer)');
    const ids = async (sql: string): Promise<unknown[]> => (await e.rows(sql)).map((r) => r[0]);
    expect(await ids("SELECT id FROM ix WHERE g = 3 AND h > 'h0' AND h <= 'h2' AND id < 50 ORDER BY id")).toEqual([13, 23, 43]);
    // 500 rows, the floor is 1024: every range here reads through the index; a larger table falls back.
    expect(await ids('SELECT count(*)::int FROM ix WHERE g >= 1')).toEqual([450]);
    await e.rows('CREATE TABLE ixbig (id int PRIMARY KEY, k int); INSERT INTO ixbig SELECT i, i % 3 FROM generate_series(1, 4000) AS s(i); CREATE INDEX ixbig_k ON ixbig (k)');
    expect(await ids('SELECT count(*)::int FROM ixbig WHERE k >= 1')).toEqual([2667]);
    expect(await ids('SELECT count(*)::int FROM ixbig WHERE k = 0')).toEqual([1333]);
    expect(await ids('SELECT count(*)::int FROM ixbig WHERE k < 0')).toEqual([0]);
  });

  it('gives a prepared plan the right rows after its index is dropped', async () => {
    const s = e.open();
    const rows = async (): Promise<unknown[][]> => {
      const out: unknown[][] = [];
      for await (const r of s.executeScript('SELECT count(*)::int FROM ix WHERE g = 7')) out.push(...r.rows);
      return out;
    };
    expect(await rows()).toEqual([[50]]);
    await e.rows('CREATE INDEX ix_g_only ON ix (g)');
    expect(await rows()).toEqual([[50]]);
    await e.rows('DROP INDEX ix_g_only');
    expect(await rows()).toEqual([[50]]);
  });
});

describe('statements', () => {
  it('reports a duplicate as PostgreSQL does', async () => {
    const err = await e.errorOf("INSERT INTO ix VALUES (1000, 'u7', 0, 'x')");
    expect(err.sqlstate).toBe('23505');
    expect(err.message).toBe('duplicate key value violates unique constraint "ix_email_key"');
    expect(err.detail).toBe('Key (email)=(u7) already exists.');
    const multi = await e.errorOf("UPDATE ix SET email = 'u1', g = 1000 WHERE id = 2");
    expect(multi.detail).toBe('Key (email)=(u1) already exists.');
    const build = await e.errorOf('CREATE UNIQUE INDEX ix_g_u ON ix (g, h)');
    expect(build.message).toBe('could not create unique index "ix_g_u"');
    expect(build.detail).toMatch(/^Key \(g, h\)=\(\d, h\d\) is duplicated\.$/);
  });

  it('names indexes and constraints as PostgreSQL does, numbered on a clash', async () => {
    await e.rows('CREATE TABLE ixn (a int UNIQUE, b int, UNIQUE (a, b)); CREATE INDEX ON ixn (b); CREATE INDEX ON ixn (b); CREATE TABLE ixn_a (x int)');
    const names = await e.rows("SELECT relname::text FROM pg_class WHERE relkind = 'i' AND relname LIKE 'ixn%' ORDER BY 1");
    expect(names.map((r) => r[0])).toEqual(['ixn_a_b_key', 'ixn_a_key', 'ixn_b_idx', 'ixn_b_idx1']);
    expect((await e.errorOf('CREATE INDEX ixn_a ON ixn (a)')).sqlstate).toBe('42P07');
    const drop = await e.errorOf('DROP INDEX ixn_a_key');
    expect(drop.sqlstate).toBe('2BP01');
    expect(drop.message).toBe('cannot drop index ixn_a_key because constraint ixn_a_key on table ixn requires it');
    expect((await e.errorOf('CREATE INDEX ON ixn ((a + 1))')).sqlstate).toBe('0A000');
    expect((await e.errorOf('CREATE INDEX ON ixn (a) WHERE a > 0')).sqlstate).toBe('0A000');
    expect((await e.errorOf('BEGIN; CREATE INDEX ON ixn (a)')).sqlstate).toBe('0A000');
    await e.rows('ROLLBACK');
  });
});

describe('COPY FROM', () => {
  const TEXT: CopyOptions = { format: 'text', delimiter: '\t', nullText: '\\N', header: false, quote: '"', escape: '"', forceQuote: [] };
  const copy = async (data: string): Promise<number> => {
    const table = e.store.getTable('ixcopy')!;
    const sink = new CopyFromSink(e.store, table, [0, 1], TEXT, undefined);
    const p = sink.write(new TextEncoder().encode(data));
    if (p !== undefined) await p;
    return sink.finish();
  };

  it('keeps the indexes of a bulk load and checks its unique values', async () => {
    await e.rows('CREATE TABLE ixcopy (id int PRIMARY KEY, code text UNIQUE)');
    let data = '';
    for (let i = 1; i <= 3000; i++) data += `${i}\tc${i}\n`;
    expect(await copy(data)).toBe(3000);
    expect(await e.rows("SELECT id FROM ixcopy WHERE code = 'c2999'")).toEqual([[2999]]);
    const err = await copy('5000\tc17\n').then(() => null, (x: { sqlstate?: string; detail?: string }) => x);
    expect(err).toMatchObject({ sqlstate: '23505', detail: 'Key (code)=(c17) already exists.' });
    expect(await e.rows('SELECT count(*)::int FROM ixcopy')).toEqual([[3000]]);
  });
});

describe('on a cluster of several nodes', () => {
  it('refuses unique constraints and indexes with 0A000', async () => {
    const options = {
      tables: e.store,
      membership: { nodeId: 'a', joined: true, catalogAcceptors: () => ['a', 'b'], upMembers: () => ['a', 'b'], addressOf: () => undefined },
      register: {},
      server: { handle: () => {} },
      pool: {},
      applied: { load: () => undefined, save: () => {} },
      log: () => {},
    } as unknown as ClusterCatalogOptions;
    const catalog = new ClusterCatalog(options);
    const refused = async (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (err: { sqlstate?: string; message?: string }) => `${err.sqlstate}: ${err.message}`);
    expect(await refused(catalog.createIndex('ix', { name: 'ix_h', columns: [3], unique: true, constraint: false }))).toBe(
      '0A000: CREATE UNIQUE INDEX is not supported on a cluster of more than one node yet',
    );
    expect(await refused(catalog.createIndex('ix', { name: 'ix_h', columns: [3], unique: false, constraint: false }))).toMatch(/^0A000: CREATE INDEX is not supported/);
    expect(await refused(catalog.dropIndex('ix', 'ix_g_h'))).toMatch(/^0A000: DROP INDEX is not supported/);
    const def = { name: 'ixc', columns: [{ name: 'a', type: T.int4, notNull: false }], primaryKey: [], indexes: [{ id: 1, name: 'ixc_a_key', columns: [0], unique: true, constraint: true }] };
    expect(await refused(catalog.createTable(def))).toMatch(/^0A000: UNIQUE constraints are not supported on a cluster/);
  });
});
