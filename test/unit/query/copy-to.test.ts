// COPY TO's encoding and statement checks: PostgreSQL's text escapes and CSV quoting rules (the
// expected strings were taken from PostgreSQL 15's COPY … TO STDOUT), and its option errors.
import { describe, expect, it } from 'vitest';
import { CopyToData, escapeText, quoteCsv } from '../../../query/statements/copy-to.js';
import type { CopyOptions } from '../../../query/parse/copy-statement.js';
import { parseScript } from '../../../query/parse/parser.js';
import { Numeric, T } from '../../../src/types/index.js';

const CSV: CopyOptions = { format: 'csv', delimiter: ',', nullText: '', header: false, quote: '"', escape: '"', forceQuote: [] };
const TEXT: CopyOptions = { format: 'text', delimiter: '\t', nullText: '\\N', header: false, quote: '"', escape: '"', forceQuote: [] };

const all = (d: CopyToData): string => [...d.lines()].join('');

describe('COPY TO text format', () => {
  it('escapes \\b \\f \\n \\r \\t \\v, backslash and the delimiter, and leaves other control characters', () => {
    expect(escapeText('plain ünï ✓', '\t')).toBe('plain ünï ✓');
    expect(escapeText('a\bb\fc\nd\re\tf\vg\\h', '\t')).toBe('a\\bb\\fc\\nd\\re\\tf\\vg\\\\h');
    expect(escapeText('a\x01b\x1fc', '\t')).toBe('a\x01b\x1fc');
    expect(escapeText('a|b', '|')).toBe('a\\|b');
    // A control-character delimiter is escaped as itself after a backslash.
    expect(escapeText('a\x01b\x1fc\\d\te', '\x01')).toBe('a\\\x01b\x1fc\\\\d\\te');
  });

  it('writes NULL as the NULL string, one line per row, and the header when asked', () => {
    const d = new CopyToData(
      [
        { name: 'id', type: T.int4 },
        { name: 'n\tame', type: T.text },
      ],
      [
        [1, 'x'],
        [2, null],
        [3, ''],
      ],
      { ...TEXT, header: true },
      [false, false],
    );
    expect(d.rowCount).toBe(3);
    expect(d.columnCount).toBe(2);
    expect(all(d)).toBe('id\tn\\tame\n1\tx\n2\t\\N\n3\t\n');
  });

  it('formats values in their text output form', () => {
    const d = new CopyToData([{ name: 'b', type: T.bool }, { name: 'n', type: T.numeric }, { name: 'd', type: T.date }], [[true, Numeric.parse('-1.50'), 0]], TEXT, [false, false, false]);
    expect(all(d)).toBe('t\t-1.50\t1970-01-01\n');
  });
});

describe('COPY TO CSV', () => {
  it('quotes only what needs it, doubling quotes', () => {
    expect(quoteCsv('plain', CSV, false, false)).toBe('plain');
    expect(quoteCsv('a,b', CSV, false, false)).toBe('"a,b"');
    expect(quoteCsv('say "hi"', CSV, false, false)).toBe('"say ""hi"""');
    expect(quoteCsv('two\nlines', CSV, false, false)).toBe('"two\nlines"');
    expect(quoteCsv('cr\r', CSV, false, false)).toBe('"cr\r"');
    expect(quoteCsv('back\\slash', CSV, false, false)).toBe('back\\slash');
    // The empty string reads as NULL unquoted, so it is quoted; \. alone on a line would end the data.
    expect(quoteCsv('', CSV, false, false)).toBe('""');
    expect(quoteCsv('\\.', CSV, false, true)).toBe('"\\."');
    expect(quoteCsv('\\.', CSV, false, false)).toBe('\\.');
    expect(quoteCsv('x', CSV, true, false)).toBe('"x"');
  });

  it('uses its own quote and escape characters', () => {
    const o: CopyOptions = { ...CSV, quote: "'", escape: '\\', delimiter: ';' };
    expect(quoteCsv("it's", o, false, false)).toBe("'it\\'s'");
    expect(quoteCsv('a\\b;c', o, false, false)).toBe("'a\\\\b;c'");
    expect(quoteCsv('a\\b', o, false, false)).toBe('a\\b');
    expect(quoteCsv('NULL', { ...CSV, nullText: 'NULL' }, false, false)).toBe('"NULL"');
  });

  it('leaves NULL unquoted even in a FORCE_QUOTE column', () => {
    const d = new CopyToData([{ name: 'a', type: T.int4 }, { name: 'b', type: T.text }], [[1, 'x'], [2, null], [3, '']], { ...CSV, header: true }, [true, false]);
    expect(all(d)).toBe('a,b\n"1",x\n"2",\n"3",""\n');
  });
});

