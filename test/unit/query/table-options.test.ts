// Per-table N, W, R as storage parameters: CREATE TABLE … WITH (replicas, write_quorum,
// read_quorum) and ALTER TABLE … SET/RESET, checked as PostgreSQL checks reloptions, stored with
// the table (kept across a restart), shown in pg_class.reloptions and eon_tables; and tableQuorum.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseSync } from 'libpg-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateStmt } from '@pgsql/types';
import { TABLE_REPLICAS_MAX, majorityOf, reloptionsOf, tableQuorum } from '../../../src/cluster/replication/index.js';
import { applyOptionChange, parseOptionNames, parseOptionValues } from '../../../query/statements/table-options.js';
import { openTestEngine, type TestEngine } from '../../support/engine.js';
import { partitionOfRow } from '../../../storage/index.js';

/** The WITH list of `CREATE TABLE t (a int) WITH (<options>)`. */
function withList(options: string): NonNullable<CreateStmt['options']> {
  const stmt = parseSync(`CREATE TABLE t (a int) WITH (${options})`).stmts?.[0]?.stmt as { CreateStmt: CreateStmt };
  return stmt.CreateStmt.options ?? [];
}

const parsed = (options: string) => applyOptionChange({}, parseOptionValues(withList(options), 'create'));
const refusal = (code: string, message: string | RegExp) => expect.objectContaining({ code, message: expect.stringMatching(message) });

describe('tableQuorum', () => {
  it('fills in N = 3 and, for W and R, a majority of N', () => {
    expect(tableQuorum({})).toEqual({ replicas: 3, writeQuorum: 2, readQuorum: 2 });
    expect(tableQuorum({ replicas: 1 })).toEqual({ replicas: 1, writeQuorum: 1, readQuorum: 1 });
    expect(tableQuorum({ replicas: 5 })).toEqual({ replicas: 5, writeQuorum: 3, readQuorum: 3 });
    expect(tableQuorum({ replicas: 2, readQuorum: 1 })).toEqual({ replicas: 2, writeQuorum: 2, readQuorum: 1 });
    expect([1, 2, 3, 4, 5, 6, 7].map(majorityOf)).toEqual([1, 2, 2, 3, 3, 4, 4]);
  });

  it('refuses N beyond the maximum and W or R beyond N', () => {
    expect(() => tableQuorum({ replicas: TABLE_REPLICAS_MAX + 1 })).toThrow(refusal('invalid_parameter_value', /replicas must be between 1 and 7/));
    expect(() => tableQuorum({ replicas: 2, writeQuorum: 3 })).toThrow(refusal('invalid_parameter_value', /write_quorum must be between 1 and replicas \(2\), got 3/));
    expect(() => tableQuorum({ readQuorum: 4 })).toThrow(refusal('invalid_parameter_value', /read_quorum must be between 1 and replicas \(3\)/));
  });

  it('lists set options as reloptions, in a fixed order', () => {
    expect(reloptionsOf({})).toBeNull();
    expect(reloptionsOf({ readQuorum: 1, replicas: 2 })).toEqual(['replicas=2', 'read_quorum=1']);
  });
});

describe('storage parameter parsing', () => {
  it('reads integers and integer strings', () => {
    expect(parsed('replicas = 2, write_quorum = 1, read_quorum = 2')).toEqual({ replicas: 2, writeQuorum: 1, readQuorum: 2 });
    expect(parsed("replicas = '5'")).toEqual({ replicas: 5 });
    expect(parsed('read_quorum = 1')).toEqual({ readQuorum: 1 });
  });

  it('refuses what PostgreSQL refuses, with its messages (22023)', () => {
    expect(() => parsed('fillfactor = 50')).toThrow(refusal('invalid_parameter_value', /^unrecognized parameter "fillfactor"$/));
    expect(() => parsed('toast.replicas = 2')).toThrow(refusal('invalid_parameter_value', /^unrecognized parameter "toast.replicas"$/));
    expect(() => parsed('foo.replicas = 2')).toThrow(refusal('invalid_parameter_value', /^unrecognized parameter namespace "foo"$/));
    expect(() => parsed('replicas = 2, replicas = 3')).toThrow(refusal('invalid_parameter_value', /^parameter "replicas" specified more than once$/));
    expect(() => parsed("replicas = 'three'")).toThrow(refusal('invalid_parameter_value', /^invalid value for integer option "replicas": three$/));
    expect(() => parsed('replicas = 2.5')).toThrow(refusal('invalid_parameter_value', /^invalid value for integer option "replicas": 2.5$/));
    expect(() => parsed('replicas')).toThrow(refusal('invalid_parameter_value', /^invalid value for integer option "replicas": true$/));
    expect(() => parsed('replicas = 0')).toThrow(refusal('invalid_parameter_value', /^value 0 out of bounds for option "replicas"$/));
    expect(() => parsed('write_quorum = 8')).toThrow(refusal('invalid_parameter_value', /^value 8 out of bounds for option "write_quorum"$/));
    expect(() => parsed('replicas = 2, write_quorum = 3')).toThrow(refusal('invalid_parameter_value', /write_quorum must be between 1 and replicas \(2\)/));
  });

  it('sets and resets against the current settings', () => {
    const alterList = (sql: string) => {
      const stmt = parseSync(sql).stmts?.[0]?.stmt as { AlterTableStmt: { cmds: { AlterTableCmd: { def: { List: { items: never[] } } } }[] } };
      return stmt.AlterTableStmt.cmds[0]!.AlterTableCmd.def.List.items;
    };
    const current = { replicas: 2, writeQuorum: 1 };
    expect(applyOptionChange(current, parseOptionValues(alterList('ALTER TABLE t SET (write_quorum = 2, read_quorum = 1)'), 'alter'))).toEqual({ replicas: 2, writeQuorum: 2, readQuorum: 1 });
    expect(applyOptionChange(current, parseOptionNames(alterList('ALTER TABLE t RESET (replicas)')))).toEqual({ writeQuorum: 1 });
    expect(() => parseOptionNames(alterList('ALTER TABLE t RESET (replicas = 2)'))).toThrow(refusal('invalid_parameter_value', /^RESET must not include values for parameters$/));
    expect(() => applyOptionChange(current, parseOptionValues(alterList('ALTER TABLE t SET (read_quorum = 3)'), 'alter'))).toThrow(refusal('invalid_parameter_value', /read_quorum/));
  });
});

