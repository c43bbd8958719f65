// Column DEFAULTs, sequences and CHECK constraints beyond what the differential file covers: a
// sequence never hands a value out twice across a restart, table definitions keep their
// defaults and checks across one, COPY FROM applies both, and a cluster of several nodes
// refuses nextval.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SEQUENCE_LOG_VALUES, Store } from '../../../storage/index.js';
import { standaloneClusterInfo } from '../../../query/index.js';
import { EonError } from '../../../src/errors/index.js';
import { decodeCatalog, encodeCatalog, EMPTY_CATALOG, withTable } from '../../../src/cluster/catalog/catalog-document.js';
import { openTestEngine, results, run } from '../../support/engine.js';
import { sqlstateOf } from '../../support/errors.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'eon-column-rules-'));
  dirs.push(d);
  return d;
}

describe('sequences', () => {
  it('never hands out a value twice across a reopen of the store', async () => {
    const dir = freshDir();
    let store = Store.open({ dir, partitions: 2 });
    store.sequences.create({ name: 's', type: 'int8', increment: '1', min: '1', max: '9223372036854775807', start: '1', cycle: false });
    const handed: bigint[] = [];
    for (let i = 0; i < SEQUENCE_LOG_VALUES + 5; i++) handed.push(store.sequences.next('s'));
    expect(handed[0]).toBe(1n);
    expect(new Set(handed).size).toBe(handed.length);
    // Reopened without a clean close of the counter: the block written before its first value
    // was handed out is what the store remembers.
    await store.close();
    store = Store.open({ dir, partitions: 2 });
    const next = store.sequences.next('s');
    expect(next > handed[handed.length - 1]!).toBe(true);
    expect(next).toBe(BigInt(2 * SEQUENCE_LOG_VALUES + 1));
    await store.close();
  });

  it('keeps setval across a reopen and fails at the maximum', async () => {
    const dir = freshDir();
    let store = Store.open({ dir, partitions: 2 });
    store.sequences.create({ name: 'small', type: 'int2', increment: '1', min: '1', max: '3', start: '1', cycle: false });
    store.sequences.set('small', 2n, true);
    await store.close();
    store = Store.open({ dir, partitions: 2 });
    expect(store.sequences.next('small')).toBe(3n);
    expect(() => store.sequences.next('small')).toThrow(/reached maximum value of sequence "small" \(3\)/);
    await store.close();
  });
});

describe('table definitions with defaults, serial and checks', () => {
  it('survive a restart, and COPY FROM applies them', async () => {
    const dir = freshDir();
    let db = openTestEngine({ dir, partitions: 2 });
    await results(db.open(), "CREATE TABLE r (id serial PRIMARY KEY, label text DEFAULT 'none', qty int CHECK (qty >= 0)); INSERT INTO r (qty) VALUES (1), (2)");
    await db.close();

    db = openTestEngine({ dir, partitions: 2 });
    const [inserted] = await run(db.open(), 'INSERT INTO r (qty) VALUES (3) RETURNING id, label, qty');
    // The sequence continues beyond everything handed out before the restart.
    expect((inserted as number[])[0]).toBeGreaterThan(2);
    expect(inserted!.slice(1)).toEqual(['none', 3]);
    expect(await sqlstateOf(results(db.open(), 'INSERT INTO r (qty) VALUES (-1)'))).toBe('23514');

    const session = db.open();
    const copy = session.beginCopyIn('COPY r (qty) FROM STDIN')!;
    await copy.write(new TextEncoder().encode('10\n\\N\n11\n'));
    expect(await copy.finish()).toBe(3);
    const copied = await run(db.open(), 'SELECT label, qty FROM r WHERE qty IS NULL OR qty >= 10 ORDER BY qty');
    expect(copied).toEqual([['none', 10], ['none', 11], ['none', null]]);
    const ids = await run(db.open(), 'SELECT count(DISTINCT id), count(*) FROM r');
    expect(ids[0]![0]).toBe(ids[0]![1]);

    const bad = db.open().beginCopyIn('COPY r (qty) FROM STDIN')!;
    // Data errors surface where the row is decoded (write) or at the end (finish).
    const err = await (async () => {
      await bad.write(new TextEncoder().encode('5\n-5\n'));
      await bad.finish();
    })().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EonError);
    expect((err as EonError).sqlstate).toBe('23514');
    expect((err as EonError).message).toBe('new row for relation "r" violates check constraint "r_qty_check"');
    await db.close();
  });

  it('travel through the cluster catalog document and are applied from it with their sequence', async () => {
    const dir = freshDir();
    const db = openTestEngine({ dir: path.join(dir, 'a'), partitions: 2 });
    await results(db.open(), "CREATE TABLE k (id bigserial PRIMARY KEY, note text DEFAULT 'n', CHECK (length(note) < 5))");
    const defined = db.store.getTable('k')!;
    const { id: _id, ...shape } = defined;
    const doc = decodeCatalog(encodeCatalog(withTable(EMPTY_CATALOG, shape, 1).doc))!;
    const t = doc.tables[0]!;
    // A member applies the catalog as ClusterCatalog.applyNow does.
    const member = Store.open({ dir: path.join(dir, 'b'), partitions: 2 });
    await member.createTable({ name: t.name, columns: t.columns, primaryKey: t.primaryKey, distributionKey: t.distributionKey, id: t.id, ...(t.checks === undefined ? {} : { checks: t.checks }) });
    const applied = member.getTable('k')!;
    expect(applied.columns.map((c) => c.default)).toEqual(["nextval('k_id_seq'::regclass)", "'n'"]);
    expect(applied.checks).toEqual([{ name: 'k_note_check', expr: 'length(note) < 5' }]);
    expect(member.sequences.has('k_id_seq')).toBe(true);
    await member.dropTable('k');
    expect(member.sequences.has('k_id_seq')).toBe(false);
    await member.close();
    await db.close();
  });

  it('hands out a new value on every run of a prepared INSERT, in every session', async () => {
    const dir = freshDir();
    const db = openTestEngine({ dir, partitions: 2 });
    await results(db.open(), 'CREATE TABLE p (id serial PRIMARY KEY, v int)');
    const ids: unknown[] = [];
    for (let s = 0; s < 2; s++) {
      const session = db.open();
      const insert = await session.prepare('INSERT INTO p (v) VALUES ($1) RETURNING id');
      for (let i = 0; i < 3; i++) ids.push((await insert.execute([i])).rows[0]![0]);
      const current = await session.prepare("SELECT currval('p_id_seq')");
      expect((await current.execute([])).rows[0]![0]).toBe(BigInt(ids[ids.length - 1] as number));
    }
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
    await db.close();
  });

  it('refuses nextval on a cluster of several nodes', async () => {
    const dir = freshDir();
    const db = openTestEngine({
      dir,
      partitions: 2,
      cluster: (store) => {
        const alone = standaloneClusterInfo(store);
        const view = alone.view();
        return { ...alone, view: () => ({ ...view, members: [...view.members, { ...view.members[0]!, id: 'other' }] }) };
      },
    });
    await results(db.open(), 'CREATE TABLE c (id bigserial PRIMARY KEY, v int)');
    expect(await sqlstateOf(results(db.open(), 'INSERT INTO c (v) VALUES (1)'))).toBe('0A000');
    expect(await sqlstateOf(results(db.open(), 'CREATE SEQUENCE cs'))).toBe('0A000');
    // Explicit keys still work.
    expect((await results(db.open(), 'INSERT INTO c VALUES (7, 1)'))[0]!.rowCount).toBe(1);
    await db.close();
  });
});
