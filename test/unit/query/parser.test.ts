import { describe, expect, it } from 'vitest';
import { asNode, constLiteral } from '../../../query/parse/ast.js';
import { parseOne, parseScript, type Statement } from '../../../query/parse/parser.js';
import { EonError } from '../../../src/errors/index.js';

function selectTargets(st: Statement | undefined) {
  if (st?.kind !== 'query') throw new Error('expected a query');
  return (asNode(st.ast, 'SelectStmt')!.targetList ?? []).map((t) => asNode(asNode(t, 'ResTarget')!.val, 'A_Const')!);
}

describe('parser', () => {
  it('splits a script at top-level semicolons and keeps each statement text', () => {
    const sts = parseScript("select ';' ; select $$a;b$$; -- c;\n select \"x;y\" from t");
    expect(sts.map((s) => s.text)).toEqual(["select ';'", 'select $$a;b$$', 'select "x;y" from t']);
  });

  it('cuts statement texts by the parser\'s byte offsets when the script is not ASCII', () => {
    const sts = parseScript("select 'ééé'; -- ü\n select 12345; select '日本'");
    expect(sts.map((s) => s.text)).toEqual(["select 'ééé'", 'select 12345', "select '日本'"]);
  });

  it('routes session statements to eon kinds and SQL to the parse tree', () => {
    const kinds = parseScript('BEGIN; SET TIME ZONE UTC; SHOW DateStyle; EXPLAIN ANALYZE SELECT 1; COMMIT; COPY t FROM stdin; LISTEN t; TRUNCATE t; SELECT 1').map((s) => s.kind);
    expect(kinds).toEqual(['transaction', 'set', 'show', 'explain', 'transaction', 'copy', 'unsupported', 'query', 'query']);
  });

  it('reads transaction control, SET and SHOW as PostgreSQL spells them', () => {
    const [begin, savepoint, rollbackTo, set, reset, show, setTx] = parseScript(
      "START TRANSACTION ISOLATION LEVEL REPEATABLE READ; SAVEPOINT \"Sp\"; ROLLBACK TO sp; SET search_path TO public, 'x'; RESET ALL; SHOW TIME ZONE; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
    );
    expect(begin).toMatchObject({ kind: 'transaction', action: 'begin', isolation: 'repeatable read' });
    expect(savepoint).toMatchObject({ kind: 'transaction', action: 'savepoint', savepoint: 'Sp' });
    expect(rollbackTo).toMatchObject({ kind: 'transaction', action: 'rollback_to', savepoint: 'sp' });
    expect(set).toMatchObject({ kind: 'set', name: 'search_path', value: 'public, x' });
    expect(reset).toMatchObject({ kind: 'set', name: 'all', value: null });
    expect(show).toMatchObject({ kind: 'show', name: 'timezone' });
    expect(setTx).toMatchObject({ kind: 'set', name: 'transaction_isolation', value: 'serializable' });
    expect(parseOne('BEGIN READ ONLY')).toMatchObject({ kind: 'unsupported', feature: 'READ ONLY transactions' });
  });

  it('decodes every string form and keeps large integers exact', () => {
    const consts = selectTargets(parseScript("select 'it''s', E'x\\ty', $t$a$b$t$, 12345678901234567890, 0, -7")[0]).map(constLiteral);
    expect(consts).toEqual([
      { kind: 'string', text: "it's" },
      { kind: 'string', text: 'x\ty' },
      { kind: 'string', text: 'a$b' },
      { kind: 'number', text: '12345678901234567890' },
      { kind: 'integer', value: 0 },
      { kind: 'integer', value: -7 },
    ]);
  });

  it('reads COPY options in both the WITH (…) and the older keyword form', () => {
    const [a, b] = parseScript("COPY t (a, \"B\") FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';', NULL 'x'); copy public.t from stdin delimiter as '|' csv header quote '''' escape '\\'");
    expect(a).toMatchObject({ kind: 'copy', table: 't', columns: ['a', 'B'], options: { format: 'csv', header: true, delimiter: ';', nullText: 'x' } });
    expect(b).toMatchObject({ kind: 'copy', table: 't', columns: null, options: { format: 'csv', header: true, delimiter: '|', quote: "'", escape: '\\' } });
  });

  it('reports syntax errors as 42601 with PostgreSQL message and 1-based position', () => {
    for (const [sql, message, position] of [
      ['select * frm t', 'syntax error at or near "frm"', 10],
      ['select * from t where', 'syntax error at end of input', 22],
      ["select 'abc", 'unterminated quoted string at or near "\'abc"', 8],
    ] as const) {
      try {
        parseScript(sql);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(EonError);
        expect((e as EonError).sqlstate).toBe('42601');
        expect((e as EonError).message).toBe(message);
        expect((e as EonError).position).toBe(position);
      }
    }
  });

  it('refuses several statements in one prepared statement', () => {
    expect(() => parseOne('select 1; select 2')).toThrow(expect.objectContaining({ sqlstate: '42601' }));
    expect(parseOne('  ')).toBeNull();
    expect(parseOne('')).toBeNull();
    expect(parseScript('-- nothing but a comment')).toEqual([]);
  });
});