describe('CREATE TABLE … WITH and ALTER TABLE … SET/RESET', () => {
  let dir: string;
  let db: TestEngine;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'eon-table-options-'));
    db = openTestEngine({ name: 'table-options', dir });
    await db.rows('CREATE TABLE q (id int PRIMARY KEY, v text) WITH (replicas = 2, write_quorum = 1)');
    await db.rows('CREATE TABLE plain (id int PRIMARY KEY)');
  });
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const options = async (table: string) => db.rows(`SELECT reloptions FROM pg_class WHERE relname = '${table}'`);

  it('stores the options with the table and shows them in pg_class.reloptions and eon_tables', async () => {
    expect(db.store.getTable('q')).toMatchObject({ replicas: 2, writeQuorum: 1 });
    expect(await options('q')).toEqual([['{replicas=2,write_quorum=1}']]);
    expect(await options('plain')).toEqual([[null]]);
    expect(await db.rows("SELECT table_name, replicas, write_quorum, read_quorum, options FROM eon_tables WHERE table_name IN ('q', 'plain') ORDER BY 1")).toEqual([
      ['plain', 3, 2, 2, null],
      ['q', 2, 1, 2, 'replicas=2, write_quorum=1'],
    ]);
  });

  it('refuses bad options before creating anything', async () => {
    await expect(db.rows('CREATE TABLE bad (a int) WITH (replicas = 1, read_quorum = 2)')).rejects.toMatchObject({ code: 'invalid_parameter_value' });
    await expect(db.rows('CREATE TABLE bad (a int) WITH (oids = true)')).rejects.toMatchObject({ code: 'feature_not_supported', message: 'tables declared WITH OIDS are not supported' });
    await expect(db.rows('ALTER TABLE plain SET (oids = false)')).rejects.toMatchObject({ code: 'invalid_parameter_value', message: 'unrecognized parameter "oids"' });
    expect(db.store.getTable('bad')).toBeUndefined();
    await db.rows('CREATE TABLE copied WITH (read_quorum = 1) AS SELECT 1 AS a');
    expect(await options('copied')).toEqual([['{read_quorum=1}']]);
    await expect(db.rows('CREATE TABLE bad WITH (replicas = 9) AS SELECT 1 AS a')).rejects.toMatchObject({ code: 'invalid_parameter_value' });
    await db.rows('DROP TABLE copied');
    // Old dumps' WITH (oids = false) changes nothing, as in PostgreSQL 12 and later.
    await db.rows('CREATE TABLE old_dump (a int) WITH (OIDS = FALSE)');
    expect(await options('old_dump')).toEqual([[null]]);
    await db.rows('DROP TABLE old_dump');
  });

  it('changes W and R with SET and RESET, and N of an empty table only', async () => {
    await db.rows('ALTER TABLE q SET (read_quorum = 1)');
    expect(await options('q')).toEqual([['{replicas=2,write_quorum=1,read_quorum=1}']]);
    await db.rows('ALTER TABLE q RESET (write_quorum, read_quorum)');
    expect(await options('q')).toEqual([['{replicas=2}']]);
    await db.rows("INSERT INTO q VALUES (1, 'one')");
    await expect(db.rows('ALTER TABLE q SET (replicas = 3)')).rejects.toMatchObject({ code: 'feature_not_supported' });
    await expect(db.rows('ALTER TABLE q RESET (replicas)')).rejects.toMatchObject({ code: 'feature_not_supported' });
    await expect(db.rows('ALTER TABLE q SET (write_quorum = 3)')).rejects.toMatchObject({ code: 'invalid_parameter_value' });
    // The same N spelled out is no change.
    await db.rows('ALTER TABLE q SET (replicas = 2, write_quorum = 2)');
    await db.rows('ALTER TABLE plain SET (replicas = 5)');
    expect(await db.rows("SELECT replicas, write_quorum, read_quorum FROM eon_tables WHERE table_name = 'plain'")).toEqual([[5, 3, 3]]);
    expect(await db.rows('SELECT v FROM q')).toEqual([['one']]);
  });

  it('places rows by the distribute_by columns (primary-key columns), shown among the options, fixed after CREATE', async () => {
    await db.rows("CREATE TABLE placed (tenant int, id int, v text, PRIMARY KEY (tenant, id)) WITH (distribute_by = 'id', replicas = 2)");
    const table = db.store.getTable('placed')!;
    expect(table.distributionKey).toEqual([1]);
    await db.rows("INSERT INTO placed SELECT 1, i, 'v' || i FROM generate_series(1, 200) i");
    // One tenant's rows spread over the partitions (placed by id), not all in tenant 1's.
    const partitions = new Set([...db.store.scanRows(table)].map((r) => partitionOfRow(table, r.row, db.store.partitions)));
    expect(db.store.partitions).toBeGreaterThan(1);
    expect(partitions.size).toBe(db.store.partitions);
    expect(await db.rows('SELECT count(*), sum(id) FROM placed WHERE tenant = 1')).toEqual([[200n, 20100n]]);
    expect(await db.rows('SELECT v FROM placed WHERE tenant = 1 AND id = 42')).toEqual([['v42']]);
    expect(await options('placed')).toEqual([['{replicas=2,distribute_by=id}']]);
    expect(await db.rows("SELECT options FROM eon_tables WHERE table_name = 'placed'")).toEqual([['replicas=2, distribute_by=id']]);
    // The default (the key's first column) spelled out shows nothing; several columns are listed.
    await db.rows("CREATE TABLE placed2 (a int, b int, PRIMARY KEY (a, b)) WITH (distribute_by = 'a')");
    expect(await options('placed2')).toEqual([[null]]);
    await db.rows("CREATE TABLE placed3 (a int, b int, PRIMARY KEY (a, b)) WITH (distribute_by = 'b, a')");
    expect(db.store.getTable('placed3')!.distributionKey).toEqual([1, 0]);
    expect(await options('placed3')).toEqual([['{"distribute_by=b,a"}']]);
    const refused = (sql: string) => expect(db.rows(sql)).rejects;
    await refused("CREATE TABLE bad (a int PRIMARY KEY, b int) WITH (distribute_by = 'b')").toMatchObject({ code: 'feature_not_supported', message: 'distribute_by column "b" is not part of the primary key' });
    await refused("CREATE TABLE bad (a int PRIMARY KEY) WITH (distribute_by = 'c')").toMatchObject({ code: 'undefined_column' });
    await refused("CREATE TABLE bad (a int) WITH (distribute_by = 'a')").toMatchObject({ code: 'feature_not_supported', message: 'distribute_by needs a primary key' });
    await refused("CREATE TABLE bad (a int PRIMARY KEY) WITH (distribute_by = 'a, a')").toMatchObject({ code: 'invalid_parameter_value' });
    await refused("CREATE TABLE bad (a int PRIMARY KEY) WITH (distribute_by = '')").toMatchObject({ code: 'invalid_parameter_value' });
    await refused("CREATE TABLE bad (a int PRIMARY KEY) WITH (distribute_by = 'a', distribute_by = 'a')").toMatchObject({ code: 'invalid_parameter_value' });
    await refused("ALTER TABLE placed SET (distribute_by = 'tenant')").toMatchObject({ code: 'feature_not_supported', message: '"distribute_by" is fixed when the table is created' });
    await refused('ALTER TABLE placed RESET (distribute_by)').toMatchObject({ code: 'feature_not_supported' });
    expect(db.store.getTable('bad')).toBeUndefined();
    await db.rows('DROP TABLE placed, placed2, placed3');
  });

  it("joins reloptions with psql's `reloptions || array(…)` (arrays are text)", async () => {
    expect(await db.rows("SELECT array_to_string(c.reloptions || array(SELECT 'toast.' || x FROM unnest('{}'::text) x), ', ') FROM pg_class c WHERE relname = 'q'")).toEqual([['replicas=2, write_quorum=2']]);
    expect(await db.rows("SELECT array_to_string('{a,b}' || '{c}', '/'), array_to_string('{}' || '{}', '/')")).toEqual([['a/b/c', '']]);
  });

  it('keeps the options across a restart', async () => {
    db.close();
    db = openTestEngine({ name: 'table-options', dir });
    expect(await options('q')).toEqual([['{replicas=2,write_quorum=2}']]);
    expect(await options('plain')).toEqual([['{replicas=5}']]);
    expect(await db.rows('SELECT v FROM q')).toEqual([['one']]);
  });
});
