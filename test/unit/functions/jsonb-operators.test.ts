// jsonb's tree operators: containment, key existence, concatenation, deletion and paths. Expected
// answers are PostgreSQL 15's for the same inputs.
import { describe, expect, it } from 'vitest';
import { formatJsonb, jsonbTree } from '../../../src/types/jsonb.js';
import type { EonError } from '../../../src/errors/index.js';
import { T } from '../../../src/types/index.js';
import { resolveScalarFunction } from '../../../query/functions/index.js';
import { elementOf, jsonbConcat, jsonbContains, jsonbDeleteIndex, jsonbDeleteKey, jsonbHasKey, pathOf } from '../../../query/functions/jsonb-operators.js';

const j = (text: string) => jsonbTree(text);

describe('jsonb @>', () => {
  const cases: [string, string, boolean][] = [
    ['[1,2,[3]]', '[[3]]', true],
    ['[1,2,[3]]', '[3]', false],
    ['{"a":[1,2]}', '{"a":[2,2]}', true],
    ['[{"a":1,"b":2}]', '[{"a":1}]', true],
    ['[{"a":1}]', '{"a":1}', false],
    ['{"a":{"b":1}}', '{"a":{}}', true],
    ['{"a":1}', '{}', true],
    ['[]', '[]', true],
    ['1', '1', true],
    ['"a"', '["a"]', false],
    ['["a"]', '"a"', true],
    ['{"a":[1]}', '{"a":1}', false],
    ['[1.0]', '[1]', true],
    ['{"a":null}', '{"a":null}', true],
    ['[[1,2]]', '[[2,1]]', true],
    ['[{}]', '[[]]', false],
  ];
  it('matches PostgreSQL on nested, scalar and mixed containers', () => {
    for (const [a, b, want] of cases) expect([a, b, jsonbContains(j(a), j(b))]).toEqual([a, b, want]);
  });
});

describe('jsonb ? || - and paths', () => {
  it('finds top-level keys and string elements, not nested ones or non-strings', () => {
    expect(jsonbHasKey(j('{"a": {"b": 1}}'), 'b')).toBe(false);
    expect(jsonbHasKey(j('["a", 1]'), 'a')).toBe(true);
    expect(jsonbHasKey(j('["a", 1]'), '1')).toBe(false);
    expect(jsonbHasKey(j('"a"'), 'a')).toBe(true);
  });

  it('merges objects (right wins) and otherwise concatenates as arrays', () => {
    expect(formatJsonb(jsonbConcat(j('{"a": 1, "b": 2}'), j('{"b": 3, "c": 4}')))).toBe('{"a": 1, "b": 3, "c": 4}');
    expect(formatJsonb(jsonbConcat(j('1'), j('{"a": 1}')))).toBe('[1, {"a": 1}]');
    expect(formatJsonb(jsonbConcat(j('[1]'), j('[[2]]')))).toBe('[1, [2]]');
  });

  it('deletes keys, matching strings and indexes; refuses scalars', () => {
    expect(formatJsonb(jsonbDeleteKey(j('["a", "b", "a", 1]'), 'a'))).toBe('["b", 1]');
    expect(formatJsonb(jsonbDeleteIndex(j('[1, 2, 3]'), -1))).toBe('[1, 2]');
    expect(formatJsonb(jsonbDeleteIndex(j('[1, 2, 3]'), 5))).toBe('[1, 2, 3]');
    expect(() => jsonbDeleteKey(j('"a"'), 'a')).toThrow('cannot delete from scalar');
    expect(() => jsonbDeleteIndex(j('{"a": 1}'), 0)).toThrow('cannot delete from object using integer index');
  });

  it('follows paths through objects and arrays; a top-level scalar is element 0 of itself', () => {
    expect(formatJsonb(pathOf(j('{"a": [1, {"b": 2}]}'), ['a', '1', 'b'])!)).toBe('2');
    expect(pathOf(j('{"a": [1]}'), ['a', 'x'])).toBeUndefined();
    expect(pathOf(j('{"a": 1}'), ['a', null])).toBeUndefined();
    expect(formatJsonb(pathOf(j('[1, 2]'), [' -1'])!)).toBe('2');
    expect(formatJsonb(elementOf(j('"s"'), 0, true)!)).toBe('"s"');
    expect(elementOf(j('{"a": 1}'), 0, true)).toBeUndefined();
  });
});

describe('jsonb set-returning functions outside FROM', () => {
  it('are refused with 0A000 when bound in a select list', () => {
    for (const name of ['jsonb_array_elements', 'jsonb_each']) {
      let code: string | undefined;
      try {
        resolveScalarFunction(name, [T.jsonb]);
      } catch (e) {
        code = (e as EonError).sqlstate;
      }
      expect([name, code]).toEqual([name, '0A000']);
    }
  });
});
