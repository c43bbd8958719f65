import { describe, expect, it } from 'vitest';
import { resolveScalarFunction } from '../../../query/functions/index.js';
import { EonError } from '../../../src/errors/index.js';
import { T } from '../../../src/types/index.js';

describe('the namestore SQL functions', () => {
  it('fail at resolution with 0A000 and a hint naming the REST and CLI forms', () => {
    for (const [name, args, hint] of [
      ['eon_register', [T.text], /POST \/v1\/names\/\{name\}.*eon names register/],
      ['eon_name_taken', [T.text], /GET \/v1\/names\/\{name\}.*eon names check/],
      ['eon_release', [T.text, T.text], /DELETE \/v1\/names\/\{name\}.*X-Eon-Token/],
    ] as const) {
      let error: unknown = null;
      try {
        resolveScalarFunction(name, args);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EonError);
      expect((error as EonError).sqlstate).toBe('0A000');
      expect((error as EonError).hint).toMatch(hint);
    }
  });
});
