import { describe, expect, it } from 'vitest';
import { splitStatements, stringTokenValue, tokenize } from '../../../query/parse/lexer.js';
import { parseScript } from '../../../query/parse/parser.js';
import { EonError } from '../../../src/errors/index.js';

describe('lexer', () => {
  it('splits statements at top-level semicolons only', () => {
    const parts = splitStatements("select ';' ; select $$a;b$$; -- c;\n select \"x;y\"");
    expect(parts.map((p) => p.text)).toEqual(["select ';'", 'select $$a;b$$', 'select "x;y"']);
  });

  it('decodes the string forms PostgreSQL has', () => {
    expect(stringTokenValue("'it''s'")).toBe("it's");
    expect(stringTokenValue("E'a\\nb\\x41'")).toBe('a\nbA');
    expect(stringTokenValue('$tag$x$y$tag$')).toBe('x$y');
  });

  it('reports unterminated strings as syntax errors with a position', () => {
    try {
      tokenize("select 'abc");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EonError);
      expect((e as EonError).sqlstate).toBe('42601');
      expect((e as EonError).position).toBe(8);
    }
  });

  it('keeps nested block comments out of the token stream', () => {
    expect(tokenize('select /* a /* b */ c */ 1').map((t) => t.text)).toEqual(['select', '1']);
  });
});

describe('parser', () => {
  it('routes statements node-sql-parser lacks to eon kinds', () => {
    const kinds = parseScript('BEGIN; SET TIME ZONE UTC; SHOW DateStyle; EXPLAIN ANALYZE SELECT 1; COMMIT; COPY t FROM stdin; TRUNCATE t').map((s) => s.kind);
    expect(kinds).toEqual(['transaction', 'set', 'show', 'explain', 'transaction', 'copy', 'unsupported']);
  });

  it('lifts string literals so quoting follows PostgreSQL', () => {
    const [st] = parseScript("select 'it''s', E'x\\ty'");
    expect(st?.kind).toBe('query');
    if (st?.kind === 'query') expect(st.literals.values.map((v) => v.text)).toEqual(["it's", 'x\ty']);
  });

  it('lifts integer literals too large for a double', () => {
    const [st] = parseScript('select 12345678901234567890');
    if (st?.kind !== 'query') throw new Error('expected a query');
    expect(st.literals.values).toEqual([{ kind: 'number', text: '12345678901234567890' }]);
  });

  it('turns parser failures into 42601 with a position in the original text', () => {
    try {
      parseScript('select * frm t');
      expect.unreachable();
    } catch (e) {
      expect((e as EonError).sqlstate).toBe('42601');
      expect((e as EonError).message).toMatch(/syntax error/);
    }
  });
});