describe('COPY TO statements', () => {
  it('parses the table and query forms', () => {
    expect(parseScript('COPY public.t (a, b) TO STDOUT (FORMAT csv, FORCE_QUOTE *, HEADER)')[0]).toMatchObject({
      kind: 'copy',
      direction: 'to',
      table: 't',
      columns: ['a', 'b'],
      query: null,
      options: { format: 'csv', header: true, forceQuote: 'all' },
    });
    const [q] = parseScript('COPY (SELECT 1) TO STDOUT CSV FORCE QUOTE a, b');
    expect(q).toMatchObject({ kind: 'copy', direction: 'to', options: { forceQuote: ['a', 'b'] } });
    expect(q?.kind === 'copy' && q.query !== null).toBe(true);
  });

  it("refuses what PostgreSQL refuses, with its SQLSTATE and words", () => {
    const cases: [string, string, string][] = [
      ["COPY t TO '/tmp/x'", '0A000', 'COPY TO a file or program on the server is not supported'],
      ['COPY t TO STDOUT (FORCE_QUOTE *)', '0A000', 'COPY force quote available only in CSV mode'],
      ["COPY t TO STDOUT (FORMAT csv, FORCE_QUOTE 'a')", '22023', 'argument to option "force_quote" must be a list of column names'],
      ['COPY t TO STDOUT (FORMAT csv, HEADER match)', '0A000', 'cannot use "match" with HEADER in COPY TO'],
      ['COPY t TO STDOUT (HEADER 2)', '42601', 'header requires a Boolean value or "match"'],
      ["COPY t TO STDOUT (FORMAT csv, QUOTE 'ab')", '0A000', 'COPY quote must be a single one-byte character'],
      ["COPY t TO STDOUT (FORMAT csv, DELIMITER '|', QUOTE '|')", '22023', 'COPY delimiter and quote must be different'],
      ["COPY t TO STDOUT (NULL 'a|b', DELIMITER '|')", '0A000', 'COPY delimiter must not appear in the NULL specification'],
      ["COPY t TO STDOUT (FORMAT csv, NULL 'a\"b')", '0A000', 'CSV quote character must not appear in the NULL specification'],
      ["COPY t TO STDOUT (ESCAPE 'a')", '0A000', 'COPY escape available only in CSV mode'],
      ["COPY t TO STDOUT (DELIMITER '.')", '22023', 'COPY delimiter cannot be "."'],
      ["COPY t TO STDOUT (DELIMITER 'ü')", '0A000', 'COPY delimiter must be a single one-byte character'],
      ["COPY t TO STDOUT (NULL E'\\n')", '22023', 'COPY null representation cannot use newline or carriage return'],
      ['COPY t TO STDOUT (bogus 1)', '42601', 'option "bogus" not recognized'],
      ['COPY (INSERT INTO t VALUES (1)) TO STDOUT', '0A000', 'COPY query must have a RETURNING clause'],
      ['COPY (SELECT 1 INTO zz) TO STDOUT', '0A000', 'COPY (SELECT INTO) is not supported'],
    ];
    for (const [sql, sqlstate, message] of cases) expect(() => parseScript(sql), sql).toThrow(expect.objectContaining({ sqlstate, message }));
  });
});
