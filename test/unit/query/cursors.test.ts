// Cursors in one session: limits, the extended protocol's row shape for FETCH, a dropped
// connection closing them, and the _pg_expandarray rewrite leaving other statements alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOne } from '../../../query/parse/parser.js';
import { rewriteExpandArray } from '../../../query/parse/expand-array-rewrite.js';
import { CURSORS_PER_SESSION_MAX } from '../../../query/session/cursors.js';
import { openTestEngine, run, type TestEngine } from '../../support/engine.js';
import { sqlstateOf } from '../../support/errors.js';

let db: TestEngine;

beforeAll(async () => {
  db = openTestEngine({ name: 'cursors' });
  await run(db.open(), 'CREATE TABLE cur_t (id int PRIMARY KEY, v text)');
  await run(db.open(), "INSERT INTO cur_t SELECT g, 'v' || g FROM generate_series(1, 20) AS g");
});

afterAll(() => db?.close());

describe('cursors', () => {
  it('a prepared FETCH describes the cursor row shape; FETCH over the extended protocol returns the rows', async () => {
    const s = db.open();
    await run(s, 'BEGIN');
    await run(s, 'DECLARE c CURSOR FOR SELECT id, v FROM cur_t ORDER BY id');
    const fetch = await s.prepare('FETCH 3 FROM c');
    expect(fetch.columns?.map((c) => [c.name, c.type.kind])).toEqual([
      ['id', 'int4'],
      ['v', 'text'],
    ]);
    const r = await fetch.execute([]);
    expect([r.command, r.rowCount, r.rows]).toEqual(['FETCH', 3, [[1, 'v1'], [2, 'v2'], [3, 'v3']]]);
    expect((await fetch.execute([])).rows).toEqual([[4, 'v4'], [5, 'v5'], [6, 'v6']]);
    await run(s, 'COMMIT');
    expect(await sqlstateOf(run(s, 'FETCH c'))).toBe('34000');
  });

  it(`a session holds at most ${CURSORS_PER_SESSION_MAX} cursors (54000), and a failed DECLARE fails the block`, async () => {
    const s = db.open();
    await run(s, 'BEGIN');
    for (let i = 0; i < CURSORS_PER_SESSION_MAX; i++) await run(s, `DECLARE c${i} CURSOR FOR SELECT ${i}`);
    expect(await sqlstateOf(run(s, 'DECLARE one_more CURSOR FOR SELECT 1'))).toBe('54000');
    expect(s.transactionStatus).toBe('E');
    await run(s, 'ROLLBACK');
    await run(s, 'BEGIN');
    await run(s, 'DECLARE c0 CURSOR FOR SELECT 1');
    await run(s, 'ROLLBACK');
  });

  it('closing the session drops its WITH HOLD cursors', async () => {
    const s = db.open();
    await run(s, 'DECLARE h CURSOR WITH HOLD FOR SELECT id FROM cur_t ORDER BY id');
    expect(await run(s, 'FETCH 2 FROM h')).toEqual([[1], [2]]);
    s.close();
    expect(await sqlstateOf(run(s, 'FETCH h'))).toBe('34000');
  });

  it('binary, scrollable and backward cursors are refused with 0A000', async () => {
    const s = db.open();
    await run(s, 'BEGIN');
    expect(await sqlstateOf(run(s, 'DECLARE b BINARY CURSOR FOR SELECT 1'))).toBe('0A000');
    await run(s, 'ROLLBACK');
    await run(s, 'BEGIN');
    expect(await sqlstateOf(run(s, 'DECLARE b SCROLL CURSOR FOR SELECT 1'))).toBe('0A000');
    await run(s, 'ROLLBACK');
    await run(s, 'BEGIN');
    await run(s, 'DECLARE f CURSOR FOR SELECT 1');
    expect(await sqlstateOf(run(s, 'FETCH BACKWARD 1 FROM f'))).toBe('0A000');
    await run(s, 'ROLLBACK');
  });
});

describe('_pg_expandarray rewrite', () => {
  it('leaves statements without the function untouched and rewrites one over a single array', () => {
    const plain = parseOne('SELECT (t.keys).x FROM t');
    expect(plain?.kind === 'query' && JSON.stringify(plain.ast)).toContain('A_Indirection');
    const st = parseOne('SELECT (_pg_expandarray(i.indkey)).n AS k, _pg_expandarray(i.indkey) AS keys FROM pg_index i');
    const text = st?.kind === 'query' ? JSON.stringify(st.ast) : '';
    expect(text).toContain('"keys.x"');
    expect(text).toContain('"keys.n"');
    expect(text).toContain('"lateral":true');
    expect(text).not.toContain('_pg_expandarray');
  });

  it('does not rewrite calls over different arrays (they stay unsupported)', () => {
    const st = parseOne('SELECT _pg_expandarray(i.indkey) AS a, _pg_expandarray(i.indoption) AS b FROM pg_index i');
    expect(st?.kind === 'query' ? JSON.stringify(st.ast) : '').toContain('_pg_expandarray');
    const ast = st?.kind === 'query' ? st.ast : null;
    expect(ast === null ? '' : JSON.stringify(rewriteExpandArray(ast))).toContain('_pg_expandarray');
  });
});
